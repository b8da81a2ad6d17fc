"""Real Scrapy crawls of the mock portals on 127.0.0.1: what gets found, archived and stored."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from crawler.middlewares import is_blocked
from nianbao.demo.portal import DemoPortal
from nianbao.demo.server import Answer, Served, not_found
from tests.archive_checks import assert_archive_backs_every_fetch, query
from tests.conftest import FIXTURES, NIANBAO
from tests.crawling import FAST, crawl_ok, start_args


@pytest.fixture
def portal():
    with DemoPortal() as running:
        yield running


def crawl_command(portal: DemoPortal, data: Path) -> list[str]:
    urls = start_args(list(portal.column_urls.values()))
    return [NIANBAO, "crawl", *urls, "--portal", "demo", "--data", str(data), *FAST]


def crawl(portal: DemoPortal, data: Path) -> subprocess.CompletedProcess:
    return crawl_ok(data, *start_args(list(portal.column_urls.values())), "--portal", "demo")


def expected_documents(portal: DemoPortal) -> set[str]:
    return {r.document_url for reports in portal.reports.values() for r in reports}


def test_crawl_finds_every_report_and_archives_every_response(portal, tmp_path):
    result = crawl(portal, tmp_path / "crawl")
    found = {url for (url,) in query(tmp_path / "crawl", "select url from reports")}
    assert found == expected_documents(portal)
    assert ", 1 blocked, " in result.stderr.splitlines()[-1]  # the 412 challenge page
    # Every stored report is one click from its archived bytes: a fetch row, and (below) the
    # WARC record that row points at.
    rows = query(
        tmp_path / "crawl", "select r.url from reports r join fetches f on f.id = r.fetch_id"
    )
    assert len(rows) == len(found)
    assert_archive_backs_every_fetch(tmp_path / "crawl")


def test_crawl_is_polite_and_skips_traps(portal, tmp_path):
    crawl(portal, tmp_path)
    blocked = query(tmp_path, "select url, status from fetches where blocked = 1")
    assert blocked and all(status == 412 for _, status in blocked)
    assert not query(
        tmp_path, "select 1 from reports r join fetches f on f.id = r.fetch_id where f.blocked = 1"
    )
    paths = [path for method, path, headers in portal.requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]
    assert not query(tmp_path, "select url from fetches where url like '%offsite.invalid%'")
    statuses = {status for (status,) in query(tmp_path, "select status from fetches")}
    assert 404 in statuses
    # The pagination trap repeats its last page forever: the crawl stops after one repeat.
    trap_pages = [p for p in paths if "page=" in p and "/xxgk/ndbg/" in p]
    assert len(trap_pages) < 10
    user_agents = {h.get("User-Agent", "") for _, _, h in portal.requests}
    assert all("nianbao" in ua for ua in user_agents)


def test_recrawl_of_an_unchanged_portal_adds_no_reports(portal, tmp_path):
    crawl(portal, tmp_path)
    before = query(tmp_path, "select id, url, sha256 from reports order by id")
    portal.requests.clear()
    crawl(portal, tmp_path)
    assert query(tmp_path, "select id, url, sha256 from reports order by id") == before
    conditional = [
        path
        for method, path, headers in portal.requests
        if "If-None-Match" in headers or "If-Modified-Since" in headers
    ]
    assert len(conditional) == len(before)


def site_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_a_report_gets_a_new_version_when_what_it_says_changes_not_its_markup(portal, tmp_path):
    crawl(portal, tmp_path)
    table, sentence, markup = (portal.reports[kind][0] for kind in ("trs", "hanweb", "plain"))
    original = query(tmp_path, "select id from reports where url = ?", [table.document_url])
    pages = {
        r.document_url: urllib.request.urlopen(r.document_url).read() for r in (table, sentence)
    }
    # A number in table 三 changes (its 总计 of 新收 applications: 154 → 155) ...
    portal.touch(
        site_path(table.document_url),
        pages[table.document_url].replace(b">154</p>", b">155</p>", 1),
    )
    # ... a sentence is added to another report ...
    end = b'<meta name="ContentEnd">'
    added = "<p>本报告另附一项说明。</p>".encode() + end
    portal.touch(site_path(sentence.document_url), pages[sentence.document_url].replace(end, added))
    # ... and a third page changes only in its markup.
    portal.touch(site_path(markup.document_url))
    crawl(portal, tmp_path)
    versions = {
        report.document_url: query(
            tmp_path,
            "select id, previous_id, superseded_by from reports where url = ? order by id",
            [report.document_url],
        )
        for report in (table, sentence, markup)
    }
    assert [len(versions[r.document_url]) for r in (table, sentence, markup)] == [2, 2, 1]
    (old_id, _, superseded_by), (new_id, previous_id, _) = versions[table.document_url]
    assert old_id == original[0][0] and superseded_by == new_id and previous_id == old_id
    totals = query(
        tmp_path,
        "select report_id, total from applications where row = 'new_received' and report_id in (?, ?)",
        [old_id, new_id],
    )
    assert sorted(totals) == [(old_id, 154), (new_id, 155)]


def test_sigkill_mid_crawl_then_resume_gives_the_same_set(tmp_path):
    # A portal without ETag/Last-Modified: the resumed crawl fetches every report again in
    # full, and it is the archive and the versioning that keep each one once.
    with DemoPortal(latency=0.15, validators=False) as portal:
        process = subprocess.Popen(
            crawl_command(portal, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            db = tmp_path / "nianbao.db"
            if db.exists():
                try:
                    if query(tmp_path, "select count(*) from reports")[0][0] >= 2:
                        break
                except sqlite3.OperationalError:
                    pass
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        stored = query(tmp_path, "select count(*) from reports")[0][0]
        assert 0 < stored < len(expected_documents(portal)), "kill came too late to test resume"
        stored_before = query(tmp_path, "select id, url, fetch_id from reports")
        crawl(portal, tmp_path)
        urls = [url for (url,) in query(tmp_path, "select url from reports")]
        assert sorted(urls) == sorted(expected_documents(portal))  # none missing, none twice
        assert set(stored_before) <= set(query(tmp_path, "select id, url, fetch_id from reports"))
        # Documents fetched again unchanged are revisits of the records holding them.
        again = query(
            tmp_path,
            "select count(*) from fetches f join reports r on r.url = f.url "
            "where f.refers_to is not null and f.status = 200",
        )
        assert again[0][0] >= len(stored_before)
        assert_archive_backs_every_fetch(tmp_path)


class FlakyColumn(Served):
    """A column page that answers 503 `failures` times before listing one report, as an
    overloaded portal does; the report page is a real one. Served by the mock portals'
    server (nianbao.demo.server)."""

    latency = 0.0

    def __init__(self, failures: int = 2):
        self.failures = failures
        self.column_hits: list[float] = []  # time.monotonic() of each request for the column

    @property
    def column(self) -> str:
        return f"http://127.0.0.1:{self.port}/col/"

    def record(self, method: str, target: str, headers: dict) -> None:
        if target == "/col/":
            self.column_hits.append(time.monotonic())

    def answer(self, method: str, target: str, headers: dict, payload: bytes = b"") -> Answer:
        if target == "/col/" and len(self.column_hits) <= self.failures:
            return Answer(503, HTML, b"<html><body>Service Unavailable</body></html>")
        if target == "/col/":
            link = '<a href="/art/1.html">2025年政府信息公开工作年度报告</a>'
            return Answer(200, HTML, f"<html><body><ul><li>{link}</li></ul></body></html>".encode())
        if target == "/art/1.html":
            return Answer(200, HTML, (FIXTURES / "reports" / "pingtan-2025.html").read_bytes())
        return not_found()


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def flaky_column():
    with FlakyColumn() as site:
        yield site


def crawl_column(column: str, data: Path, *options: str) -> None:
    crawl_ok(data, "--start-url", column, *options, timeout=120)


def test_retries_back_off_and_every_attempt_is_archived(flaky_column, tmp_path):
    crawl_column(flaky_column.column, tmp_path, "-s", "RETRY_BACKOFF_BASE=0.4")
    hits = flaky_column.column_hits
    assert len(hits) == 3
    # first retry after >= 0.4 s, the second after >= 0.8 s
    assert hits[1] - hits[0] >= 0.4 and hits[2] - hits[1] >= 0.8
    statuses = [
        s
        for (s,) in query(
            tmp_path, "select status from fetches where url = ?", [flaky_column.column]
        )
    ]
    assert sorted(statuses) == [200, 503, 503]
    assert query(tmp_path, "select count(*) from reports")[0][0] == 1


def test_a_new_column_of_a_registry_portal_gets_its_province_and_level(flaky_column, tmp_path):
    flaky_column.failures = 0
    crawl_column(flaky_column.column, tmp_path, "--portal", "pingtan")
    assert query(tmp_path, "select portal, province, level from reports") == [
        ("pingtan", "福建省", "prefecture")
    ]


def test_an_unreachable_portal_fails_the_run_in_a_few_lines(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [NIANBAO, "crawl", "--start-url", f"http://127.0.0.1:{port}/col/", "--data", str(tmp_path)]
        + ["-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.05"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1  # cron mails a failed run
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("nianbao crawl: 0 responses archived")
    assert "2 errors" in result.stderr.splitlines()[-1]
    # and the run's row in crawl_runs says so
    assert query(tmp_path, "select status, pages, errors from crawl_runs") == [("failed", 0, 2)]


@pytest.mark.parametrize(
    "status, body, blocked",
    [
        (412, b"<html></html>", True),  # 瑞数's status, whatever it says
        (200, b"<script>$_ts=window['$_ts'];</script>", True),  # a small challenge page
        (403, b"<p>" + "安全验证".encode() + b"</p>" + b" " * 30000, True),
        # a report long enough to be content, which happens to say 安全验证 (safety checks)
        (200, ("安全验证工作情况" + "正文" * 12000).encode(), False),
        (200, b"<html>" + "政府信息公开工作年度报告".encode() + b"</html>", False),
    ],
)
def test_a_challenge_page_is_told_from_content(status: int, body: bytes, blocked: bool) -> None:
    assert is_blocked(status, body) is blocked
