"""Looking up the `fetches` table for the records that hold payloads: what a re-fetch revisits.

A revisit record (archive.warc) refers to the record holding the bytes it did not store again:
the crawl asks here which one that is.
"""

from __future__ import annotations

import sqlite_utils


def payload_record(db: sqlite_utils.Database, record_id: str) -> dict | None:
    """The fetch whose WARC record `record_id` holds a payload (not a revisit)."""
    rows = db.query(
        "select id, url, fetched_at, record_id, sha256, length, payload_digest from fetches "
        "where record_id = ? and refers_to is null limit 1",
        [record_id],
    )
    return next(iter(rows), None)


def archived_payload(db: sqlite_utils.Database, url: str, payload_digest: str) -> dict | None:
    """The latest fetch of `url` whose record holds this payload: a re-fetch of it is a revisit."""
    rows = db.query(
        "select id, url, fetched_at, record_id, sha256, length, payload_digest from fetches "
        "where url = ? and payload_digest = ? and refers_to is null and record_id is not null "
        "order by id desc limit 1",
        [url, payload_digest],
    )
    return next(iter(rows), None)
