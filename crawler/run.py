"""Run the spider in-process, as `nianbao crawl` does: one run at a time (or the processes of
one distributed crawl), each recorded."""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.database import (
    close_database,
    finish_run,
    open_database,
    start_run,
    worker_database,
)
from archive.lock import CrawlLocked as CrawlLocked  # raised by crawl(): re-exported
from archive.lock import crawl_lock
from archive.provenance import iso_utc, utc_now
from archive.warc import process_tag
from crawler.distributed import redacted, redis_settings
from crawler.registry import REGISTRY, Portal, find_portal, load_portals
from crawler.spiders.annual_reports import AnnualReportsSpider
from parsers.limits import one_line


class RedisUnavailable(RuntimeError):
    """The Redis server of a distributed crawl does not answer."""


class CrawlOptionError(ValueError):
    """What to crawl was given wrongly (no target, an unknown portal, a bad URL)."""


@dataclass
class CrawlSummary:
    pages: int
    reports_new: int
    reports_changed: int
    blocked: int
    errors: int
    finish_reason: str

    def line(self) -> str:
        return (
            f"{counted(self.pages, 'response')} archived, "
            f"{counted(self.reports_new, 'new report')}, {self.reports_changed} changed, "
            f"{self.blocked} blocked, {counted(self.errors, 'error')} ({self.finish_reason})"
        )

    @property
    def failed(self) -> bool:
        """Scrapy stopped early, or nothing at all could be fetched (a portal down, a bad
        URL); errors beside fetched pages (a 404 report) are counted, not failures."""
        return self.finish_reason != "finished" or (self.pages == 0 and self.errors > 0)


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_redis(url: str) -> None:
    """Fail with one line, before Scrapy starts, when the shared frontier cannot be reached."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=10).ping()
    except (redis.RedisError, ValueError, OSError) as error:  # OSError: a TLS file missing
        raise RedisUnavailable(f"Redis at {redacted(url)}: {one_line(error)}") from None


def crawler_process(settings: Settings) -> CrawlerProcess:
    """The crawler process, its log without Scrapy's multi-line dumps (versions, settings,
    middleware lists, final stats): in a cron log the progress and summary lines say what a
    run did. `nianbao crawl --verbose` keeps them."""
    quiet = settings.getlist("NIANBAO_QUIET_LOGGERS")
    if quiet:
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    process = CrawlerProcess(settings)
    # after CrawlerProcess: its logging set-up resets the levels of existing scrapy loggers
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    if quiet:
        for name in ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt"):
            logging.getLogger(name).addFilter(without_download_tracebacks)
    return process


def without_download_tracebacks(record: logging.LogRecord) -> bool:
    """A page that could not be downloaded is one line in the log, not a 60-line traceback:
    the retry middleware's line before it already says why."""
    if record.getMessage().startswith("Error downloading"):
        record.exc_info = record.exc_text = None
    return True


def setting_args(settings: dict[str, str]) -> list[str]:
    """The -s NAME=VALUE arguments of `nianbao crawl` that set `settings`."""
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


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


def crawl(
    data_dir: Path | str,
    *,
    start_urls: list[str] | tuple[str, ...] = (),
    portals: list[str] | tuple[str, ...] = (),
    all_portals: bool = False,
    ignore_robots: bool = False,
    verbose: bool = False,
    settings: dict | None = None,
    redis_url: str | None = None,
    registry: Path = REGISTRY,
) -> CrawlSummary:
    """Crawl what `nianbao crawl` is asked to: column URLs, registry portals by name, or every
    registry portal with a column or a home page. With start URLs, the first portal name
    labels them, and a registry portal of that name lends them its province and level.

    Raises CrawlOptionError for a wrong request, CrawlLocked and RedisUnavailable when the run
    cannot start now."""
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlOptionError(f"{url}: not an http(s) URL")
    registered = {portal.name: portal for portal in load_portals(registry)}
    try:
        if all_portals:
            chosen = [portal for portal in registered.values() if portal.entry_points()]
        elif start_urls:
            chosen = []
        else:
            chosen = [find_portal(name, registry) for name in portals]
    except KeyError as error:
        raise CrawlOptionError(error.args[0]) from None
    if not chosen and not start_urls:
        raise CrawlOptionError("give a start URL, a portal name or all portals")
    for portal in chosen:
        if not portal.entry_points():
            raise CrawlOptionError(f"portal {portal.name}: no column or home page to start from")
    label = portals[0] if start_urls and portals else None
    overrides = dict(settings or {})
    if label in registered:  # a registry portal's new column: its province and level apply
        overrides["NIANBAO_PORTAL_INFO"] = registered[label].info()
    if ignore_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    if verbose:
        overrides["NIANBAO_QUIET_LOGGERS"] = []
    return run_crawl(Path(data_dir), list(start_urls), label, chosen, overrides, redis_url)


def run_crawl(
    data_dir: Path,
    start_urls: list[str] | None = None,
    portal: str | None = None,
    portals: list[Portal] | None = None,
    overrides: dict | None = None,
    redis_url: str | None = None,
) -> CrawlSummary:
    """Crawl columns given as URLs (under one portal name) and/or registry portals.

    With `redis_url`, this process is one of a distributed crawl (crawler/distributed.py): it
    shares the frontier through that Redis server and writes DIR/workers/HOST-PID.db.
    """
    data_dir = Path(data_dir)
    database = data_dir / "nianbao.db"
    if redis_url:
        check_redis(redis_url)
        database = worker_database(data_dir, process_tag())
        overrides = {**redis_settings(redis_url), "NIANBAO_DB": str(database), **(overrides or {})}
    with crawl_lock(data_dir, shared=bool(redis_url)):
        names = [p.name for p in portals or []] + ([portal] if start_urls else [])
        db = open_database(database)
        started, host = iso_utc(utc_now()), socket.gethostname()
        runs = {name: start_run(db, name, started, host, os.getpid()) for name in names}
        close_database(db)
        settings = crawl_settings(data_dir, portal, overrides)
        process = crawler_process(settings)
        crawler = process.create_crawler(AnnualReportsSpider)
        registry = [
            {"name": p.name, "columns": list(p.entry_points()), "home": p.home, "info": p.info()}
            for p in portals or []
        ]
        process.crawl(
            crawler,
            start_urls=",".join(start_urls or []),
            portal=portal,
            portals=json.dumps(registry, ensure_ascii=False),
        )
        process.start()
        stats = crawler.stats.get_stats()
        reason = str(stats.get("finish_reason", "unknown"))
        db = open_database(database)
        finished = iso_utc(utc_now())
        totals = {"pages": 0, "reports_new": 0, "reports_changed": 0, "blocked": 0, "errors": 0}
        for name, run_id in runs.items():
            counts = finish_run(
                db,
                run_id,
                finished,
                "finished" if reason == "finished" else "failed",
                note=reason,
                unreachable=stats.get(f"nianbao/unreachable/{name}", 0),
            )
            totals = {key: totals[key] + counts[key] for key in totals}
        close_database(db)
    errors = (
        totals["errors"]
        + stats.get("nianbao/unreadable", 0)
        + sum(
            v for k, v in stats.items() if k.startswith("spider_exceptions/") and isinstance(v, int)
        )
    )
    return CrawlSummary(
        pages=totals["pages"],
        reports_new=totals["reports_new"],
        reports_changed=totals["reports_changed"],
        blocked=totals["blocked"],
        errors=errors,
        finish_reason=reason,
    )
