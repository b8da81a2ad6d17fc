"""Scrapy settings for the nianbao crawler: polite by default."""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "nianbao/0.1 (+https://github.com/nianbao/nianbao; open archive of 政府信息公开工作年度报告)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Outputs of one response handled at once. Scrapy starts this many asyncio tasks for every
# callback, whatever it yields; a list page yields a few dozen requests, a report page one item.
CONCURRENT_ITEMS = 16
FEED_EXPORT_ENCODING = "utf-8"

# 403/412 are anti-bot answers: retrying them only hammers the site.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubled for each one after
RETRY_BACKOFF_MAX = 60.0

DOWNLOADER_MIDDLEWARES = {
    # At the downloader's edge, below HttpCompression (590), Redirect (600), Cookies (700) and
    # the rest: the archive holds the response as received (gzip, 301s) and the request as
    # sent; above it, RetryMiddleware (550) retries, so every attempt is archived.
    "crawler.middlewares.ArchiveMiddleware": 950,
    "crawler.middlewares.ConditionalGetMiddleware": 560,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {"crawler.pipelines.ReportPipeline": 300}
EXTENSIONS = {"crawler.extensions.CrawlProgress": 500}

# A crawl under cron needs no listening consoles (Scrapy's telnet and remote-code servers).
TELNETCONSOLE_ENABLED = False
# Scrapy reads each callback's source on every response to warn of a generator returning a
# value (its cache misses bound methods): 4% of a crawl's CPU, for callbacks we know.
WARN_ON_GENERATOR_RETURN_VALUE = False
REMOTE_CONTROL_ENABLED = False

# Warnings (blocked pages, unreadable reports) and the progress line; DEBUG lists every request.
LOG_LEVEL = "INFO"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATEFORMAT = "%H:%M:%S"
# Loggers `nianbao crawl` keeps at WARNING unless --verbose: startup dumps and the final stats.
NIANBAO_QUIET_LOGGERS = [
    "scrapy.addons",
    "scrapy.crawler",
    "scrapy.extensions.logstats",
    "scrapy.middleware",
    "scrapy.statscollectors",
    "scrapy.utils.log",
]

# nianbao's own settings
NIANBAO_DATA = "data"  # nianbao.db and warc/ live here
NIANBAO_PORTAL = None  # registry name of the portal crawled
NIANBAO_PORTAL_INFO = {}  # province, level, region code of that portal
NIANBAO_WARC_MAX_BYTES = 1024**3
NIANBAO_MAX_LIST_PAGES = 500  # pages of one column list read at most, whatever its pager says
# Worker processes that read documents while the crawl fetches; None: one per core, up to 4;
# 0: read in the crawl's own process.
NIANBAO_READER_PROCESSES = None
# What one document may take in a reader process: CPU seconds and memory (parsers.pool).
NIANBAO_READER_SECONDS = 120.0
NIANBAO_READER_MEMORY_MB = 2048
NIANBAO_PROGRESS_INTERVAL = 10.0  # seconds between progress lines; 0 turns them off

# Finding 年报 columns from a home page or any page of a site (crawler/spiders/discovery.py)
NIANBAO_DISCOVERY_MAX_HOPS = 4  # links from the start page to a column: 首页→政务公开→…→年报
NIANBAO_DISCOVERY_MAX_PAGES = 30  # pages fetched to find the columns of one start page

# Distributed crawls (`nianbao crawl --redis URL`, crawler/distributed.py)
NIANBAO_DB = None  # the database this process writes; None: NIANBAO_DATA/nianbao.db
NIANBAO_REDIS_PREFIX = "nianbao"  # Redis keys of one crawl: PREFIX:requests, PREFIX:dupefilter…
NIANBAO_DOMAIN_DELAY = 1.0  # seconds between two requests to one host, over all processes
NIANBAO_REDIS_WORKER_TIMEOUT = 60.0  # a process silent this long is dead: its requests go back
NIANBAO_REDIS_IDLE_CLOSE = 0.0  # seconds a finished frontier waits for new work before closing
