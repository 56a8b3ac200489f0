"""Figures per version and full-text search over every stored version.

Full-text search lives in one place per database, both called `versions_fts`, written with
each new version (`storage.fulltext`):

- SQLite: a contentless FTS5 table (porter stemming), queried with `MATCH` and ranked with
  bm25; snippets are FTS5's `snippet()` over the shown versions indexed again with their
  text in a temporary table (`_sqlite_snippets`).
- PostgreSQL: a side table `versions_fts(version_id, tsv)` with a GIN index. A side table
  rather than a generated column on `versions`, so the model and Alembic's autogenerate
  (which skips `*_fts` tables) never see it.

User queries are parsed here, not handed to the database: raw FTS5 syntax raises on a
stray quote or colon, and PostgreSQL's `websearch_to_tsquery` has no prefix search. The
same small language works on both (see `parse_query`).

Figures (`Figure`) of each new version are stored by `index_version`, which the importer
calls, with what `monitor.figures` found, in the transaction that stores the version.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from storage import fulltext
from storage.fulltext import text_projection
from storage.models import SUBJECT_MAX, Document, Figure, Source, Version, sentence_in
from storage.types import UTCDateTime

log = logging.getLogger(__name__)

# Markers put around matched words by snippet()/ts_headline(); private-use characters
# that never occur in council text, replaced by the caller (bold, <mark>, …).
MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"

# Text search configuration on PostgreSQL; SQLite's FTS5 table uses the porter stemmer,
# which treats English the same way closely enough ("centres" finds "centre").
PG_CONFIG = "english"


def index_version(session: Session, version: Version, found) -> None:
    """Store the figures found in a newly stored version (its full-text rows are written
    with it, `storage.fulltext`). `found` comes from the extractor above this layer
    (`monitor.figures`): each figure with the start and end of its sentence in the text."""
    for fig, sentence_start, sentence_end in found:
        session.add(
            Figure(
                version=version,
                document=version.document,
                kind=fig.kind,
                value=float(fig.value),
                unit=fig.unit,
                denominator=None if fig.denominator is None else float(fig.denominator),
                subject=(fig.subject or None) and fig.subject[:SUBJECT_MAX],
                text=fig.text,
                sentence_start=sentence_start,
                sentence_end=sentence_end,
            )
        )


class QuerySyntaxError(ValueError):
    """A search query the archive cannot run; the message says what to fix, in one line."""


@dataclass
class Term:
    words: list[str]  # one word, or several for an exact phrase
    prefix: bool = False  # the last word is a prefix (centr*)

    def fts5(self) -> str:
        # Every word is quoted so FTS5 never reads user input as an operator.
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")


@dataclass
class Query:
    """All `groups` must match (each group is one term or several joined by OR); no `excluded`."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)|(")')
_WORD = re.compile(r"[^\W_]+")


