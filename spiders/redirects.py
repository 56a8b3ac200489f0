"""A source fetches only from its own hosts, and a redirect that goes wrong is a problem.

Scrapy follows every redirect, to any host, and a redirect back to a URL already
fetched is dropped by the duplicate filter without a word: a watched page that moved
to another site was stored as a new document while the watched one went quietly
stale, and a page redirecting to itself simply stopped being watched. Here:

- `SourceHostsMiddleware` refuses any request to a host that is not the source's
  (spiders/hosts.py: the hosts of its configured URLs and its `allowed_hosts`);
- the redirect middlewares (HTTP 3xx and `<meta http-equiv=refresh>`) do not follow a
  redirect to another host, to a URL already in the chain (a loop), or past
  REDIRECT_MAX_TIMES; each is a `CrawlProblem` about the URL the crawl asked for, which
  the request's errback reports in the crawl summary. A redirect that is followed is
  never dropped as a duplicate: two watched URLs that now lead to one page both keep
  their documents (loops and chains are bounded here instead).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest

from spiders.base import CrawlProblem, watched_url
from spiders.hosts import host_of


def _hosts_of_crawl(crawler) -> frozenset[str] | None:
    return getattr(crawler.spider, "hosts", None) or None


class SourceHostsMiddleware:
    """Refuses requests to other hosts before anything (robots.txt included) is fetched."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        hosts = _hosts_of_crawl(self.crawler)
        if hosts is None or host_of(request.url) in hosts:
            return None
        self.crawler.stats.inc_value("councilwatch/other_host_refused")
        host = urlsplit(request.url).hostname
        raise CrawlProblem(
            watched_url(request),
            f"{request.url} is on another host ({host}), not fetched "
            "(add it to the source's allowed_hosts if it belongs to this source)",
        )


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


class _SelfRefresh(Exception):
    """A page whose meta refresh names itself: an auto-reload, not a redirect."""


class _SourceRedirects:
    """What both redirect middlewares check before a redirect is followed."""

    def _redirect(self, redirected, request, reason):
        watched = watched_url(request)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        target = redirected.url
        if reason == "meta refresh" and _without_fragment(target) == _without_fragment(request.url):
            raise _SelfRefresh
        hosts = _hosts_of_crawl(self.crawler)
        if hosts is not None and host_of(target) not in hosts:
            self.crawler.stats.inc_value("councilwatch/redirect_other_host")
            raise CrawlProblem(
                watched,
                f"redirected to other host {urlsplit(target).hostname}, not followed "
                f"({target}; add the host to the source's allowed_hosts if it moved there)",
            )
        if _without_fragment(target) in {_without_fragment(url) for url in chain}:
            self.crawler.stats.inc_value("councilwatch/redirect_loop")
            raise CrawlProblem(watched, "redirect loop: " + " -> ".join([*chain, target]))
        try:
            followed = super()._redirect(redirected, request, reason)
        except IgnoreRequest:  # Scrapy's "max redirections reached"
            raise CrawlProblem(
                watched, f"too many redirects ({len(chain)}), gave up at {target}"
            ) from None
        followed.dont_filter = True
        return followed


class RedirectMiddleware(_SourceRedirects, redirect.RedirectMiddleware):
    """Scrapy's 3xx redirects, within the source's hosts, without loops."""


class MetaRefreshMiddleware(_SourceRedirects, redirect.MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, within the source's hosts, without loops.

    A page that refreshes to itself (news front pages reload every few minutes) is the
    page: it is parsed as it is, not reported as a loop."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except _SelfRefresh:
            return response
