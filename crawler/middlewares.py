"""Downloader middlewares: archive every response, ask only for what changed, spot blocks."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

from archive.database import record_fetch
from archive.provenance import Fetch, utc_now
from archive.warc import REVISIT_IDENTICAL, REVISIT_NOT_MODIFIED, Revisit
from crawler.store import CrawlStore

logger = logging.getLogger(__name__)

# Anti-bot challenges: 瑞数's $_ts bootstrap, and WAF pages that ask for a human.
_CHALLENGE = re.compile(
    "|".join(
        [r"\$_ts\s*=", r"window\['\$_ts'\]", "_waf_", "challenge-platform", "安全验证", "人机验证"]
    ).encode("utf-8"),
    re.I,
)
_BLOCK_STATUSES = frozenset({403, 412, 429, 503})


def is_blocked(status: int, body: bytes) -> bool:
    """A challenge page, not content: 412 (瑞数), or a challenge script on an error or tiny page."""
    if status == 412:
        return True
    if status not in _BLOCK_STATUSES and len(body) >= 20000:
        return False  # a full page that came with success: no search of its bytes
    return bool(_CHALLENGE.search(body[:20000]))


def _header_list(headers) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values
    ]


class ArchiveMiddleware:
    """Writes each response to WARC and to the `fetches` table, before anything reads it.

    At the downloader's edge (950: below every built-in middleware) it sees the response as
    received — still gzip-compressed, a 301 before RedirectMiddleware follows it, each
    attempt RetryMiddleware makes — and the request as sent, cookies included. A re-fetch
    whose payload the archive holds (a 304, or the same bytes again) is written as a revisit
    record referring to the one that holds them.
    """

    def __init__(
        self, store: CrawlStore, portal: str | None, portal_info: dict, stats, max_size: int = 0
    ):
        self.store = store
        self.portal = portal
        self.portal_info = portal_info  # province, level: kept in the WARC for rebuilds
        self.stats = stats
        self.max_size = max_size  # what a payload may decode to (DOWNLOAD_MAXSIZE)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        middleware = cls(
            CrawlStore.of(crawler),
            settings.get("NIANBAO_PORTAL"),
            settings.getdict("NIANBAO_PORTAL_INFO"),
            crawler.stats,
            settings.getint("DOWNLOAD_MAXSIZE"),
        )
        middleware.crawler = crawler
        return middleware

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        # Scrapy stops passing `spider` to middlewares after 2.13; the crawler holds it
        spider = spider or self.crawler.spider
        info = (
            getattr(spider, "portal_info", {}).get(request.meta.get("portal")) or self.portal_info
        )
        fetch, document = Fetch.received(
            response.body,
            limit=self.max_size,
            url=response.url,
            status=response.status,
            fetched_at=utc_now(),
            headers=_header_list(response.headers),
            method=request.method,
            referer=(request.headers.get("Referer") or b"").decode("latin-1") or None,
            portal=request.meta.get("portal") or self.portal,
            role="document" if request.meta.get("document") else "page",
            page_url=request.meta.get("page_url"),
            province=info.get("province"),
            level=info.get("level"),
        )
        if is_blocked(response.status, document):
            fetch.blocked = True
            fetch.note = "; ".join(filter(None, ["anti-bot challenge", fetch.note]))
        revisit = self._revisit(request, fetch)
        if revisit:
            fetch = fetch.revisiting(revisit.original)
        location = self.store.warc.write(
            response.url,
            response.status,
            _reason(response.status),
            fetch.headers,
            b"" if revisit else response.body,
            request_method=request.method,
            request_headers=_header_list(request.headers),
            request_body=request.body or b"",
            annotations=fetch.annotations(),
            date=fetch.fetched_at,
            record_id=fetch.record_id,
            revisit=revisit.record if revisit else None,
            payload_digest=fetch.payload_digest,
        )
        fetch_id = record_fetch(
            self.store.db, fetch.row(location.file, location.offset, location.length)
        )
        request.meta["fetch_id"] = fetch_id
        self.stats.inc_value("nianbao/archived")
        if revisit:
            self.stats.inc_value("nianbao/revisits")
        if fetch.blocked:
            self.stats.inc_value("nianbao/blocked")
            logger.warning(
                "blocked by an anti-bot page (HTTP %s): %s", response.status, response.url
            )
        return response

    def _revisit(self, request: Request, fetch: Fetch) -> _Revisit | None:
        """What this fetch revisits: the version a 304 confirms, or a record of the same
        payload of the same URL. Empty payloads (most redirects) are stored as they are."""
        if fetch.status == 304:
            held = request.meta.get("known_record")
            original = held and self.store.payload_record(held)
            profile = REVISIT_NOT_MODIFIED
        elif fetch.length:
            original = self.store.archived_payload(fetch.url, fetch.payload_digest)
            profile = REVISIT_IDENTICAL
        else:
            original = None
        if not original:
            return None
        record = Revisit(
            original["record_id"],
            original["url"],
            datetime.fromisoformat(original["fetched_at"]),
            original["payload_digest"],
            profile,
        )
        return _Revisit(original, record)


@dataclass
class _Revisit:
    original: dict  # the fetches row of the record holding the payload
    record: Revisit


class ConditionalGetMiddleware:
    """Asks for a report document only if it changed since the version we hold.

    Only documents that already became a stored report get If-None-Match/If-Modified-Since:
    a crawl killed between fetching a document and storing its report fetches it again.
    A process of a distributed crawl knows its own reports and the built archive's
    (CrawlStore.latest_report); one that another live process stored is fetched in full,
    which costs a download, never a report.
    """

    KNOWN = ("known_report", "known_record", "known_url")

    def __init__(self, store: CrawlStore):
        self.store = store

    @classmethod
    def from_crawler(cls, crawler):
        return cls(CrawlStore.of(crawler))

    def process_request(self, request: Request, spider=None):
        if request.meta.get("known_url") not in (None, request.url):
            # A redirect copies the request: its validators were for the URL it left.
            for key in self.KNOWN:
                request.meta.pop(key, None)
            for header in ("If-None-Match", "If-Modified-Since"):
                request.headers.pop(header, None)
        if not request.meta.get("document"):
            return None
        known = self.store.latest_report(request.url)
        if known is None:
            return None
        request.meta["known_report"] = known["id"]
        request.meta["known_record"] = known["record_id"]  # what a 304 confirms
        request.meta["known_url"] = request.url
        if known["etag"]:
            request.headers.setdefault("If-None-Match", known["etag"])
        if known["last_modified"]:
            request.headers.setdefault("If-Modified-Since", known["last_modified"])
        return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced out: a portal that answers 503 or times out is struggling, and
    asking again at once only adds to its load. The n-th retry waits RETRY_BACKOFF_BASE × 2ⁿ⁻¹
    seconds (with jitter, capped at RETRY_BACKOFF_MAX), or as long as Retry-After asks."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request: Request, response: Response, spider=None):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result, _retry_after(response)))
        return result

    async def process_exception(self, request: Request, exception: Exception, spider=None):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await asyncio.sleep(self.delay(result))
        elif result is None and isinstance(exception, self.exceptions_to_retry):
            # Given up (RetryMiddleware logged why): nothing was archived, so no fetch row
            # will count it as an error.
            portal = request.meta.get("portal") or self.crawler.settings.get("NIANBAO_PORTAL")
            self.crawler.stats.inc_value(f"nianbao/unreachable/{portal}")
        return result

    def delay(self, retry: Request, asked: float | None = None) -> float:
        attempt = retry.meta.get("retry_times", 1)
        backoff = self.backoff_base * 2 ** (attempt - 1) * random.uniform(1.0, 1.25)
        return min(self.backoff_max, max(backoff, asked or 0.0))


def _retry_after(response: Response) -> float | None:
    """Retry-After in seconds, when given as seconds (the HTTP-date form is rare on portals)."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    return float(value) if value.isdigit() else None
