"""Item pipeline: a fetched report document → extracted text, parsed report, database rows."""

from __future__ import annotations

import logging
from collections import Counter

from archive.columns import record_column
from archive.database import store_report
from archive.provenance import Provenance, iso_utc, utc_now
from crawler.items import ColumnPage, ReportDocument
from crawler.store import CrawlStore
from parsers import ParseError
from parsers.pool import ParserPool, WorkerDied

logger = logging.getLogger(__name__)


class ReportPipeline:
    def __init__(self, store: CrawlStore, stats, portal_info: dict, readers: ParserPool):
        self.store = store
        self.stats = stats
        self.portal_info = portal_info
        self.readers = readers
        self.column_reports: Counter[tuple[str | None, str]] = Counter()  # in this crawl

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        processes = settings.get("NIANBAO_READER_PROCESSES")
        return cls(
            CrawlStore.of(crawler),
            crawler.stats,
            settings.getdict("NIANBAO_PORTAL_INFO"),
            ParserPool(None if processes is None else int(processes)),
        )

    def close_spider(self, spider=None) -> None:
        self.readers.close()

    async def process_item(self, item: ReportDocument | ColumnPage, spider=None):
        if isinstance(item, ColumnPage):
            return self.store_column(item)
        info = getattr(spider, "portal_info", {}).get(item.portal) or self.portal_info
        try:
            read = await self.readers.parse(item.body, item.url)
        except (ParseError, WorkerDied) as error:
            logger.warning("unreadable report %s: %s", item.url, error)
            self.stats.inc_value("nianbao/unreadable")
            return item
        except Exception as error:  # a parser bug: the crawl goes on, the bytes stay archived
            logger.error("parser failed on %s: %s: %s", item.url, type(error).__name__, error)
            self.stats.inc_value("nianbao/unreadable")
            return item
        if read is None:
            logger.info("not a report: %s", item.url)
            self.stats.inc_value("nianbao/not_reports")
            return item
        report, extractor, text = read
        # ArchiveMiddleware hashed these bytes when it archived them
        fetched_at, sha256 = self.store.db.execute(
            "select fetched_at, sha256 from fetches where id = ?", [item.fetch_id]
        ).fetchone()
        report_id = store_report(
            self.store.db,
            report,
            text,
            Provenance(
                url=item.url,
                page_url=item.page_url,
                sha256=sha256,
                fetched_at=fetched_at,
                fetch_id=item.fetch_id,
                portal=item.portal,
                province=info.get("province"),
                level=info.get("level"),
            ),
            extractor,
        )
        self.stats.inc_value("nianbao/reports_new" if report_id else "nianbao/reports_unchanged")
        return item

    def store_column(self, page: ColumnPage) -> ColumnPage:
        """Remember the column, with the reports its pages listed in this crawl so far."""
        key = (page.portal, page.column)
        self.column_reports[key] += page.reports
        record_column(
            self.store.db,
            page.portal,
            page.column,
            iso_utc(utc_now()),
            self.column_reports[key],
            title=page.title,
            found_by=page.found_by,
            entry=page.entry,
        )
        return page