def parse_query(query: str) -> Query:
    """Parse a journalist's search into terms.

    - words: every word must appear, in any form ("centre" also finds "centres");
    - "an exact phrase" in double quotes;
    - a prefix: `centr*` finds centre, centres, centralised…;
    - `A OR B`: either;
    - `-word`, `-"a phrase"` or `NOT word`: leave out documents containing it.
    Other punctuation separates words, as it does in the text (`children's` is the
    phrase "children s"), so no input can reach the database as an operator.
    """
    parsed = Query()
    pending_or = False
    negate_next = False
    seen_any = False
    for match in _TOKEN.finditer(query):
        neg_phrase, phrase, neg_word, word, stray_quote = match.groups()
        if stray_quote:
            raise QuerySyntaxError(
                'a double quote is not closed: put a phrase in "double quotes" (or remove the quote)'
            )
        negated = bool(neg_phrase or neg_word) or negate_next
        negate_next = False
        if phrase is not None:
            words = _WORD.findall(phrase)
            if not words:
                raise QuerySyntaxError('an empty "" phrase: put words between the quotes')
            term = Term(words)
        else:
            if word == "OR":
                if not parsed.groups or pending_or or negated:
                    raise QuerySyntaxError(
                        "OR needs a search term on each side (closure OR closing)"
                    )
                pending_or = True
                continue
            if word in ("AND",):
                continue
            if word == "NOT":
                negate_next = True
                continue
            prefix = word.endswith("*")
            core = word.rstrip("*")
            if "*" in core or (prefix and not _WORD.search(core)):
                raise QuerySyntaxError(
                    f"{word!r}: * goes at the end of the start of a word (centr* finds centres)"
                )
            words = _WORD.findall(core)
            if not words:
                if negated:
                    raise QuerySyntaxError(f"{match.group(0)!r}: nothing to leave out after '-'")
                continue  # lone punctuation: nothing to search for
            term = Term(words, prefix=prefix)
        seen_any = True
        if negated:
            if pending_or:
                raise QuerySyntaxError("OR cannot join a left-out term (-word)")
            parsed.excluded.append(term)
        elif pending_or:
            parsed.groups[-1].append(term)
            pending_or = False
        else:
            parsed.groups.append([term])
    if pending_or:
        raise QuerySyntaxError("OR needs a search term on each side (closure OR closing)")
    if negate_next:
        raise QuerySyntaxError("NOT needs a term after it (NOT academy)")
    if not parsed.groups:
        if seen_any:
            raise QuerySyntaxError("a search needs at least one word to look for, not only -words")
        raise QuerySyntaxError('nothing to search for: give a word or a "phrase"')
    return parsed


def fts5_expression(query: Query) -> str:
    """The query in FTS5 syntax, every word quoted."""

    def group(terms: list[Term]) -> str:
        if len(terms) == 1:
            return terms[0].fts5()
        return "(" + " OR ".join(t.fts5() for t in terms) + ")"

    expr = " AND ".join(group(g) for g in query.groups)
    for term in query.excluded:
        expr = f"({expr}) NOT {term.fts5()}"
    return expr


def pg_tsquery(query: Query, config: str = PG_CONFIG) -> tuple[str, dict[str, str]]:
    """An SQL expression building the tsquery, with every piece of user text bound."""
    params: dict[str, str] = {}

    def term(t: Term) -> str:
        name = f"tq{len(params)}"
        if t.prefix:
            # to_tsquery syntax is safe here: the words are letters and digits only.
            params[name] = " <-> ".join(t.words) + ":*"
            return f"to_tsquery('{config}'::regconfig, :{name})"
        params[name] = t.words[0] if len(t.words) == 1 else '"' + " ".join(t.words) + '"'
        return f"websearch_to_tsquery('{config}'::regconfig, :{name})"

    def group(terms: list[Term]) -> str:
        return "(" + " || ".join(term(t) for t in terms) + ")"

    expr = " && ".join(group(g) for g in query.groups)
    for t in query.excluded:
        expr = f"({expr}) && !!{term(t)}"
    return f"({expr})", params


# --- searching ------------------------------------------------------------------------


@dataclass
class Hit:
    key: str
    source: str
    kind: str
    url: str
    title: str | None
    version_id: int
    version_number: int  # 1 = the first version stored
    versions: int  # how many versions the document has
    matched_versions: int  # how many of them match the query (and filters)
    seen_at: datetime  # when the matching version was first seen
    snippet: str  # matched words between MARK_START and MARK_END

    @property
    def current(self) -> bool:
        return self.version_number == self.versions


SORTS = ("relevance", "newest")

# Relevance is computed for at most this many of the newest matching versions. Scoring
# every match of a very common word ("council" in 100,000 documents) takes seconds on
# either database; among the newest few thousand it takes milliseconds, and a journalist
# narrows a query that common with more words or filters anyway.
CANDIDATES = 2000
SQLITE_CACHE_KIB = 32_768


