"""What a user checks of a data directory after a crawl: its database, and that every fetch
row points at a WARC record holding the bytes it names."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc import read_response


def query(data: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(data / "nianbao.db") as db:
        return db.execute(sql, params).fetchall()


def assert_archive_backs_every_fetch(data: Path) -> None:
    """Every fetch row's record has its URL and digest; every WARC file is closed and reads
    back whole, with a request and a response record for each fetch."""
    fetches = query(data, "select url, sha256, warc_file, warc_offset from fetches")
    assert fetches
    for url, sha256, warc_file, offset in fetches:
        headers, body = read_response(data / "warc", warc_file, offset)
        assert (headers["url"], hashlib.sha256(body).hexdigest()) == (url, sha256)
    records = 0
    for path in (data / "warc").iterdir():
        assert path.name.endswith(".warc.gz")  # no file left open by a killed crawl
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                record.content_stream().read()
                records += 1
    assert records >= 2 * len(fetches)
