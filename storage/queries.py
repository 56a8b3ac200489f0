"""Reading the archive: the queries behind `changes`, `history` and `export`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from storage import coverage
from storage.models import Change, Document, Figure, Source, Version, sentence_in


def document_ref(doc: Document) -> dict[str, Any]:
    return {"key": doc.key, "kind": doc.kind, "url": doc.url, "title": doc.title}


def list_changes(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    source: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Change]:
    query = (
        select(Change)
        .join(Change.document)
        .options(joinedload(Change.document))
        .order_by(Change.detected_at.desc(), Change.id.desc())
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if until is not None:
        query = query.where(Change.detected_at < until)
    if source is not None:
        query = query.join(Document.source).where(Source.name == source)
    if kind is not None:
        query = query.where(Change.kind == kind)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def find_document(session: Session, key_or_url: str) -> Document | None:
    return session.scalar(
        select(Document)
        .where(or_(Document.key == key_or_url, Document.url == key_or_url))
        .order_by(Document.id)
        .limit(1)
    )


def show_last_seen(session: Session, docs: list[Document], latest: list[Version] = ()) -> None:
    """Give these documents (and their latest versions) their true `last_seen`, read from
    the crawls' coverage rows (storage.coverage), for reading only: never written back."""
    seen = coverage.last_seen(session, docs)
    for doc in docs:
        set_committed_value(doc, "last_seen", seen[doc.id])
    by_doc = {doc.latest_version_id: seen[doc.id] for doc in docs}
    for version in latest:
        if version.id in by_doc:
            set_committed_value(version, "last_seen", max(version.last_seen, by_doc[version.id]))


def versions_with_changes(session: Session, doc: Document) -> list[tuple[Version, list[Change]]]:
    versions = list(
        session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.id))
    )
    show_last_seen(session, [doc], versions[-1:])
    changes: dict[int, list[Change]] = {}
    for change in session.scalars(
        select(Change).where(Change.document_id == doc.id).order_by(Change.id)
    ):
        changes.setdefault(change.new_version_id, []).append(change)
    return [(v, changes.get(v.id, [])) for v in versions]


# CSV columns per export; JSON Lines carries the same keys.
EXPORT_COLUMNS = {
    "documents": [
        "key", "source", "kind", "url", "title", "fields", "versions", "first_seen", "last_seen",
    ],
    "versions": [
        "key", "source", "kind", "version", "version_id", "seen_at", "last_seen", "title",
        "content_hash", "reparse", "fields", "text",
    ],
    "changes": [
        "key", "source", "document_kind", "url", "title", "change_id", "kind", "summary",
        "before", "after", "old_value", "new_value", "alert", "old_version_id",
        "new_version_id", "detected_at",
    ],
    "figures": [
        "key", "source", "document_kind", "url", "title", "version", "version_id", "seen_at",
        "kind", "value", "unit", "denominator", "subject", "text", "sentence",
    ],
}  # fmt: skip


def _exported(session: Session, query, kind: str | None, source: str | None):
    """An export's rows, of documents of `kind` and `source` only when given, 500 at a time."""
    if kind:
        query = query.where(Document.kind == kind)
    if source:
        query = query.where(Source.name == source)
    return session.execute(query).yield_per(500)


def _exported_document(doc: Document, source_name: str) -> dict[str, Any]:
    """The document a change or figure row is about."""
    return {
        "key": doc.key,
        "source": source_name,
        "document_kind": doc.kind,
        "url": doc.url,
        "title": doc.title,
    }


