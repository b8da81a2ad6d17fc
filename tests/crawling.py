"""`nianbao crawl` as the tests run it: fast settings for the local mock portals, and a run
that must succeed (its stderr's end shown when it does not)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import NIANBAO

# A portal on 127.0.0.1 needs no politeness; INFO so a failure's log says what happened.
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s", "LOG_LEVEL=INFO",
]  # fmt: skip


def start_args(urls: list[str]) -> list[str]:
    return [a for url in urls for a in ("--start-url", url)]


def crawl_ok(
    data: Path, *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`nianbao crawl --data DATA ARGS… FAST`, asserted to exit 0."""
    result = subprocess.run(
        [NIANBAO, "crawl", "--data", str(data), *args, *FAST],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result
