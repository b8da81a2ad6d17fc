"""The archive holds what the portal sent, versions only what changed, and rebuilds losslessly
(reports, fetches and the columns the next crawl starts from):
real crawls of a demo portal that compresses, redirects and stamps its pages as real ones do."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.payload import warc_digest
from nianbao.demo.portal import DemoPortal
from tests.archive_checks import assert_archive_backs_every_fetch, query
from tests.conftest import NIANBAO
from tests.crawling import crawl_ok, start_args
from tests.test_crawl import expected_documents

FETCH_COLUMNS = (
    "url, status, fetched_at, content_type, content_encoding, location, sha256, length, "
    "payload_digest, record_id, refers_to, warc_file, warc_offset, warc_length, portal, "
    "referer, method, etag, last_modified, blocked, note"
)
REPORT_COLUMNS = (
    "r.url, r.page_url, r.title, r.agency, r.year, r.template, r.portal, r.sha256, "
    "r.content_hash, r.fetched_at, f.record_id"
)

COLUMN_COLUMNS = "portal, url, title, found_by, entry, first_seen, last_checked, reports, last_seen"


def crawl(starts: list[str], data: Path) -> str:
    """The crawl's summary line."""
    return crawl_ok(data, *start_args(starts), "--portal", "demo").stderr.splitlines()[-1]


def raw_records(data: Path) -> list[tuple[str, dict, bytes]]:
    """(type, HTTP headers, payload exactly as stored) of every response and revisit record."""
    found = []
    for path in sorted((data / "warc").iterdir()):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type in ("response", "revisit"):
                    headers = dict(record.http_headers.headers)
                    headers["status"] = record.http_headers.get_statuscode()
                    headers["profile"] = record.rec_headers.get_header("WARC-Profile")
                    found.append((record.rec_type, headers, record.raw_stream.read()))
    return found


def test_gzip_redirects_and_view_counters_archived_as_sent_versioned_and_rebuilt(tmp_path):
    data = tmp_path / "crawl"
    with DemoPortal(gzip=True, live_pages=True) as portal:
        # The TRS column through its old address, which answers 301.
        starts = [
            portal.moved_column_url,
            portal.column_urls["hanweb"],
            portal.column_urls["plain"],
        ]
        crawl(starts, data)
        reports = query(data, "select id, url, content_hash from reports order by id")
        assert sorted(url for _, url, _ in reports) == sorted(expected_documents(portal))
        second = crawl(starts, data)

    # A second crawl adds no report: not for the pages whose counter and clock changed ...
    assert query(data, "select id, url, content_hash from reports order by id") == reports
    assert " 0 new reports, 0 changed, 1 blocked" in second
    live = query(
        data,
        "select url, count(distinct sha256) from fetches where url like '%/art/%' "
        "and status = 200 group by url",
    )
    assert len([url for url, versions in live if versions == 2]) >= 2

    # ... and the WARC holds what was sent: the gzip bytes, with their header ...
    records = raw_records(data)
    compressed = [(h, p) for kind, h, p in records if h.get("Content-Encoding") == "gzip" and p]
    assert compressed and all(payload[:2] == b"\x1f\x8b" for _, payload in compressed)
    rows = query(
        data,
        "select f.sha256, f.payload_digest, f.warc_file, f.warc_offset from reports r "
        "join fetches f on f.id = r.fetch_id where f.content_encoding = 'gzip'",
    )
    assert rows  # reports read from compressed pages: sha256 of the page, digest of the gzip
    for sha256, payload_digest, _, _ in rows:
        [payload] = [p for _, p in compressed if warc_digest(p) == payload_digest]
        assert hashlib.sha256(gzip.decompress(payload)).hexdigest() == sha256
    # ... the 301 of the old column address, with where it pointed ...
    moved = [h for kind, h, _ in records if h["status"] == "301"]
    assert moved and moved[0]["Location"].endswith("/zwgk/zfxxgknb/index.html")
    redirects = "select count(*) from fetches where status = 301 and location like ?"
    assert query(data, redirects, ["%/zwgk/zfxxgknb/%"])[0][0] >= 1
    # ... and what was fetched again unchanged as revisits, not second copies.
    profiles = {h["profile"].rsplit("/", 1)[1] for kind, h, _ in records if kind == "revisit"}
    assert profiles == {"identical-payload-digest", "server-not-modified"}
    assert_archive_backs_every_fetch(data)  # warcio check, digests, request records

    # A database rebuilt from warc/ alone equals the crawl's.
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(data / "warc", rebuilt / "warc")
    build = subprocess.run(
        [NIANBAO, "build", "--data", str(rebuilt)], capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stderr[-2000:]
    for sql in (
        f"select {FETCH_COLUMNS} from fetches order by warc_file, warc_offset",
        f"select {REPORT_COLUMNS} from reports r join fetches f on f.id = r.fetch_id order by r.url, f.record_id",
        f"select {COLUMN_COLUMNS} from columns order by portal, url",  # where to crawl next
    ):
        crawled, again = query(data, sql), query(rebuilt, sql)
        assert crawled and again == crawled
    assert query(rebuilt, "select count(*) from fetches where blocked = 1")[0][0] == 2
