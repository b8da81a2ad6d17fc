"""What a user checks of a data directory after a crawl: its database, and that every fetch
row points at a WARC record holding the bytes it names, in files `warcio check` accepts."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc import read_response


def query(data: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(data / "nianbao.db") as db:
        return db.execute(sql, params).fetchall()


def warcio_check(paths: list[Path]) -> subprocess.CompletedProcess:
    """warcio's own checker (`warcio check`): every record's block and payload digests."""
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, paths)],
        capture_output=True,
        text=True,
    )


def assert_archive_backs_every_fetch(data: Path) -> None:
    """Every fetch row's record has its URL and the digest of its document (a revisit's: the
    record it refers to); every WARC file is closed, passes `warcio check` and reads back
    whole, digests checked, with a request record concurrent to each response."""
    rows = query(
        data, "select url, sha256, warc_file, warc_offset, record_id, refers_to from fetches"
    )
    assert rows
    holding = {record_id: (file, offset) for _, _, file, offset, record_id, refers in rows}
    for url, sha256, warc_file, offset, record_id, refers_to in rows:
        info, body = read_response(data / "warc", warc_file, offset)
        assert (info["url"], info["record_id"], info["refers_to"]) == (url, record_id, refers_to)
        if refers_to:
            assert info["type"] == "revisit" and body == b""
            _, body = read_response(data / "warc", *holding[refers_to])
        assert hashlib.sha256(body).hexdigest() == sha256, url
    paths = sorted((data / "warc").iterdir())
    assert all(path.name.endswith(".warc.gz") for path in paths)  # none left open
    checked = warcio_check(paths)
    assert checked.returncode == 0, checked.stdout[-3000:]
    responses, concurrent = set(), set()
    for path in paths:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, check_digests="raise"):
                record.content_stream().read()
                if record.rec_type in ("response", "revisit"):
                    responses.add(record.rec_headers.get_header("WARC-Record-ID"))
                elif record.rec_type == "request":
                    concurrent.add(record.rec_headers.get_header("WARC-Concurrent-To"))
    assert responses == {record_id for *_, record_id, _ in rows} == concurrent
