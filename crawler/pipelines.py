"""Item pipeline: a fetched report document → extracted text, parsed report, database rows."""

from __future__ import annotations

import json
import logging
from collections import Counter

from archive.columns import COLUMN_RECORD, record_column
from archive.database import store_report
from archive.fetches import payload_record
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
            ParserPool(
                None if processes is None else int(processes),
                seconds=settings.getfloat("NIANBAO_READER_SECONDS"),
                memory_mb=settings.getint("NIANBAO_READER_MEMORY_MB"),
            ),
        )

    def open_spider(self, spider=None) -> None:
        self.readers.start()

    def close_spider(self, spider=None) -> None:
        self.readers.close()

    async def process_item(self, item: ReportDocument | ColumnPage, spider=None):
        if isinstance(item, ColumnPage):
            return self.store_column(item)
        info = getattr(spider, "portal_info", {}).get(item.portal) or self.portal_info
        fetch_id, fetched_at, sha256 = self._bytes_fetch(item.fetch_id)
        if self.store.db.execute("select 1 from reports where fetch_id = ?", [fetch_id]).fetchone():
            # the same bytes again (a revisit), already read into a report
            self.stats.inc_value("nianbao/reports_unchanged")
            return item
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
        report_id = store_report(
            self.store.db,
            report,
            text,
            Provenance(
                url=item.url,
                page_url=item.page_url,
                sha256=sha256,
                fetched_at=fetched_at,
                fetch_id=fetch_id,
                portal=item.portal,
                province=info.get("province"),
                level=info.get("level"),
            ),
            extractor,
        )
        self.stats.inc_value("nianbao/reports_new" if report_id else "nianbao/reports_unchanged")
        return item

    def _bytes_fetch(self, fetch_id: int) -> tuple[int, str, str]:
        """(id, fetched_at, sha256) of the fetch whose record holds these bytes: a revisit's
        is the fetch it refers to, so that a report links to the bytes, as a rebuild does."""
        db = self.store.db
        fetched_at, sha256, refers_to = db.execute(
            "select fetched_at, sha256, refers_to from fetches where id = ?", [fetch_id]
        ).fetchone()
        original = payload_record(db, refers_to) if refers_to else None
        if original is None:  # not a revisit, or of a record another process wrote
            return fetch_id, fetched_at, sha256
        return original["id"], original["fetched_at"], original["sha256"]

    def store_column(self, page: ColumnPage) -> ColumnPage:
        """Remember the column, with the reports its pages listed in this crawl so far."""
        key = (page.portal, page.column)
        self.column_reports[key] += page.reports
        now = utc_now()
        sighting = record_column(
            self.store.db,
            page.portal,
            page.column,
            iso_utc(now),
            self.column_reports[key],
            title=page.title,
            found_by=page.found_by,
            entry=page.entry,
        )
        # in the archive too: a database rebuilt from warc/ alone knows where to crawl next
        self.store.warc.write_metadata(
            page.column, COLUMN_RECORD, json.dumps(sighting, ensure_ascii=False).encode(), now
        )
        return page
