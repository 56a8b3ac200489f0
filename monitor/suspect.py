"""Pages that go bad: held back as suspect until a second crawl confirms them.

A page can go bad without an HTTP error: a council CMS answers a missing page with
"200 OK" and "Page not found", an IIS server with "Runtime Error", a news CDN with half a
page. Stored, each would replace the last good version and tell subscribers that every
figure and sentence was removed. So a new version is *suspect* when

- its page reads as an error or not-found page (`spiders.error_pages.error_wording`), or
- it suddenly lost most of its substance: under KEPT_SHARE of its words, or every one of
  its figures (at least MIN_FIGURES of them), at once;

unless its parsed fields explain the loss: a meeting keeps its heading while items go (an
item removed, an agenda withdrawn), or a status word newly appears ("cancelled",
"withdrawn", "postponed"). Those are real changes and alert at once.

A suspect version is not stored: the last good version stays, the crawl records a
problem naming the URL (which `alerts/health.py` turns into a maintainer alert when it
repeats) and subscribers hear nothing. The suspect state is kept in the archive
(`SuspectPage`), so the next crawl, whichever process or host runs it, can confirm it:
when a later crawl sees the same thing again (the same error wording, or the same
shrunken content), the change is real. An unavailable page then becomes one change,
"no longer available", not one "figure removed" per figure, and the last good version
stays the latest (the archive keeps what the page said); when the page comes back, one
"available again" change. A shrunken page is stored as a new version and alerted, saying
it was confirmed on a second crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from monitor.changes import STATUS_WORDS
from monitor.figures import find_figures
from storage.archive import content_hash
from storage.blobs import sha256
from storage.fulltext import text_projection
from storage.models import Document, Source, SuspectPage, Version

UNAVAILABLE, SHRUNK = "unavailable", "shrunk"
# A version keeping less than this share of the previous version's words lost them at once.
KEPT_SHARE = 0.4
# Documents shorter than this are not judged by their word count: a short notice that
# gets shorter is an edit, not a half-served page.
MIN_WORDS = 50
# Losing every figure is suspect only for a document that had at least this many.
MIN_FIGURES = 3
# Kinds whose substance is a list (a meeting's agenda, an issue's meetings): while the
# heading stands, items going is an understood change ("item removed"), never suspect.
LIST_KINDS = ("meeting", "issue")
# Words that explain a loss besides the meeting status words in monitor/changes.py.
MORE_STATUS_WORDS = re.compile(r"\b(abandoned|rescinded|superseded|revoked|not proceeding)\b", re.I)


@dataclass
class Verdict:
    reason: str  # unavailable | shrunk
    detail: str  # what was seen, for problems and alerts
    digest: str  # what a confirming sighting must match
    wording: str | None = None  # the error page's own words (unavailable)


def unavailable(wording: str) -> Verdict:
    return Verdict(
        UNAVAILABLE,
        f"the page reads as an error or not-found page ({wording!r})",
        sha256(" ".join(wording.casefold().split()).encode("utf-8")),
        wording,
    )


def judge(
    kind: str, previous: Version | None, title: str | None, fields: dict, wording: str | None
) -> Verdict | None:
    """Whether this observation of a document is suspect, and why; None when it is not."""
    if wording:
        return unavailable(wording)
    if previous is None:
        return None
    digest = content_hash(title, fields)
    if previous.content_hash == digest:
        return None
    detail = lost_substance(kind, previous.title, previous.fields or {}, title, fields)
    return Verdict(SHRUNK, detail, digest) if detail else None


def _status_words(text: str) -> set[str]:
    return {m.lower() for m in STATUS_WORDS.findall(text)} | {
        m.lower() for m in MORE_STATUS_WORDS.findall(text)
    }


def _figure_count(text: str) -> int:
    return len(find_figures(text))


def lost_substance(
    kind: str, old_title: str | None, old: dict, new_title: str | None, new: dict
) -> str | None:
    """Why the new fields look like a half-served page, or None when the loss is explained."""
    if kind in LIST_KINDS and (new.get("committee") or new.get("title") or new_title):
        return None
    # Fields in one order on both sides: PostgreSQL's JSONB hands them back reordered, and
    # where one field's words meet the next decides what reads as a figure.
    old_text = text_projection(old_title, dict(sorted(old.items())))
    new_text = text_projection(new_title, dict(sorted(new.items())))
    if _status_words(new_text) - _status_words(old_text):
        return None  # "withdrawn", "cancelled": the page says why it lost its text
    old_words, new_words = len(old_text.split()), len(new_text.split())
    if old_words >= MIN_WORDS and new_words < KEPT_SHARE * old_words:
        lost = round(100 * (1 - new_words / old_words))
        return f"it lost {lost}% of its words at once ({old_words} -> {new_words})"
    old_figures = _figure_count(old_text)
    if old_figures >= MIN_FIGURES and _figure_count(new_text) == 0:
        return f"it lost all {old_figures} of its figures at once"
    return None


def pending_for(session: Session, keys: list[str]) -> dict[str, SuspectPage]:
    """The suspect state of these documents, in one query."""
    if not keys:
        return {}
    rows = session.scalars(select(SuspectPage).where(SuspectPage.document_key.in_(keys)))
    return {row.document_key: row for row in rows}


def documents_at(session: Session, source_name: str, url: str) -> list[Document]:
    """The source's archived documents last read from `url`, or keyed by it (a page that
    now yields none)."""
    keys = [f"{source_name}:{kind}:{url}" for kind in ("page", "article", "document")]
    query = (
        select(Document)
        .join(Source, Document.source_id == Source.id)
        .where(Source.name == source_name, or_(Document.url == url, Document.key.in_(keys)))
    )
    return list(session.scalars(query))


# What a sighting of a suspect page leads to.
HOLD, CONFIRM, STILL = "hold", "confirm", "still"


def sight(
    session: Session,
    row: SuspectPage | None,
    key: str,
    url: str,
    verdict: Verdict,
    *,
    crawl_run_id: int | None,
    now: datetime,
) -> tuple[str, SuspectPage]:
    """Record one sighting of a suspect page and say what it leads to.

    HOLD: first sighting (or a different suspect content): keep the last good version.
    CONFIRM: the same suspect content seen again by a later crawl: the change is real.
    STILL: an unavailable page already confirmed, seen again: nothing new to say.
    """
    same = row is not None and (row.reason, row.content_hash) == (verdict.reason, verdict.digest)
    gone = row is not None and row.confirmed_at is not None and row.reason == UNAVAILABLE
    if gone and verdict.reason == UNAVAILABLE:  # whatever error page it shows now
        row.last_seen_at, row.last_run_id = now, crawl_run_id
        return STILL, row
    if same and (crawl_run_id is None or row.last_run_id != crawl_run_id):
        row.sightings += 1
        row.last_seen_at, row.last_run_id = now, crawl_run_id
        row.confirmed_at = now
        return CONFIRM, row
    if same:  # met twice in one crawl (an agenda item on two pages): not a confirmation
        return HOLD, row
    if row is None:
        row = SuspectPage(document_key=key)
        session.add(row)
    row.url, row.reason, row.detail, row.content_hash = (
        url,
        verdict.reason,
        verdict.detail,
        verdict.digest,
    )
    row.first_seen_at = row.last_seen_at = now
    row.last_run_id, row.sightings, row.confirmed_at = crawl_run_id, 1, None
    return HOLD, row


def problem(action: str, key: str, verdict: Verdict, row: SuspectPage) -> str:
    """The crawl problem for a suspect sighting (the pipeline puts the page's URL first)."""
    if action == HOLD:
        return (
            f"{key}: held back as suspect: {verdict.detail}; the last good version is kept "
            "until a second crawl confirms it"
        )
    if action == STILL:
        return f"{key}: still unavailable since {row.confirmed_at:%d/%m/%Y}: {verdict.detail}"
    if verdict.reason == UNAVAILABLE:
        return f"{key}: no longer available, confirmed on a second crawl: {verdict.detail}"
    return f"{key}: stored after it was confirmed on a second crawl: {verdict.detail}"