class Hits(list):
    """Search results, plus whether relevance was computed among the newest matches only."""

    capped: bool = False
    candidates: int = CANDIDATES


def search(
    session: Session,
    query: str,
    *,
    source: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    has_figure: bool = False,
    figure_kind: str | None = None,
    all_versions: bool = False,
    sort: str = "relevance",
    limit: int = 20,
    candidates: int = CANDIDATES,
) -> Hits:
    """Search every stored version; one row per document unless `all_versions`.

    With one row per document the row shows the newest version that matches (and says
    which one), ranked by the best-matching version, so a decision whose wording changed
    is found by its old words too. Date filters apply to when a version was first seen.

    The newest `candidates` matching versions (after filters) are read and ranked; when
    more match, `Hits.capped` says so. The version shown for a document is always its
    newest match, and `matched_versions` is always exact.
    Raises QuerySyntaxError for a query that cannot be run.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    parsed = parse_query(query)
    dialect = session.get_bind().dialect.name
    index = Index_(dialect, parsed)
    params: dict[str, object] = {"candidates": candidates}
    # Candidates come from the index walked newest first (no sort of all matches), joined
    # only to the narrow per-version search rows; the rank is computed for them alone.
    if dialect == "sqlite":
        # Searching walks index pages and the narrow search rows of thousands of
        # candidates; SQLite's default 2 MB page cache per connection would reread them
        # from the OS on every search (twice as slow on 100,000 documents).
        session.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
        params["q"] = fts5_expression(parsed)
        meta = "m"
        filters = _filters(params, meta, source, kind, since, until, has_figure, figure_kind)
        rank = "f.rank" if sort == "relevance" else "0"  # bm25: smaller is better
        sql = (
            f"SELECT f.rowid AS version_id, m.document_id AS document_id, {rank} AS rank "
            f"FROM {index.table} f JOIN versions_fts_meta m ON m.version_id = f.rowid "
            f"WHERE {' AND '.join([f'{index.table} MATCH :q', *filters])} "
            "ORDER BY f.rowid DESC LIMIT :candidates"
        )
        # The exact number of matching versions of a few documents: one seek per version.
        matches_version = (
            f"EXISTS (SELECT 1 FROM {index.table} WHERE {index.table} MATCH :q "
            f"AND {index.table}.rowid = m.version_id)"
        )
        count_from = "versions_fts_meta m"
    else:
        # psycopg prepares a statement after a few runs, and PostgreSQL then may switch to
        # a generic plan that cannot see how common the searched words are: it reads every
        # match through the GIN index and sorts them, ten times slower for common words.
        # Planning each search for its own words picks the index that fits (transaction
        # scoped: the pooled connection is not changed for anyone else).
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        tsq, tparams = pg_tsquery(parsed, index.config)
        params.update(tparams)
        meta = "f"
        filters = _filters(params, meta, source, kind, since, until, has_figure, figure_kind)
        match = f"f.{index.column} @@ {tsq}"
        _pg_choose_scan(session, match, params)
        inner = (
            f"SELECT f.version_id, f.document_id FROM versions_fts f "
            f"WHERE {' AND '.join([match, *filters])} "
            "ORDER BY f.version_id DESC LIMIT :candidates"
        )
        # Negated so that smaller is better, as with bm25 on SQLite.
        rank = f"-ts_rank_cd(f.{index.column}, {tsq})" if sort == "relevance" else "0"
        sql = (
            f"SELECT c.version_id, c.document_id, {rank} AS rank "
            f"FROM ({inner}) c JOIN versions_fts f ON f.version_id = c.version_id"
        )
        matches_version = match
        count_from = "versions_fts f"
    dates = [bindparam(n, type_=UTCDateTime()) for n in ("since", "until") if n in params]
    rows = session.execute(text(sql).bindparams(*dates), params).all()
    result = Hits()
    result.candidates = candidates
    result.capped = len(rows) >= candidates
    if not rows:
        return result
    if all_versions:
        ordered = sorted(rows, key=lambda r: (r.rank, -r.version_id))[:limit]
        picked = [(r.version_id, r.document_id) for r in ordered]
        matched = {r.document_id: 1 for r in ordered}
    else:
        best: dict[int, tuple[float, int]] = {}  # document -> (best rank, newest version)
        matched = {}
        for r in rows:
            rank_, newest = best.get(r.document_id, (r.rank, r.version_id))
            best[r.document_id] = (min(rank_, r.rank), max(newest, r.version_id))
            matched[r.document_id] = matched.get(r.document_id, 0) + 1
        ordered_docs = sorted(best.items(), key=lambda item: (item[1][0], -item[1][1]))[:limit]
        picked = [(newest, doc_id) for doc_id, (_, newest) in ordered_docs]
        if result.capped:
            # Older matching versions of these documents may lie beyond the candidates.
            count_sql = (
                f"SELECT {meta}.document_id AS document_id, count(*) AS n FROM {count_from} "
                f"WHERE {' AND '.join([f'{meta}.document_id IN :docs', matches_version, *filters])} "
                f"GROUP BY {meta}.document_id"
            )
            stmt = text(count_sql).bindparams(bindparam("docs", expanding=True), *dates)
            docs = [doc_id for _, doc_id in picked]
            matched = {r.document_id: r.n for r in session.execute(stmt, {**params, "docs": docs})}
    snippets = _snippets(session, index, parsed, [vid for vid, _ in picked])
    result.extend(_hits(session, picked, matched, snippets))
    return result


# Below this share of all versions, PostgreSQL reads the matches through the GIN index
# and sorts them; above it, it walks the versions newest first until it has enough.
PG_BITMAP_BELOW = 0.15


def _pg_choose_scan(session: Session, match: str, params: dict) -> None:
    """Pick how PostgreSQL finds the newest matching versions.

    Walking the primary key backwards and testing each version stops after a few
    thousand for a common word, but for a rarer word tests (and decompresses) tens of
    thousands of tsvectors; the planner underrates that cost and walks anyway (350 ms
    for `redundan*` on 100,000 documents, against 15 ms through the GIN index). Its own
    estimate of the number of matches is good, so the choice is made from that.
    """
    plan = session.execute(
        text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM versions_fts f WHERE {match}"), params
    ).scalar()
    estimate = plan[0]["Plan"]["Plan Rows"]
    total = session.execute(
        text("SELECT reltuples FROM pg_class WHERE relname = 'versions_fts'")
    ).scalar()
    if total is not None and total > 0 and estimate < PG_BITMAP_BELOW * total:
        session.execute(text("SET LOCAL enable_indexscan = off"))


def _filters(
    params: dict, meta: str, source, kind, since, until, has_figure, figure_kind
) -> list[str]:
    """Conditions on the per-version search row `meta` (versions_fts_meta / versions_fts)."""
    where: list[str] = []
    if source:
        where.append(f"{meta}.source_id = (SELECT s.id FROM sources s WHERE s.name = :source)")
        params["source"] = source
    if kind:
        where.append(f"{meta}.kind = :kind")
        params["kind"] = kind
    if since is not None:
        where.append(f"{meta}.seen_at >= :since")
        params["since"] = since
    if until is not None:
        where.append(f"{meta}.seen_at < :until")
        params["until"] = until
    if has_figure or figure_kind:
        cond = f"g.version_id = {meta}.version_id"
        if figure_kind:
            cond += " AND g.kind = :figure_kind"
            params["figure_kind"] = figure_kind
        where.append(f"EXISTS (SELECT 1 FROM figures g WHERE {cond})")
    return where


class Index_:
    """Which full-text index answers a query.

    Words are matched in any form (stemmed: "centre" finds "centres"), but a stemmer
    turns "redundancies" into "redund", which the prefix "redundan*" would never match.
    So a query with a prefix* is answered from the index of words as printed, and its
    other words then match as typed.
    """

    def __init__(self, dialect: str, query: Query) -> None:
        self.dialect = dialect
        terms = [t for g in query.groups for t in g] + query.excluded
        self.literal = any(t.prefix for t in terms)

    @property
    def table(self) -> str:  # SQLite
        return "versions_fts_words" if self.literal else "versions_fts"

    @property
    def column(self) -> str:  # PostgreSQL
        return "words" if self.literal else "tsv"

    @property
    def config(self) -> str:  # PostgreSQL
        return "simple" if self.literal else PG_CONFIG


def _snippets(
    session: Session, index: Index_, parsed: Query, version_ids: list[int]
) -> dict[int, str]:
    ids = bindparam("ids", expanding=True)
    if index.dialect == "sqlite":
        return _sqlite_snippets(session, index, parsed, version_ids)
    tsq, params = pg_tsquery(parsed, index.config)
    stmt = text(
        f"SELECT v.id AS id, ts_headline('{index.config}'::regconfig, "
        f"version_text(v.title, v.fields), {tsq}, :opts) AS snippet "
        "FROM versions v WHERE v.id IN :ids"
    ).bindparams(ids)
    params["opts"] = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, '
        f'MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
    )
    params["ids"] = version_ids
    return {r.id: r.snippet for r in session.execute(stmt, params)}


def _sqlite_snippets(
    session: Session, index: Index_, parsed: Query, version_ids: list[int]
) -> dict[int, str]:
    """FTS5's snippet() of the shown versions. The archive's indexes keep no text
    (`storage.fulltext`), so the shown versions are indexed again, with their text, in a
    temporary table of the same tokenizer: snippet() scores each version on its own, so
    it picks the same words as over the whole archive."""
    table = f"temp.{index.table}_shown"
    session.execute(text(fulltext.sqlite_fts_table(index.table, name=table, contentless=False)))
    rows = session.execute(
        select(Version.id, Version.title, Version.fields).where(Version.id.in_(version_ids))
    )
    session.execute(
        text(f"INSERT INTO {table} (rowid, title, text) VALUES (:id, :title, :text)"),
        [{"id": r.id, "title": r.title, "text": text_projection(r.title, r.fields)} for r in rows],
    )
    try:
        found = session.execute(
            text(
                f"SELECT rowid AS id, snippet({index.table}_shown, -1, :a, :b, :e, 24) AS snippet "
                f"FROM {table} WHERE {index.table}_shown MATCH :q"
            ),
            {"q": fts5_expression(parsed), "a": MARK_START, "b": MARK_END, "e": ELLIPSIS},
        )
        return {r.id: r.snippet for r in found}
    finally:
        session.execute(text(f"DELETE FROM {table}"))


def _hits(
    session: Session,
    picked: list[tuple[int, int]],
    matched: dict[int, int],
    snippets: dict[int, str],
) -> list[Hit]:
    doc_ids = {doc_id for _, doc_id in picked}
    # Plain rows, not ORM objects: this runs on every search and the page is small.
    # Each document's part of its hits: its columns are named as Hit's fields.
    docs = {
        d.id: {name: d._mapping[name] for name in ("key", "source", "kind", "url", "title")}
        for d in session.execute(
            select(Document.id, Document.key, Document.kind, Document.url, Document.title,
                   Source.name.label("source"))
            .join(Source, Source.id == Document.source_id)
            .where(Document.id.in_(doc_ids))
        )
    }  # fmt: skip
    numbers: dict[int, list[tuple[int, datetime]]] = {}
    for doc_id, vid, seen in session.execute(
        select(Version.document_id, Version.id, Version.seen_at)
        .where(Version.document_id.in_(doc_ids))
        .order_by(Version.id)
    ):
        numbers.setdefault(doc_id, []).append((vid, seen))
    hits = []
    for version_id, doc_id in picked:
        history = numbers[doc_id]
        position = next(i for i, (vid, _) in enumerate(history, 1) if vid == version_id)
        hits.append(
            Hit(
                **docs[doc_id],
                version_id=version_id,
                version_number=position,
                versions=len(history),
                matched_versions=matched.get(doc_id, 1),
                seen_at=history[position - 1][1],
                snippet=snippets.get(version_id) or "",
            )
        )
    return hits


# --- figures over time ----------------------------------------------------------------


@dataclass
class FigureSeen:
    """A figure as it first appeared in a document, and how long it stayed."""

    key: str
    source: str
    document_kind: str
    title: str | None
    url: str
    kind: str
    value: float
    unit: str | None
    denominator: float | None
    subject: str | None
    text: str
    sentence: str
    version_number: int
    first_seen: datetime  # when the first version carrying it was stored
    still_current: bool  # the document's latest version still carries it


# What a FigureSeen takes from the stored figure as it is.
FIGURE_MEASURE = ("kind", "value", "unit", "denominator", "subject", "text")


def normalise_subject(subject: str) -> str:
    return subject.replace("\u2019", "'").replace("\u2018", "'").strip().lower()


def figures_over_time(
    session: Session,
    subject: str,
    *,
    kind: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FigureSeen]:
    """Every distinct figure about `subject` (a part of the subject, any case), oldest first.

    A figure repeated unchanged in later versions of the same document is listed once,
    at the version where it first appeared; a figure that changed appears again with
    its new value, so the list reads as a timeline across documents.
    """
    pattern = (
        "%" + normalise_subject(subject).replace("\\", "").replace("%", "").replace("_", "") + "%"
    )
    subject_col = func.lower(func.replace(Figure.subject, "\u2019", "'"))
    query = (
        select(Figure, Version, Document, Source.name)
        .join(Version, Version.id == Figure.version_id)
        .join(Document, Document.id == Figure.document_id)
        .join(Source, Source.id == Document.source_id)
        .where(subject_col.like(pattern))
        .order_by(Version.seen_at, Version.id, Figure.id)
    )
    if kind:
        query = query.where(Figure.kind == kind)
    if source:
        query = query.where(Source.name == source)
    if since is not None:
        query = query.where(Version.seen_at >= since)
    if until is not None:
        query = query.where(Version.seen_at < until)
    rows = session.execute(query).all()
    doc_ids = {doc.id for _, _, doc, _ in rows}
    version_numbers: dict[int, int] = {}
    for doc_id in doc_ids:
        ids = session.scalars(
            select(Version.id).where(Version.document_id == doc_id).order_by(Version.id)
        )
        version_numbers.update({vid: n for n, vid in enumerate(ids, 1)})
    latest = {doc.id: doc.latest_version_id for _, _, doc, _ in rows}
    texts: dict[int, str] = {}  # computed once per version, not once per figure
    current: set[tuple] = set()
    seen: dict[tuple, FigureSeen] = {}
    for fig, version, doc, source_name in rows:
        vid = version.id
        identity = (doc.id, fig.kind, fig.value, fig.unit, fig.denominator, fig.subject)
        if vid == latest[doc.id]:
            current.add(identity)
        if identity in seen:
            continue
        if vid not in texts:
            texts[vid] = version.text
        measure = {name: getattr(fig, name) for name in FIGURE_MEASURE}
        seen[identity] = FigureSeen(
            key=doc.key,
            source=source_name,
            document_kind=doc.kind,
            title=doc.title,
            url=doc.url,
            **measure,
            sentence=sentence_in(texts[vid], fig.sentence_start, fig.sentence_end),
            version_number=version_numbers[vid],
            first_seen=version.seen_at,
            still_current=False,
        )
    for identity, item in seen.items():
        item.still_current = identity in current
    return list(seen.values())
