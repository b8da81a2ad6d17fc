"""Pages/s of a distributed crawl with 1, 2 and 3 `nianbao crawl --redis` processes.

Against the mock portals on loopback, with a real redis-server and politeness off (no shared
domain delay, no download delay, no AutoThrottle), so that what is measured is the crawler:
fetching, archiving, parsing and storing. The portal publishes a few hundred extra reports so
that each run lasts some seconds.

    python -m bench.distributed [--reports N]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.database import WORKERS_DIR
from bench.crawl import UNTHROTTLED
from crawler.localredis import LocalRedis, redis_server_binary
from crawler.run import setting_args
from nianbao.demo.portal import DEFAULT_DOCUMENTS, DemoPortal

NIANBAO = str(Path(sys.executable).parent / "nianbao")
# bench.crawl's politeness-off settings, and no shared per-host delay either
IMPOLITE = setting_args({**UNTHROTTLED, "LOG_LEVEL": "WARNING", "NIANBAO_DOMAIN_DELAY": "0"})


# The plain column is left as it is: its list pages link only to their neighbours, so its
# pages are found one after another whatever the number of processes.
BULK_COLUMNS = ("trs", "hanweb")


def publish(portal: DemoPortal, per_column: int) -> None:
    seed = (DEFAULT_DOCUMENTS / "004_3cdcdf96041af72f.txt").read_text(encoding="utf-8")
    for kind in BULK_COLUMNS:
        for n in range(per_column):
            town = f"{kind}{n}镇"
            portal.add_report(
                kind, f"{town}人民政府2022年政府信息公开工作年度报告", seed.replace("锦屏镇", town)
            )


def archived(data: Path) -> int:
    """Responses the processes archived, from their own databases."""
    total = 0
    for path in (data / WORKERS_DIR).glob("*.db"):
        with sqlite3.connect(path) as db:
            total += db.execute("select count(*) from fetches").fetchone()[0]
    return total


def crawl_with(portal: DemoPortal, workers: int) -> tuple[int, float, float]:
    """(pages archived, seconds from the first to the last request, seconds in all)."""
    urls = [a for column in portal.column_urls.values() for a in ("--start-url", column)]
    with LocalRedis() as server, tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        command = [NIANBAO, "crawl", *urls, "--portal", "demo", "--data", str(data)]
        command += ["--redis", server.url, *IMPOLITE]
        portal.requests.clear()
        portal.request_times.clear()
        started = time.perf_counter()
        logs = [open(Path(tmp) / f"worker{n}.log", "w+") for n in range(workers)]  # noqa: SIM115
        processes = [subprocess.Popen(command, stderr=log) for log in logs]
        for process, log in zip(processes, logs, strict=True):
            if process.wait(timeout=600) != 0:
                log.seek(0)
                raise RuntimeError(f"a crawl process failed:\n{log.read()[-2000:]}")
            log.close()
        elapsed = time.perf_counter() - started
        arrivals = [arrived for arrived, _, _ in portal.request_times]
        return archived(data), max(arrivals) - min(arrivals), elapsed


def worker_bench(reports_per_column: int = 200) -> list[str]:
    """One line per number of processes: pages/s while crawling, and with start-up."""
    if redis_server_binary() is None:
        return ["distributed crawl: skipped (redis-server is not installed)"]
    lines = []
    with DemoPortal() as portal:
        publish(portal, reports_per_column)
        reports = sum(len(column) for column in portal.reports.values())
        for workers in (1, 2, 3):
            pages, crawling, elapsed = crawl_with(portal, workers)
            lines.append(
                f"distributed crawl, {workers} process{'es' if workers > 1 else ''} "
                f"({reports} reports, politeness off, {os.cpu_count()} cores): "
                f"{pages / crawling:.0f} pages/s ({pages} pages in {crawling:.1f} s; "
                f"{pages / elapsed:.0f} pages/s counting start-up)"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="extra reports per column")
    args = parser.parse_args()
    for line in worker_bench(args.reports):
        print(line, flush=True)


if __name__ == "__main__":
    main()
