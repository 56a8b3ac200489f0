"""Every read the web view makes of the archive, in one place.

The pages are built on the public tables (sources, documents, versions, changes,
figures) through the same functions the command line uses (`storage.queries`,
`storage.search`), so a change to how the archive stores versions is adapted here and
there, not in the templates. Everything returned is plain data for a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.uktime import uk_time as core_uk_time
from monitor.changes import change_json
from storage.blobs import read_blob
from storage.coverage import last_seen
from storage.models import Blob, Change, Document, Figure, Source, Version, sentence_in
from storage.queries import (
    find_document,
    list_changes,
    plain_number,
    versions_with_changes,
    word_diff,
)
from storage.search import FigureSeen, Hits, figures_over_time, search

DOCUMENT_KEY = re.compile(
    r"^[\w.-]+:(meeting|agenda_item|decision|issue|article|page|document):\S+$"
)

# Changes shown on /changes and in its feed.
CHANGES_LIMIT = 200
SEARCH_LIMIT = 50


def uk_time(value: datetime | None) -> str:
    """A stored time as a UK reader expects it (`8 Mar 2016 09:00 GMT`); a page shows
    nothing for a missing one."""
    return core_uk_time(value, missing="")


@dataclass
class ChangeRow:
    id: int
    kind: str
    summary: str
    before: str | None
    after: str | None
    old_value: float | int | None
    new_value: float | int | None
    detected: str  # UK time
    detected_at: datetime
    alert: bool
    new_version_id: int


@dataclass
class VersionRow:
    number: int
    id: int
    title: str | None
    seen: str  # UK time
    last_seen: str
    reparse: bool
    has_raw: bool
    changes: list[ChangeRow]


@dataclass
class DocumentPage:
    key: str
    kind: str
    title: str | None
    url: str
    source: str
    source_type: str
    first_seen: str
    last_seen: str
    versions: list[VersionRow]
    shown: VersionRow  # the version whose text and figures are shown
    text: str
    figures: list[dict[str, Any]]
    diff_from: int | None  # version numbers compared, or None with one version
    diff_to: int | None
    diff_hunks: list[list[tuple[str, str]]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[tuple[str, bool]]:
        """The text's lines, each with whether it is another document's key (a meeting's
        items, a decision's meeting), which the page links to."""
        return [
            (line.strip(), bool(DOCUMENT_KEY.match(line.strip())))
            for line in self.text.split("\n")
            if line.strip()
        ]


def readable_summary(summary: str) -> str:
    """`status: Approved -> Called In` with a real arrow, as a page or feed reader shows it."""
    return summary.replace(" -> ", " → ")


def _change_row(c: Change) -> ChangeRow:
    shown = change_json(c)
    shown["summary"] = readable_summary(shown["summary"])
    return ChangeRow(
        id=c.id,
        **shown,
        detected=uk_time(c.detected_at),
        detected_at=c.detected_at,
        alert=bool(c.alert),
        new_version_id=c.new_version_id,
    )


def _number(value: str | None, default: int, count: int) -> int:
    """A version number from the address; out of range or not a number gives `default`."""
    try:
        n = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return n if 1 <= n <= count else default


def document_page(
    session: Session,
    key_or_url: str,
    *,
    show: str | None = None,
    version_id: str | None = None,
    diff_from: str | None = None,
    diff_to: str | None = None,
) -> DocumentPage | None:
    """A document (by key, or the URL of a watched page) with all its versions.

    `show` is the version number whose text and figures are shown (the latest by default;
    `version_id`, as alert links carry, picks it by id). The diff compares `diff_from`
    with `diff_to` (by default the version before the shown one with the shown one).
    """
    doc = find_document(session, key_or_url.strip())
    if doc is None:
        return None
    rows = versions_with_changes(session, doc)
    if not rows:
        return None
    count = len(rows)
    ids = {v.id: n for n, (v, _) in enumerate(rows, 1)}
    default = count
    if version_id and version_id.isdigit() and int(version_id) in ids:
        default = ids[int(version_id)]
    seen_last = last_seen(session, [doc])[doc.id]
    shown_n = _number(show, default, count)
    to_n = _number(diff_to, shown_n, count)
    from_n = _number(diff_from, max(1, to_n - 1), count)
    versions = [
        VersionRow(
            number=n,
            id=v.id,
            title=v.title,
            seen=uk_time(v.seen_at),
            # The latest version was last seen when its document was (crawl coverage).
            last_seen=uk_time(seen_last if n == count else v.last_seen),
            reparse=bool(v.reparse),
            has_raw=v.raw_sha256 is not None,
            changes=[_change_row(c) for c in cs],
        )
        for n, (v, cs) in enumerate(rows, 1)
    ]
    shown_version = rows[shown_n - 1][0]
    shown_text = shown_version.text  # computed from the fields: once, not once a figure
    figures = [
        {
            "text": f.text,
            "kind": f.kind,
            "value": plain_number(f.value),
            "unit": f.unit,
            "denominator": plain_number(f.denominator),
            "subject": f.subject,
            "sentence": sentence_in(shown_text, f.sentence_start, f.sentence_end),
        }
        for f in session.scalars(
            select(Figure).where(Figure.version_id == shown_version.id).order_by(Figure.id)
        )
    ]
    page = DocumentPage(
        key=doc.key,
        kind=doc.kind,
        title=doc.title,
        url=doc.url,
        source=doc.source.name,
        source_type=doc.source.type,
        first_seen=uk_time(doc.first_seen),
        last_seen=uk_time(seen_last),
        versions=versions,
        shown=versions[shown_n - 1],
        text=shown_text,
        figures=figures,
        diff_from=None,
        diff_to=None,
        fields=shown_version.fields or {},
    )
    if count > 1 and from_n != to_n:
        old, new = rows[from_n - 1][0], rows[to_n - 1][0]
        page.diff_from, page.diff_to = from_n, to_n
        page.diff_hunks = word_diff(old.text or "", new.text or "", context=12).hunk_runs
    elif count > 1:
        page.diff_from, page.diff_to = from_n, to_n
    return page


@dataclass
class RawBody:
    data: bytes
    content_type: str
    filename: str


def raw_body(
    session: Session, raw_session: Session, key: str, number: str | None
) -> RawBody | None:
    """The body of a version exactly as fetched, from the blobs table (None if not kept).

    `session` reads the served database, `raw_session` the archive that holds the raw
    bodies (the same file for an SQLite archive; the PostgreSQL archive behind a snapshot).
    """
    doc = find_document(session, key)
    if doc is None:
        return None
    versions = list(
        session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.id))
    )
    if not versions:
        return None
    n = _number(number, len(versions), len(versions))
    digest = versions[n - 1].raw_sha256
    if digest is None:
        return None
    content_type = raw_session.scalar(select(Blob.content_type).where(Blob.sha256 == digest))
    try:
        data = read_blob(raw_session, digest)
    except KeyError:
        return None
    content_type = content_type or "application/octet-stream"
    extension = _extension(content_type)
    safe_key = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in doc.key)
    return RawBody(data, content_type, f"{safe_key}-v{n}{extension}")


