"""The crawl's handle on the archive: one WARC archive and one database per crawler process,
shared by the middlewares and pipelines that need them (Scrapy builds each separately)."""

from __future__ import annotations

from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from archive.database import close_database, open_database
from archive.warc import WarcArchive, recover


class CrawlStore:
    def __init__(self, data_dir: Path, warc_max_bytes: int):
        self.data_dir = Path(data_dir)
        self.db = open_database(self.data_dir / "nianbao.db")
        recover(self.data_dir / "warc")  # files a killed crawl left open
        self.warc = WarcArchive(self.data_dir / "warc", max_bytes=warc_max_bytes)

    def close(self) -> None:
        self.warc.close()
        close_database(self.db)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlStore:
        store = getattr(crawler, "_nianbao_store", None)
        if store is None:
            settings = crawler.settings
            store = cls(
                Path(settings.get("NIANBAO_DATA", "data")),
                settings.getint("NIANBAO_WARC_MAX_BYTES", 1024**3),
            )
            crawler._nianbao_store = store
            crawler.signals.connect(
                lambda spider: store.close(), signal=signals.spider_closed, weak=False
            )
        return store
