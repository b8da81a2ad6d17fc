"""The columns table: the 年报 columns and 专题 pages crawls found or were given, which tell the
next crawl where to start (its schema is in archive.schema.SCHEMA)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from archive.database import read_rows


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
) -> None:
    """A crawl fetched the column at `url` and it listed `reports` report links so far in this
    crawl. The first sighting keeps how it was found; later ones say when it was last checked
    and last seen listing reports."""
    row = db.execute(
        "select id from columns where portal is ? and url = ?", [portal, url]
    ).fetchone()
    seen = {"last_seen": checked_at} if reports else {}
    with db.atomic():
        if row is None:
            db["columns"].insert(
                {
                    "portal": portal,
                    "url": url,
                    "title": title,
                    "found_by": found_by,
                    "entry": entry or url,
                    "first_seen": checked_at,
                    "last_checked": checked_at,
                    "reports": reports,
                    **seen,
                }
            )
        else:
            db["columns"].update(row[0], {"last_checked": checked_at, "reports": reports, **seen})


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
