"""Item pipeline: a fetched report document → extracted text, parsed report, database rows."""

from __future__ import annotations

import hashlib
import logging

from archive.database import Provenance, store_report, store_text
from crawler.items import ReportDocument
from crawler.store import CrawlStore
from parsers import ParseError, parse_bytes
from parsers.read import sniff_format
from parsers.report import is_report
from parsers.text import extract_text

logger = logging.getLogger(__name__)


class ReportPipeline:
    def __init__(self, store: CrawlStore, stats, portal_info: dict):
        self.store = store
        self.stats = stats
        self.portal_info = portal_info

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            CrawlStore.of(crawler), crawler.stats, crawler.settings.getdict("NIANBAO_PORTAL_INFO")
        )

    def process_item(self, item: ReportDocument, spider=None):
        info = getattr(spider, "portal_info", {}).get(item.portal) or self.portal_info
        fmt = sniff_format(item.body, item.url)
        try:
            report = parse_bytes(item.body, item.url, fmt)
            extractor, text = extract_text(item.body, fmt, item.url)
        except ParseError as error:
            logger.warning("unreadable report %s: %s", item.url, error)
            self.stats.inc_value("nianbao/unreadable")
            return item
        except Exception as error:  # a parser bug: the crawl goes on, the bytes stay archived
            logger.error("parser failed on %s: %s: %s", item.url, type(error).__name__, error)
            self.stats.inc_value("nianbao/unreadable")
            return item
        if not is_report(report):
            logger.info("not a report: %s", item.url)
            self.stats.inc_value("nianbao/not_reports")
            return item
        sha256 = hashlib.sha256(item.body).hexdigest()
        store_text(self.store.db, sha256, extractor, text)
        fetched_at = self.store.db.execute(
            "select fetched_at from fetches where id = ?", [item.fetch_id]
        ).fetchone()
        report_id = store_report(
            self.store.db,
            report,
            text,
            Provenance(
                url=item.url,
                page_url=item.page_url,
                sha256=sha256,
                fetched_at=fetched_at[0] if fetched_at else None,
                fetch_id=item.fetch_id,
                portal=item.portal,
                province=info.get("province"),
                level=info.get("level"),
            ),
        )
        self.stats.inc_value("nianbao/reports_new" if report_id else "nianbao/reports_unchanged")
        return item