def _extension(content_type: str) -> str:
    base = content_type.split(";")[0].strip().lower()
    return {
        "text/html": ".html",
        "application/xhtml+xml": ".html",
        "application/pdf": ".pdf",
        "application/json": ".json",
        "application/xml": ".xml",
        "text/xml": ".xml",
        "application/rss+xml": ".xml",
        "application/atom+xml": ".xml",
        "text/plain": ".txt",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    }.get(base, "")


@dataclass
class ChangeListed:
    change: ChangeRow
    key: str
    title: str
    document_kind: str
    source: str
    version_number: int


def recent_changes(
    session: Session,
    *,
    source: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    limit: int = CHANGES_LIMIT,
) -> list[ChangeListed]:
    """The newest detected changes, newest first, with their documents' titles."""
    changes = list_changes(session, since=since, source=source, kind=kind, limit=limit)
    doc_ids = {c.document_id for c in changes}
    numbers: dict[int, int] = {}
    if doc_ids:
        per_doc: dict[int, int] = {}
        for doc_id, vid in session.execute(
            select(Version.document_id, Version.id)
            .where(Version.document_id.in_(doc_ids))
            .order_by(Version.id)
        ):
            per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
            numbers[vid] = per_doc[doc_id]
    sources = {r.id: r.name for r in session.execute(select(Source.id, Source.name))}
    return [
        ChangeListed(
            change=_change_row(c),
            key=c.document.key,
            title=c.document.title or c.document.key,
            document_kind=c.document.kind,
            source=sources.get(c.document.source_id, ""),
            version_number=numbers.get(c.new_version_id, 0),
        )
        for c in changes
    ]


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def search_documents(
    session: Session, query: str, *, source: str | None = None, kind: str | None = None
) -> Hits:
    """One row per matching document (storage.search; raises QuerySyntaxError)."""
    return search(session, query, source=source, kind=kind, limit=SEARCH_LIMIT)


def figures_about(session: Session, subject: str) -> list[FigureSeen]:
    """Each figure about the subject once per document, where it first appeared."""
    return figures_over_time(session, subject)


def document_count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Document)) or 0
