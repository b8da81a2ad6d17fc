"""Crawl throughput with archiving on, beside `scrapy bench` on the same machine.

Both figures are responses per second of crawling time as Scrapy's own stats count it
(`downloader/response_count` over `elapsed_time_seconds`), so start-up is left out of both.
`scrapy bench` fetches tiny link pages and does nothing with them; our crawl archives every
response to WARC, extracts text and parses each report.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.run import setting_args
from nianbao.demo.portal import KINDS, DemoPortal

# Politeness off: the bench measures the machine, not the delays a real portal gets.
UNTHROTTLED = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "INFO",
}
STAT = re.compile(r"'(downloader/response_count|elapsed_time_seconds)': ([\d.]+)")


def crawl_stats(log: str) -> tuple[int, float]:
    """Responses and seconds from the stats Scrapy dumps when a spider closes."""
    stats = dict(STAT.findall(log))
    if len(stats) < 2:
        raise RuntimeError(f"no crawl stats in the log:\n{log[-2000:]}")
    return int(float(stats["downloader/response_count"])), float(stats["elapsed_time_seconds"])


def scrapy_bench_rate(seconds: int = 10) -> float:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    responses, elapsed = crawl_stats(result.stderr)
    return responses / elapsed


def demo_portal_with(reports_per_column: int) -> DemoPortal:
    portal = DemoPortal()
    texts = sorted(portal.documents_dir.glob("*.txt"))
    for n in range(reports_per_column):
        for kind in KINDS:
            text = texts[n % len(texts)].read_text(encoding="utf-8")
            portal.add_report(kind, f"某某县第{n}号2023年政府信息公开工作年度报告", text)
    return portal


def nianbao_crawl_rate(reports_per_column: int = 60) -> tuple[float, int, int]:
    """Responses/s of `nianbao crawl` over the demo portal grown by 3 × reports_per_column."""
    nianbao = shutil.which("nianbao", path=str(Path(sys.executable).parent)) or "nianbao"
    settings = setting_args(UNTHROTTLED)
    with demo_portal_with(reports_per_column) as portal, tempfile.TemporaryDirectory() as data:
        urls = [a for url in portal.column_urls.values() for a in ("--start-url", url)]
        result = subprocess.run(
            [nianbao, "crawl", "--verbose", *urls, "--portal", "bench", "--data", data, *settings],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nianbao crawl failed:\n{result.stderr[-2000:]}")
        responses, elapsed = crawl_stats(result.stderr)
        reports = sum(len(found) for found in portal.reports.values())
    return responses / elapsed, responses, reports


def main() -> None:
    ours, responses, reports = nianbao_crawl_rate()
    theirs = scrapy_bench_rate()
    print(
        f"crawl with archiving and parsing (demo portal, {responses} responses, {reports} "
        f"reports): {ours:.0f} pages/s; scrapy bench on this machine: {theirs:.0f} pages/s; "
        f"ratio {ours / theirs:.0%}  (goal >= 50%)"
    )


if __name__ == "__main__":
    main()
