"""Which hosts a source crawls, and how two hosts are compared."""

from __future__ import annotations

from urllib.parse import urlsplit


def normal_host(host: str | None) -> str:
    """A host as sources compare them: lower case, without a leading "www." (a site
    answers on both, and redirects from one to the other, more often than not)."""
    host = (host or "").lower().rstrip(".")
    return host.removeprefix("www.")


def host_of(url: str) -> str:
    return normal_host(urlsplit(url).hostname)


def source_hosts(source) -> frozenset[str]:
    """The hosts a source crawls: those of its configured URLs, and its `allowed_hosts`."""
    urls = [getattr(source, "base_url", None)]
    for name in ("start_urls", "feeds", "sitemaps", "urls"):
        urls += getattr(source, name, None) or []
    hosts = {host_of(url) for url in urls if url}
    hosts |= {normal_host(host) for host in getattr(source, "allowed_hosts", None) or []}
    return frozenset(hosts - {""})
