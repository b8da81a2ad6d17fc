"""Scrapy extensions: what a long crawl tells the person running it."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger("nianbao.progress")

# (stats key, words) in the order the progress line gives them
PROGRESS_COUNTS = (
    ("nianbao/archived", "responses archived"),
    ("nianbao/reports_new", "new reports"),
    ("nianbao/reports_unchanged", "unchanged"),
    ("nianbao/blocked", "blocked"),
    ("nianbao/unreadable", "unreadable"),
)


def progress_line(stats: dict) -> str:
    return ", ".join(f"{stats.get(key, 0)} {words}" for key, words in PROGRESS_COUNTS)


class CrawlProgress:
    """Logs pages, reports and blocked pages every NIANBAO_PROGRESS_INTERVAL seconds, so a
    crawl of a large column shows it is alive (Scrapy's own LogStats counts only pages)."""

    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.task = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        logger.info("crawling: %s", progress_line(self.stats.get_stats()))

    def spider_closed(self, spider) -> None:
        if self.task and self.task.running:
            self.task.stop()
