"""Replacing a database that Datasette serves, in one step readers never see half done.

`nianbao build` writes a working copy beside the database, then copies it into the database
in one write transaction (SQLite's backup API). The database is in WAL mode and Datasette
reads it as an ordinary read-only database (not immutable): a query that started before the
copy finishes on the old data, every query after it sees the new. The file stays the same
file, so nothing has to reopen it, and its write-ahead log never belongs to another file (a
rename over a WAL database would pair the new file with the old file's log).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT = 60.0  # seconds the final copy waits for a writer (a crawl's checkpoint) to finish


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def remove_database(path: Path) -> None:
    for file in [path, *_sidecars(path)]:
        file.unlink(missing_ok=True)


def working_copy(live: Path) -> Path:
    """DIR/nianbao.db.building: a copy of the live database (empty when there is none) for a
    build to write; what a killed build left there is discarded."""
    work = live.with_name(live.name + ".building")
    remove_database(work)
    if live.exists():
        source = sqlite3.connect(live, timeout=BUSY_TIMEOUT)
        target = sqlite3.connect(work)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    return work


def publish(work: Path, live: Path) -> None:
    """Make the working copy the live database, atomically for its readers, and remove it."""
    if not live.exists():
        for file in _sidecars(live):  # a log without its database would be read into the new one
            file.unlink(missing_ok=True)
        work.rename(live)  # no reader yet: nothing to keep consistent
        remove_database(work)
        return
    source = sqlite3.connect(work)
    target = sqlite3.connect(live, timeout=BUSY_TIMEOUT)
    try:
        source.backup(target)  # one step: one write transaction
        # Fold the copy into the file; readers still on the old snapshot keep it until done.
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        target.close()
        source.close()
    remove_database(work)
