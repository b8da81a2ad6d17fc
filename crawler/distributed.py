"""One crawl, many processes: the frontier lives in Redis (scrapy-redis).

`nianbao crawl --redis redis://HOST:PORT/DB` replaces Scrapy's scheduler with `RedisFrontier`,
scrapy-redis's scheduler made safe for processes that die, and the HTTP download handler with
`PoliteDownloadHandler`, which spaces requests to one host over all processes. Any number of
processes, on one machine or many, started with the same arguments share the start URLs (the
first one queues them, the others find them seen), the request queue and the seen-set; one
started later joins the crawl in progress.

Keys, for PREFIX = NIANBAO_REDIS_PREFIX:

    PREFIX:requests       sorted set  the queue (scrapy-redis's PriorityQueue)
    PREFIX:dupefilter     set         fingerprints of every request ever queued
    PREFIX:workers        sorted set  process id → its last heartbeat (ms, Redis's clock)
    PREFIX:processing:ID  hash        what process ID took from the queue and has not finished
    PREFIX:seq            counter     makes processing entries unique
    PREFIX:listings       hash        list pages seen (the spider's pagination-loop check)
    nianbao:delay:HOST    string      when (ms) the next request to HOST may start (any crawl)

Nothing is lost when a process dies: taking a request moves it, in one Lua script, from the
queue into the process's processing hash, and the entry is deleted only once Scrapy's engine is
done with the request — response archived, report stored, follow-up requests queued. Each
process beats every TICK seconds; a process that has not beaten for
NIANBAO_REDIS_WORKER_TIMEOUT seconds is dead, and the next beat of any other process puts
its processing entries back in the queue. A request is so fetched at least once, sometimes
twice (its process died after archiving it): `nianbao build` keeps one report per URL and
content. Queueing (seen-set + queue) is one script as well, so a request is never marked
seen without being queued.

The crawl is over when the queue is empty and no process holds a request (a dead one's are
given back first): nothing can queue more. Every process then closes (after
NIANBAO_REDIS_IDLE_CLOSE seconds), and the seen-set is cleared so that the next run crawls
again; a crawl whose processes all died keeps its keys and resumes where it stopped when
processes are started again.

Uses one Redis server (the scripts name keys they compute, which a Redis Cluster refuses);
run it with appendonly on, or a restart of Redis loses the frontier (deploy/). Queued requests
are JSON (crawler.serializer), never pickle: writing to Redis must not mean running code in
the crawlers. Give the server a password (`redis://:PASSWORD@HOST:6379/0`) and, across
machines, TLS (`rediss://…`): whoever can write the queue decides what the crawlers fetch.
"""

from __future__ import annotations

import logging
import secrets
import time
from urllib.parse import urlparse, urlsplit

import redis
from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from scrapy.utils.request import request_from_dict
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from archive.warc import process_tag

logger = logging.getLogger(__name__)

TICK = 0.5  # seconds between heartbeats; also how soon an idle process sees new work

# Milliseconds since the epoch on Redis's clock: one clock for all machines.
_NOW = "local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# Puts a processing hash back into the queue. Entries are "SEQ|SCORE" → encoded request.
_REQUEUE = """
local function requeue(queue, key)
  local entries = redis.call('HGETALL', key)
  for i = 1, #entries, 2 do
    redis.call('ZADD', queue, string.match(entries[i], '|(.*)$'), entries[i + 1])
  end
  redis.call('DEL', key)
  return #entries / 2
end
"""

# KEYS: seen-set, queue. ARGV: fingerprint ('' for dont_filter), score, encoded request.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: queue, own processing hash, seq, workers. ARGV: worker id.
# Taking work is also a sign of life, so a process is never unregistered while it holds any.
POP = (
    _NOW
    + """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
local field = redis.call('INCR', KEYS[3]) .. '|' .. top[2]
redis.call('HSET', KEYS[2], field, top[1])
redis.call('ZADD', KEYS[4], now, ARGV[1])
return {field, top[1]}
"""
)