def export_documents(
    session: Session, *, kind: str | None = None, source: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every document with its latest fields, streamed in key order."""
    counts = (
        select(Version.document_id, func.count(Version.id).label("n"))
        .group_by(Version.document_id)
        .subquery()
    )
    query = (
        select(Document, Source.name, Version.fields, counts.c.n)
        .join(Source, Document.source_id == Source.id)
        .join(Version, Document.latest_version_id == Version.id)
        .join(counts, counts.c.document_id == Document.id)
        .order_by(Document.key)
    )
    for chunk in _exported(session, query, kind, source).partitions():
        show_last_seen(session, [doc for doc, *_ in chunk])
        yield from _document_rows(chunk)


def _document_rows(chunk) -> Iterator[dict[str, Any]]:
    for doc, source_name, fields, n in chunk:
        yield {
            "key": doc.key,
            "source": source_name,
            "kind": doc.kind,
            "url": doc.url,
            "title": doc.title,
            "fields": fields,
            "versions": n,
            "first_seen": doc.first_seen.isoformat(),
            "last_seen": doc.last_seen.isoformat(),
        }


def numbered_versions():
    """Each version's position in its document's history (1 = first stored), as a subquery."""
    return select(
        Version.id.label("version_id"),
        func.row_number()
        .over(partition_by=Version.document_id, order_by=Version.id)
        .label("number"),
    ).subquery()


def export_versions(
    session: Session, *, kind: str | None = None, source: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every stored version of every document, in key order then oldest first."""
    numbers = numbered_versions()
    query = (
        select(Version, Document, Source.name, numbers.c.number)
        .join(Document, Document.id == Version.document_id)
        .join(Source, Source.id == Document.source_id)
        .join(numbers, numbers.c.version_id == Version.id)
        .order_by(Document.key, Version.id)
    )
    for chunk in _exported(session, query, kind, source).partitions():
        docs = list({doc.id: doc for _, doc, *_ in chunk}.values())
        show_last_seen(session, docs, [v for v, *_ in chunk])
        yield from _version_rows(chunk)


def _version_rows(chunk) -> Iterator[dict[str, Any]]:
    for v, doc, source_name, number in chunk:
        yield {
            "key": doc.key,
            "source": source_name,
            "kind": doc.kind,
            "version": number,
            "version_id": v.id,
            "seen_at": v.seen_at.isoformat(),
            "last_seen": v.last_seen.isoformat(),
            "title": v.title,
            "content_hash": v.content_hash,
            "reparse": v.reparse,
            "fields": v.fields,
            "text": v.text,
        }


def export_changes(
    session: Session, *, kind: str | None = None, source: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every detected change, oldest first. `kind` filters the document kind."""
    query = (
        select(Change, Document, Source.name)
        .join(Document, Document.id == Change.document_id)
        .join(Source, Source.id == Document.source_id)
        .order_by(Change.detected_at, Change.id)
    )
    for c, doc, source_name in _exported(session, query, kind, source):
        yield {
            **_exported_document(doc, source_name),
            "change_id": c.id,
            "kind": c.kind,
            "summary": c.summary,
            "before": c.before,
            "after": c.after,
            "old_value": c.old_value,
            "new_value": c.new_value,
            "alert": c.alert,
            "old_version_id": c.old_version_id,
            "new_version_id": c.new_version_id,
            "detected_at": c.detected_at.isoformat(),
        }


def export_figures(
    session: Session, *, kind: str | None = None, source: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every figure of every version, in key order then oldest version first."""
    numbers = numbered_versions()
    query = (
        select(Figure, Document, Source.name, Version, numbers.c.number)
        .join(Version, Version.id == Figure.version_id)
        .join(Document, Document.id == Figure.document_id)
        .join(Source, Source.id == Document.source_id)
        .join(numbers, numbers.c.version_id == Version.id)
        .order_by(Document.key, Version.id, Figure.id)
    )
    text_of = (None, "")  # a version's figures come together: its text is computed once
    for f, doc, source_name, version, number in _exported(session, query, kind, source):
        if text_of[0] != version.id:
            text_of = (version.id, version.text)
        yield {
            **_exported_document(doc, source_name),
            "version": number,
            "version_id": f.version_id,
            "seen_at": version.seen_at.isoformat(),
            "kind": f.kind,
            "value": plain_number(f.value),
            "unit": f.unit,
            "denominator": plain_number(f.denominator),
            "subject": f.subject,
            "text": f.text,
            "sentence": sentence_in(text_of[1], f.sentence_start, f.sentence_end),
        }


def plain_number(value: float | None) -> float | int | None:
    """14000000.0 as 14000000: figures are stored as floats but are mostly whole numbers."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


# --- word-level diff of two versions ------------------------------------------------


@dataclass
class WordDiff:
    ops: list[dict[str, str]]  # {"op": "replace"|"delete"|"insert", "old": ..., "new": ...}
    hunks: list[str]  # each change with a little unchanged context, marked [-old-]{+new+}
    # The same hunks as (op, words) runs, op "same", "removed", "added" or "gap" (the "…"
    # between unchanged words left out), for a page that marks them up itself.
    hunk_runs: list[list[tuple[str, str]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.ops)


def word_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """How the words `a` become the words `b`, as difflib opcodes: every word diff (here,
    and the sentences of an alert) is this. `autojunk=False` because difflib otherwise
    treats common words in long documents as junk and produces strange diffs."""
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def word_diff(old: str, new: str, context: int | None = 8) -> WordDiff:
    """Words removed and added between two texts, as `close [-31-]{+29+} of 44`.

    Words, not characters, so "£2.5m" -> "£2.1m" reads as one replaced figure; spacing
    and line breaks are ignored. `context=None` marks up the whole text as one hunk.
    """
    a, b = old.split(), new.split()
    opcodes = word_opcodes(a, b)
    ops: list[dict[str, str]] = []
    pieces: list[tuple[str, list[tuple[str, str]]]] = []  # ("equal", words) or ("change", runs)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            pieces.append(("equal", [("same", w) for w in a[i1:i2]]))
            continue
        old_words, new_words = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        ops.append({"op": tag, "old": old_words, "new": new_words})
        runs = []
        if old_words:
            runs.append(("removed", old_words))
        if new_words:
            runs.append(("added", new_words))
        pieces.append(("change", runs))
    if not ops:
        return WordDiff([], [])
    gap = [("gap", "…")]
    hunks: list[list[tuple[str, str]]] = []
    if context is None:
        hunks.append([run for _, runs in pieces for run in runs])
    else:
        current: list[tuple[str, str]] = []
        for n, (tag, words) in enumerate(pieces):
            if tag == "change":
                current.extend(words)
                continue
            first, last = n == 0, n == len(pieces) - 1
            if first:
                current.extend(
                    (gap if len(words) > context else []) + words[-context:] if context else []
                )
            elif last:
                current.extend(words[:context] + (gap if len(words) > context else []))
            elif len(words) <= 2 * context:
                current.extend(words)
            else:
                current.extend(words[:context] + gap)
                hunks.append(current)
                current = gap + (words[-context:] if context else [])
        hunks.append(current)
    merged = [_merge_runs(h) for h in hunks]
    return WordDiff(ops, [_marked(h) for h in merged], merged)


def _merge_runs(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive unchanged words as one run."""
    out: list[tuple[str, str]] = []
    for op, words in runs:
        if out and op == "same" and out[-1][0] == "same":
            out[-1] = ("same", f"{out[-1][1]} {words}")
        else:
            out.append((op, words))
    return out


def _marked(runs: list[tuple[str, str]]) -> str:
    """A hunk as `history --diff` prints it: [-removed-]{+added+}, a replacement joined."""
    parts: list[str] = []
    for n, (op, words) in enumerate(runs):
        text = {"removed": f"[-{words}-]", "added": f"{{+{words}+}}"}.get(op, words)
        if op == "added" and n and runs[n - 1][0] == "removed":
            parts[-1] += text
        else:
            parts.append(text)
    return " ".join(parts)


def with_titles(session: Session, text: str, kinds) -> str:
    """`text` with the document keys in it (a meeting lists its agenda items by key) replaced
    by those documents' titles, so a diff reads "{+Manorgate Road - Objections+}". `kinds`
    are the document kinds a key may name."""
    key_word = re.compile(r"[a-z0-9][a-z0-9_-]*:(?:" + "|".join(kinds) + r"):\S+")
    keys = set(key_word.findall(text))
    if not keys:
        return text
    found = session.execute(select(Document.key, Document.title).where(Document.key.in_(keys)))
    titles = {key: title for key, title in found}
    return key_word.sub(lambda m: titles.get(m[0]) or m[0], text)
