"""The crawl's handle on the archive: one WARC archive and one database per crawler process,
shared by the middlewares and pipelines that need them (Scrapy builds each separately).

A crawl alone writes DIR/nianbao.db. A process of a distributed crawl (`--redis`) writes its
own DIR/workers/HOST-PID.db instead (NIANBAO_DB), so processes never wait on each other's
SQLite writes; `nianbao build` merges them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from scrapy import signals
from scrapy.crawler import Crawler

from archive.columns import live_columns
from archive.database import close_database, latest_report, open_database, open_read_only
from archive.fetches import archived_payload, payload_record
from archive.warc import WarcArchive, recover


class CrawlStore:
    def __init__(self, data_dir: Path, warc_max_bytes: int, database: Path | None = None):
        self.data_dir = Path(data_dir)
        main = self.data_dir / "nianbao.db"
        database = Path(database) if database else main
        self.db = open_database(database)
        # A worker's own database starts empty: what the built archive holds is known too.
        self.archive_db = (
            sqlite_utils.Database(open_read_only(main))
            if database != main and main.exists()
            else None
        )
        recover(self.data_dir / "warc")  # files a killed crawl left open
        self.warc = WarcArchive(self.data_dir / "warc", max_bytes=warc_max_bytes)

    def latest_report(self, url: str) -> dict | None:
        """The current stored version of the report at `url`: this process's, else the archive's."""
        return self._ask(latest_report, url)

    def archived_payload(self, url: str, payload_digest: str) -> dict | None:
        """The fetch whose record already holds this payload of `url` (a re-fetch: a revisit)."""
        return self._ask(archived_payload, url, payload_digest)

    def payload_record(self, record_id: str) -> dict | None:
        return self._ask(payload_record, record_id)

    def _ask(self, question, *args) -> dict | None:
        """This process's database first, then the built archive's (a distributed worker)."""
        known = question(self.db, *args)
        if known is None and self.archive_db is not None:
            try:
                known = question(self.archive_db, *args)
            except sqlite3.Error:  # a database being built: as if it had no answer
                known = None
        return known

    def live_columns(self, portal: str | None, entry: str) -> list[str]:
        """The columns earlier crawls found from `entry` and saw listing reports: this
        process's database's, and the built archive's."""
        found = live_columns(self.db, portal, entry)
        if self.archive_db is not None:
            try:
                found += [u for u in live_columns(self.archive_db, portal, entry) if u not in found]
            except sqlite3.Error:  # an archive built before columns were remembered
                pass
        return found

    def close(self) -> None:
        self.warc.close()
        close_database(self.db)
        if self.archive_db is not None:
            self.archive_db.conn.close()

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlStore:
        store = getattr(crawler, "_nianbao_store", None)
        if store is None:
            settings = crawler.settings
            store = cls(
                Path(settings.get("NIANBAO_DATA", "data")),
                settings.getint("NIANBAO_WARC_MAX_BYTES", 1024**3),
                settings.get("NIANBAO_DB"),
            )
            crawler._nianbao_store = store
            crawler.signals.connect(
                lambda spider: store.close(), signal=signals.spider_closed, weak=False
            )
        return store