# KEYS: workers, queue. ARGV: own id, timeout (ms), processing key prefix.
# Returns {1 if this process was not registered, requests re-queued from dead processes}.
BEAT = (
    _NOW
    + _REQUEUE
    + """
local fresh = redis.call('ZADD', KEYS[1], now, ARGV[1])
local moved = 0
for _, worker in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))) do
  moved = moved + requeue(KEYS[2], ARGV[3] .. worker)
  redis.call('ZREM', KEYS[1], worker)
end
return {fresh, moved}
"""
)

# KEYS: workers, queue, own processing hash. ARGV: own id. A process that stops gives back
# what it did not finish (nothing, after a graceful close) and leaves.
LEAVE = (
    _REQUEUE
    + """
local moved = requeue(KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[1], ARGV[1])
return moved
"""
)

# KEYS: queue, workers, then the keys to delete when the crawl is over. ARGV: processing key
# prefix, '1' to delete. Returns 1 when nothing is queued and no live process holds a request.
DRAINED = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('HLEN', ARGV[1] .. worker) > 0 then return 0 end
end
if ARGV[2] == '1' then
  for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
end
return 1
"""

# KEYS: the host's delay key. ARGV: delay (ms). Books the earliest free start time for the
# host and returns how long (ms) to wait for it: one round trip, no polling.
RESERVE = (
    _NOW
    + """
local delay = tonumber(ARGV[1])
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], start + delay, 'PX', start + delay - now + 60000)
return start - now
"""
)


def redis_settings(url: str) -> dict:
    """Scrapy settings of a process of the distributed crawl on the Redis server at `url`."""
    return {
        "REDIS_URL": url,
        "SCHEDULER_SERIALIZER": "crawler.serializer",
        "SCHEDULER": "crawler.distributed.RedisFrontier",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # The frontier outlives any one process (RedisFrontier never flushes it on close).
        "SCHEDULER_PERSIST": True,
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.distributed.PoliteDownloadHandler",
            "https": "crawler.distributed.PoliteDownloadHandler",
        },
    }


def spider_methods(spider) -> set[str]:
    """Names of the methods the spider's own classes define (not Scrapy's Spider's): what a
    queued request may call back."""
    return {
        name
        for cls in type(spider).__mro__
        if cls.__module__.startswith("crawler.spiders")
        for name, value in vars(cls).items()
        if callable(value) and not name.startswith("_")
    }


def redacted(url: str) -> str:
    """A Redis URL fit for a log: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def worker_id() -> str:
    # HOST-PID names the process; the suffix keeps a reused pid from taking a dead one's place.
    return f"{process_tag()}-{secrets.token_hex(3)}"


class SharedListings:
    """The spider's (column, fingerprint) → first page URL map, in a Redis hash."""

    def __init__(self, server: redis.Redis, key: str):
        self.server, self.key = server, key

    def setdefault(self, listing: tuple[str, str], url: str) -> str:
        field = "\t".join(listing)
        if self.server.hsetnx(self.key, field, url):
            return url
        return self.server.hget(self.key, field).decode()


