"""The council page types: which parser reads a page that holds documents, per platform.

`PAGE_TYPES` is the one table both a platform's crawl callback and `councilwatch compare`
(`spiders/parsers.py`) read, so a saved page parses exactly as it does in a crawl. A platform
registers its page types once, with `register()`, in the module that holds its parsers; every
module of `spiders.councils` is imported to find them, as Scrapy finds the spiders.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from spiders.items import DocumentItem, PageItem


@dataclass
class CouncilPage(PageItem):
    """A stored page, plus what the spider needs to go on (never stored itself)."""

    follow: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Documents this page prints only in part, each with the URL of the page that completes
    # it (ModernGov: agenda items whose minutes the meeting page cuts short, completed from
    # `mgAi.aspx`): the crawl takes the item to that page and stores it from there, whole.
    incomplete: list[tuple[str, DocumentItem]] = field(default_factory=list)


@dataclass
class ListedPage:
    """A document page a discovery list or calendar links to, with the date the list prints
    for it (None where it prints none the parser can read)."""

    id: str
    url: str
    day: date | None


@dataclass(frozen=True)
class PageType:
    """A page that holds documents."""

    what: str  # how problems name the page ("meeting")
    # The platform's names for the page, as its spider passes them to `page_type` (ModernGov:
    # the page's file name, lower-case, as `markup.page_name` gives it).
    names: tuple[str, ...]
    parse: Callable[..., CouncilPage]
    # False for a page the crawl reaches only from another page, which hands it what it
    # completes (`mgAi.aspx`, from the meeting page that cut the item's minutes short).
    alone: bool = True
    # The URLs `compare` parses as this page type; by default `/{name}?` for each name.
    pattern: re.Pattern[str] | None = None

    def __post_init__(self):
        if self.pattern is None:
            names = "|".join(re.escape(name) for name in self.names)
            object.__setattr__(self, "pattern", re.compile(rf"/(?:{names})\?", re.I))


# platform (its source `type`) -> its page types, in the order `compare` tries them.
PAGE_TYPES: dict[str, tuple[PageType, ...]] = {}


def register(platform: str, page_types: Iterable[PageType]) -> None:
    """A platform's page types, registered once (a second registration is a mistake)."""
    if platform in PAGE_TYPES:
        raise ValueError(f"council platform {platform!r} already registered its page types")
    PAGE_TYPES[platform] = tuple(page_types)


def page_type(platform: str, name: str) -> PageType | None:
    """The page type `name` (one of its `names`) of `platform`, or None for any other page."""
    for page in PAGE_TYPES.get(platform, ()):
        if name in page.names:
            return page
    return None


def load_platforms() -> dict[str, tuple[PageType, ...]]:
    """`PAGE_TYPES` with every platform in `spiders.councils` registered."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__, __package__ + "."):
        importlib.import_module(module.name)
    return PAGE_TYPES


def parsers() -> list[tuple[re.Pattern[str], Callable[..., CouncilPage]]]:
    """`(pattern, parse)` for every page type of every platform (`spiders/parsers.py`)."""
    return [(page.pattern, page.parse) for pages in load_platforms().values() for page in pages]
