"""Scrapy settings for councilwatch: polite by default, because council sites are public services.

Scrapy's own defaults (no robots.txt, no delay, 8 requests at a time per host, a
generic User-Agent) only look polite in `startproject` templates; we set them here.
"""

import os

from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE as _SCRAPY_DOWNLOADER_MWS
from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

BOT_NAME = "councilwatch"
SPIDER_MODULES = ["spiders.councils", "spiders.web"]
NEWSPIDER_MODULE = "spiders.councils"
# A crawl imports its own spider's module only (spiders/loader.py).
SPIDER_LOADER_CLASS = "spiders.loader.OneSpiderLoader"

# Who we are and how to reach whoever runs this crawl; `[crawl] contact` fills it in.
CONTACT = os.environ.get("COUNCILWATCH_CONTACT", "https://github.com/councilwatch/councilwatch")
USER_AGENT = f"councilwatch/0.1 (+{CONTACT})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy starts this many asyncio tasks for every response, however few items and requests
# its callback yields (a watched page yields one): at Scrapy's 100 that was 20,000 tasks for
# 200 pages, some 7% of an unchanged re-crawl's CPU. The pipeline still stores together
# the items of all responses waiting for it.
CONCURRENT_ITEMS = 16
DOWNLOAD_DELAY = 2
AUTOTHROTTLE_ENABLED = True
# Scrapy's own extensions less the remote consoles (switched off below). Left out here
# rather than set to None in EXTENSIONS, because Scrapy imports every class named there,
# and the remote-control one imports aiohttp: about 0.2 CPU-seconds of every start-up.
_NOT_LOADED = {
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
}
EXTENSIONS_BASE = {
    path: order for path, order in _SCRAPY_EXTENSIONS.items() if path not in _NOT_LOADED
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "spiders.throttle.AutoThrottle": 0,  # see there: 304s must not slow a crawl down
    "spiders.garbage.GarbageCollection": 0,  # see there: a tenth of a crawl's CPU
}
AUTOTHROTTLE_START_DELAY = 2
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# Agenda report packs can be large PDFs; anything past this is refused and reported.
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_TIMES = 3
# No remote consoles: Scrapy 2.19's remote control runs Python sent to a local port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = False
# Not even imported (it imports tldextract and its suffix list): cookies are off.
DOWNLOADER_MIDDLEWARES_BASE = {
    path: order
    for path, order in _SCRAPY_DOWNLOADER_MWS.items()
    if path != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
}
# Never cache: a monitor that replays its own cache never sees a change (Scrapy's never expires).
HTTPCACHE_ENABLED = False
# 304 answers to our conditional requests reach the middleware that restores the stored body.
HTTPERROR_ALLOWED_CODES = [304]

# Responses pass downloader middlewares from the highest number down. Scrapy's
# HttpCompressionMiddleware (590) decodes gzip/deflate/br/zstd first, within
# DOWNLOAD_MAXSIZE; then ResponseGuard checks the decoded body (so nothing it refuses gets
# a stored validator); then ConditionalGet stores validators and decoded bodies, and turns
# a 304 into the stored body, which never goes back through decompression.
DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.ConditionalGetMiddleware": 560,
    "spiders.middlewares.ResponseGuardMiddleware": 570,
}
# Pages not stored for longest go first, so a crawl cut short by `[crawl] max_pages` is
# carried on by the next one (spiders/frontier.py).
SPIDER_MIDDLEWARES = {"spiders.frontier.StalestFirstMiddleware": 900}
ITEM_PIPELINES = {"monitor.pipeline.ArchivePipeline": 300}
# What queues the alerts a page's changes owe, in the transaction that stores the page
# (monitor.pipeline loads it: monitor does not import alerts). A name, not an import.
COUNCILWATCH_ON_CHANGES = "alerts.outbox.enqueue_alerts"

DOWNLOADER_MIDDLEWARES |= {
    # A source fetches only from its own hosts; redirects elsewhere, loops and endless
    # chains are problems, not silently followed or dropped (spiders/redirects.py).
    "spiders.redirects.SourceHostsMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "spiders.redirects.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "spiders.redirects.MetaRefreshMiddleware": 580,
    # Retries come later, not at once: Retry-After, backoff, unreachable sites (spiders/retries.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.retries.PoliteRetryMiddleware": 550,
}
REDIRECT_MAX_TIMES = 10
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry of a failed page; doubles each time
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 600.0  # a longer Retry-After gives the site up for this crawl

LOG_LEVEL = os.environ.get("COUNCILWATCH_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
