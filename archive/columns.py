"""The columns table: the 年报 columns and 专题 pages crawls found or were given, which tell the
next crawl where to start (its schema is in archive.schema.SCHEMA)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from archive.database import read_rows

# The kind of WARC metadata record that carries one sighting of a column (archive.warc).
COLUMN_RECORD = "column"


def record_column(
    db: sqlite_utils.Database,
    portal: str | None,
    url: str,
    checked_at: str,
    reports: int,
    *,
    title: str | None = None,
    found_by: str | None = None,
    entry: str | None = None,
) -> dict:
    """A crawl fetched the column at `url` at `checked_at`, and it listed `reports` report
    links so far in this crawl: the column's row brought up to date (merge_column). Returns
    the sighting, the row it alone would make, for the crawl to archive."""
    sighting = {
        "portal": portal,
        "url": url,
        "title": title,
        "found_by": found_by,
        "entry": entry or url,
        "first_seen": checked_at,
        "last_checked": checked_at,
        "reports": reports,
        "last_seen": checked_at if reports else None,
    }
    merge_column(db, sighting)
    return sighting


def merge_column(db: sqlite_utils.Database, sighting: dict) -> None:
    """Bring a column's row up to date with a sighting (record_column), or with the row of
    another database (a distributed worker's): the first sighting keeps how and when it was
    found, the latest check says how many reports it listed, the latest listing of reports is
    last_seen. A sighting merged twice (a rebuild replays the archived ones onto the database
    they were recorded in) changes nothing."""
    known = db.execute(
        "select id, first_seen, last_checked, last_seen from columns where portal is ? and url = ?",
        [sighting["portal"], sighting["url"]],
    ).fetchone()
    with db.atomic():
        if known is None:
            db["columns"].insert(sighting)
            return
        row_id, first_seen, last_checked, last_seen = known
        merged = {
            "first_seen": min(first_seen or "~", sighting["first_seen"] or "~"),
            "last_seen": max(last_seen or "", sighting["last_seen"] or "") or None,
        }
        if (sighting["last_checked"] or "") >= (last_checked or ""):
            merged |= {"last_checked": sighting["last_checked"], "reports": sighting["reports"]}
        db["columns"].update(row_id, merged)


def live_columns(db: sqlite_utils.Database, portal: str | None, entry: str) -> list[str]:
    """Columns found from `entry` that listed reports the last time they were checked: where
    the next crawl of that entry starts."""
    rows = db.execute(
        "select url from columns where portal is ? and entry = ? and reports > 0 "
        "and last_seen is not null order by id",
        [portal, entry],
    )
    return [url for (url,) in rows]


def found_columns(path: Path | str) -> list[dict]:
    """Every column the crawls of the database at `path` remember, by portal; none when there
    is no such database yet, or it is from before columns were remembered."""
    return read_rows(
        path,
        "select portal, url, title, found_by, first_seen, last_seen, reports "
        "from columns order by portal, url",
    )
