"""DIR/crawl.lock: one writer of a data directory at a time.

A crawl holds it for its run (cron may start the next run before this one ends), the processes
of one distributed crawl hold it shared (each writes its own database and WARC files), and
`nianbao build` holds it alone: it reads every WARC file and replaces the database.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class CrawlLocked(RuntimeError):
    """Another crawl (or a build) holds the data directory."""


@contextmanager
def crawl_lock(data_dir: Path, shared: bool = False, holder: str = "a crawl") -> Iterator[None]:
    """Hold DIR/crawl.lock for the block; CrawlLocked says who holds it when it is taken.

    `shared`: for the processes of one distributed crawl, which run side by side, and none of
    them beside a crawl or a build that holds it alone. `holder` says what holds it.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / "crawl.lock", "a+")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        found = handle.read().strip() or "unknown"
        handle.close()
        raise CrawlLocked(f"another crawl is running on {data_dir} ({found})") from None
    since = datetime.now(UTC).isoformat(timespec="seconds")
    who = f"pid {os.getpid()} on {socket.gethostname()} since {since}"
    handle.seek(0)
    handle.truncate()
    handle.write(f"a distributed crawl: {who}, maybe with others" if shared else f"{holder}: {who}")
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
