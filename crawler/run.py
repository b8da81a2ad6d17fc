"""Run the spider in-process, as `nianbao crawl` does, and summarise what it did."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.annual_reports import AnnualReportsSpider


@dataclass
class CrawlSummary:
    pages: int
    reports_new: int
    reports_unchanged: int
    blocked: int
    errors: int
    finish_reason: str

    def line(self) -> str:
        return (
            f"{self.pages} responses archived, {self.reports_new} new reports, "
            f"{self.reports_unchanged} unchanged, {self.blocked} blocked, "
            f"{self.errors} errors ({self.finish_reason})"
        )


def crawl_settings(
    data_dir: Path, portal: str | None = None, overrides: dict | None = None
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DATA", str(data_dir), priority="cmdline")
    settings.set("NIANBAO_PORTAL", portal, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    start_urls: list[str], data_dir: Path, portal: str | None = None, overrides: dict | None = None
) -> CrawlSummary:
    process = CrawlerProcess(crawl_settings(data_dir, portal, overrides), install_root_handler=True)
    crawler = process.create_crawler(AnnualReportsSpider)
    process.crawl(crawler, start_urls=",".join(start_urls), portal=portal)
    process.start()
    stats = crawler.stats.get_stats()
    errors = sum(
        v
        for k, v in stats.items()
        if k.startswith(("downloader/exception_count", "spider_exceptions/")) and isinstance(v, int)
    )
    errors += stats.get("nianbao/unreadable", 0)
    return CrawlSummary(
        pages=stats.get("nianbao/archived", 0),
        reports_new=stats.get("nianbao/reports_new", 0),
        reports_unchanged=stats.get("nianbao/reports_unchanged", 0)
        + stats.get("nianbao/unchanged", 0),
        blocked=stats.get("nianbao/blocked", 0),
        errors=errors,
        finish_reason=str(stats.get("finish_reason", "unknown")),
    )