class RedisFrontier(Scheduler):
    """scrapy-redis's scheduler, with requests acknowledged when done (see the module doc)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisFrontier:
        frontier = super().from_crawler(crawler)  # scrapy-redis connects (REDIS_URL) and pings
        settings = crawler.settings
        prefix = settings.get("NIANBAO_REDIS_PREFIX", "nianbao")
        frontier.crawler = crawler
        frontier.worker = worker_id()
        frontier.timeout_ms = int(settings.getfloat("NIANBAO_REDIS_WORKER_TIMEOUT", 60) * 1000)
        frontier.idle_close = settings.getfloat("NIANBAO_REDIS_IDLE_CLOSE", 0)
        frontier.queue_key = f"{prefix}:requests"
        frontier.df = RFPDupeFilter(
            frontier.server, key=f"{prefix}:dupefilter", debug=settings.getbool("DUPEFILTER_DEBUG")
        )
        frontier.workers_key = f"{prefix}:workers"
        frontier.processing_prefix = f"{prefix}:processing:"
        frontier.processing_key = frontier.processing_prefix + frontier.worker
        frontier.seq_key = f"{prefix}:seq"
        frontier.listings_key = f"{prefix}:listings"
        server = frontier.server
        frontier._enqueue = server.register_script(ENQUEUE)
        frontier._pop = server.register_script(POP)
        frontier._beat_script = server.register_script(BEAT)
        frontier._leave = server.register_script(LEAVE)
        frontier._drained = server.register_script(DRAINED)
        frontier._inflight = {}  # request object → its processing field
        frontier._idle_since = None
        frontier._ticker = task.LoopingCall(frontier._tick)
        crawler.signals.connect(frontier._on_idle, signal=signals.spider_idle)
        return frontier

    # ---------------------------------------------------------- the Scheduler interface

    def open(self, spider) -> None:
        # scrapy-redis's open() less its deprecated spider.log(); the seen-set is made above.
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        if not isinstance(self.queue, PriorityQueue):
            raise ValueError("RedisFrontier needs SCHEDULER_QUEUE_CLASS = PriorityQueue")
        if self.flush_on_start:
            self.flush()
        if waiting := len(self.queue):
            logger.info("joining a crawl in progress: %d requests queued", waiting)
        self._engine_slot()  # fail now, not at the first request, on an engine it cannot read
        self._callbacks = spider_methods(spider)  # what a queued request may call back
        self._beat()
        if hasattr(spider, "listing_fingerprints"):
            # A pagination loop is seen whichever process fetched the earlier page.
            spider.listing_fingerprints = SharedListings(self.server, self.listings_key)
        self._ticker.start(TICK, now=False)
        logger.info("distributed crawl: this process is %s", self.worker)

    def close(self, reason: str) -> None:
        if self._ticker.running:
            self._ticker.stop()
        self._ack_finished()
        given_back = self._leave(
            keys=[self.workers_key, self.queue_key, self.processing_key], args=[self.worker]
        )
        if given_back:
            logger.info("gave %d unfinished requests back to the queue", given_back)
        # Not scrapy-redis's close(), which may flush the frontier the other processes share:
        # the last process clears it when the crawl is over (_on_idle).

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            data = self.queue.serializer.dumps(request.to_dict(spider=self.spider))
        except (TypeError, ValueError) as error:
            logger.error("cannot queue %s: %s", request.url, error)
            return False
        if not self._enqueue(
            keys=[self.df.key, self.queue_key], args=[fingerprint, -request.priority, data]
        ):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        self._ack_finished()
        while True:
            popped = self._pop(
                keys=[self.queue_key, self.processing_key, self.seq_key, self.workers_key],
                args=[self.worker],
            )
            if not popped:
                return None
            field, data = popped
            try:
                found = self.queue.serializer.loads(data)
                for name in (found.get("callback"), found.get("errback")):
                    if name is not None and name not in self._callbacks:
                        raise ValueError(f"refused callback {name!r}: not one of the spider's")
                request = request_from_dict(found, spider=self.spider)
            except Exception as error:  # e.g. queued by another version of the spider
                logger.error("dropped an undecodable request from the queue: %s", error)
                self.server.hdel(self.processing_key, field)
                continue
            self._inflight[request] = field
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
            return request

    # ---------------------------------------------------------- acknowledgements, liveness

    def _engine_slot(self):
        # The engine's in-progress set is the one place that knows when a request is done
        # with (scraped, items stored, follow-ups queued); Scrapy has no signal for it. A
        # private attribute: pyproject pins Scrapy below the next release, and
        # tests/test_library_contracts.py fails, naming it, when an upgrade changes it.
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        if slot is None or not hasattr(slot, "inprogress") or not hasattr(slot, "nextcall"):
            raise RuntimeError("RedisFrontier cannot see Scrapy's engine slot: Scrapy changed")
        return slot

    def _ack_finished(self) -> None:
        if not self._inflight:
            return
        busy = self._engine_slot().inprogress
        done = [request for request in self._inflight if request not in busy]
        if done:
            self.server.hdel(self.processing_key, *[self._inflight.pop(r) for r in done])

    def _beat(self) -> None:
        fresh, moved = self._beat_script(
            keys=[self.workers_key, self.queue_key],
            args=[self.worker, self.timeout_ms, self.processing_prefix],
        )
        if moved:
            logger.warning("re-queued %d requests of processes that stopped beating", moved)
            if self.stats:
                self.stats.inc_value("nianbao/redis_requeued", moved)
        if fresh and self._ticker.running:
            # Stalled past the timeout: others took back its requests and will fetch them.
            logger.warning("this process was taken for dead; its requests were re-queued")

    def _tick(self) -> None:
        # An exception would stop the LoopingCall, and with it the heartbeat: the other
        # processes would take this one for dead and fetch its requests again.
        try:
            self._ack_finished()
            self._beat()
            # Another process may have queued work while this engine sat idle: wake it up
            # (its own heartbeat looks every 5 s), which also runs the idle check below.
            self._engine_slot().nextcall.schedule()
        except redis.RedisError as error:  # Redis restarting: the next tick tries again
            logger.warning("Redis: %s", error)
        except Exception:
            logger.exception("distributed crawl: heartbeat failed")

    def _on_idle(self, spider) -> None:
        """Close when the crawl is over, not when this process has nothing to do."""
        try:
            self._ack_finished()
            over = self._is_drained(clear=False)
        except redis.RedisError as error:  # not a reason to close: ask again later
            logger.warning("Redis: %s", error)
            raise DontCloseSpider from None
        if not over:
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        try:
            if now - self._idle_since < self.idle_close or not self._is_drained(clear=True):
                raise DontCloseSpider
        except redis.RedisError as error:
            logger.warning("Redis: %s", error)
            raise DontCloseSpider from None
        logger.info("the crawl is over: nothing queued and no process busy")

    def _is_drained(self, clear: bool) -> bool:
        return bool(
            self._drained(
                keys=[
                    self.queue_key,
                    self.workers_key,
                    self.df.key,
                    self.listings_key,
                    self.seq_key,
                ],
                args=[self.processing_prefix, "1" if clear else "0"],
            )
        )


class SharedDomainDelay:
    """At most one request per `delay` seconds to a host, counted over all processes."""

    def __init__(self, server: redis.Redis, delay: float):
        self.delay_ms = int(delay * 1000)
        self._reserve = server.register_script(RESERVE)

    def reserve(self, host: str) -> float:
        """Book the host's next free start time; returns the seconds to wait for it."""
        # Not under the crawl's prefix: two crawls on one Redis still share each portal's pace.
        waited = self._reserve(keys=[f"nianbao:delay:{host}"], args=[self.delay_ms])
        return int(waited) / 1000


class PoliteDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, after a wait for the host's shared delay (NIANBAO_DOMAIN_DELAY).

    The wait happens here, inside the downloader slot, so the request goes out as soon as its
    time comes: waiting in a downloader middleware, before Scrapy's own slot queue, would let
    the slot's own delays push two requests closer together than the shared delay.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        settings = crawler.settings
        delay = settings.getfloat("NIANBAO_DOMAIN_DELAY", 0)
        self.shared = (
            SharedDomainDelay(get_redis_from_settings(settings), delay) if delay > 0 else None
        )
        self.stats = crawler.stats

    async def download_request(self, request: Request) -> Response:
        if self.shared is not None:
            wait = self.shared.reserve(urlparse(request.url).hostname or "")
            if wait > 0:
                from twisted.internet import reactor

                self.stats.inc_value("nianbao/domain_delay_seconds", wait)
                await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return await super().download_request(request)
