"""councilwatch's pages inside Datasette: a document's history, changes, search, figures.

Registered by `councilwatch serve` (which runs Datasette through `python -m
councilwatch.web`). Besides the pages it makes the view read-only for real:

- the tables that are not public (raw bodies, the alert outbox, HTTP validators, crawl
  locks...) cannot be read at all: their table pages are refused (permission hook) and
  an SQLite authorizer on every connection Datasette opens refuses to read them, so no
  `?sql=` can get at them;
- any request that would write (POST, PUT, PATCH, DELETE) gets 403.

The raw body of a version is served by the plugin itself, from the blobs table through
storage/blobs.py (it is compressed there), with its own content type.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from councilwatch.web import queries
from councilwatch.web.chart import charts
from storage.snapshot import PUBLIC_TABLES, PUBLIC_VIEWS

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "councilwatch.css"
# Where the raw bodies are, when they are not in the served file: the PostgreSQL archive
# behind a snapshot. Set by `councilwatch serve`; an environment variable, not plugin
# configuration, because Datasette shows its configuration at /-/metadata.
RAW_DB_ENV = "COUNCILWATCH_SERVE_RAW_DB"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Datasette's full-text search over `versions` is replaced by the search page; these
# columns are left out of the versions table by default (still there with ?_col=).
HIDDEN_BY_DEFAULT = {
    "versions": ("fields", "content_hash", "raw_sha256", "parser_version"),
    "crawl_runs": ("stats",),
}
# JSON shown with its real characters (the stored text has \u2019 escapes).
JSON_COLUMNS = {"fields", "problems", "notices", "stats"}
TIME_COLUMNS = {
    "seen_at", "last_seen", "first_seen", "detected_at", "started_at", "finished_at",
    "created_at",
}  # fmt: skip
CHANGE_KINDS = (
    "decision", "status", "date", "figure", "item_added", "item_removed", "document", "text",
)  # fmt: skip

_engines: dict[str, Engine] = {}


def readable(table: str) -> bool:
    """Public tables, their views and the search index over them; everything else is
    private. `json_each` walks the JSON of a row already read (the views use it)."""
    return (
        table in PUBLIC_TABLES
        or table in PUBLIC_VIEWS
        or table in ("json_each", "json_tree")
        or table.startswith("versions_fts")
        or table.startswith("sqlite_")
        or table == "pragma_table_info"
    )


def _engine(url: str) -> Engine:
    if url not in _engines:
        _engines[url] = create_engine(url, pool_pre_ping=True)
    return _engines[url]


def _archive_db(datasette):
    return datasette.get_database()


def _served_engine(datasette) -> Engine:
    db = _archive_db(datasette)
    mode = "mode=ro" if db.is_mutable else "immutable=1"
    return _engine(f"sqlite:///file:{Path(db.path).resolve()}?{mode}&uri=true")


def _raw_engine(datasette) -> Engine:
    url = os.environ.get(RAW_DB_ENV)
    return _engine(url) if url else _served_engine(datasette)


async def _read(datasette, fn, *args, **kwargs):
    """Run `fn(session, ...)` on the served archive in a thread (SQLAlchemy is blocking)."""

    def work():
        with Session(_served_engine(datasette)) as session:
            return fn(session, *args, **kwargs)

    return await asyncio.to_thread(work)


def _base(datasette) -> str:
    return datasette.urls.path("").rstrip("/")


def _document_href(datasette, key: str, **extra) -> str:
    params = {"key": key, **{k: v for k, v in extra.items() if v not in (None, "")}}
    return f"{_base(datasette)}/document?{urlencode(params)}"


async def _page(datasette, request, template: str, context: dict, status: int = 200):
    context = {
        **context,
        "doc_href": lambda key, **extra: _document_href(datasette, key, **extra),
        "base": _base(datasette),
        "database": _archive_db(datasette).name,
    }
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


# --- pages ---------------------------------------------------------------------------


async def document_view(datasette, request):
    key = request.args.get("key", "").strip()
    if not key:
        # No key yet: the page is a form asking for one.
        return await _page(datasette, request, "cw_document.html", {"page": None, "key": ""})
    page = await _read(
        datasette,
        queries.document_page,
        key,
        show=request.args.get("v"),
        version_id=request.args.get("version_id"),
        diff_from=request.args.get("from"),
        diff_to=request.args.get("to"),
    )
    status = 200 if page else 404
    return await _page(datasette, request, "cw_document.html", {"page": page, "key": key}, status)


async def raw_view(datasette, request):
    key = request.args.get("key", "").strip()
    number = request.args.get("v")

    def work():
        with Session(_served_engine(datasette)) as s, Session(_raw_engine(datasette)) as raw:
            return queries.raw_body(s, raw, key, number)

    body = await asyncio.to_thread(work) if key else None
    if body is None:
        return Response.text(
            "No raw body is kept for this version (or no such document).", status=404
        )
    return Response(
        body.data,
        content_type=body.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{body.filename}"',
            # The body is a council's page as fetched: never let it run in our origin.
            "Content-Security-Policy": "sandbox",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _change_filters(request) -> tuple[dict, str | None]:
    """The changes list's filters from the address, and an error to show if one is bad."""
    args = {k: request.args.get(k, "").strip() for k in ("source", "kind", "since")}
    error = None
    if args["kind"] and args["kind"] not in CHANGE_KINDS:
        error = f"kind must be one of {', '.join(CHANGE_KINDS)}"
        args["kind"] = ""
    since = None
    if args["since"]:
        from councilwatch.dates import DateError, date_bound

        try:
            since = date_bound(args["since"], "since", end=False)
        except DateError as exc:
            error = str(exc).replace("since: ", "")
            args["since"] = ""
    return {"args": args, "since": since}, error


async def _changes(datasette, request):
    filters, error = _change_filters(request)
    args = filters["args"]

    def work(session):
        rows = queries.recent_changes(
            session,
            source=args["source"] or None,
            kind=args["kind"] or None,
            since=filters["since"],
        )
        return rows, queries.source_names(session)

    rows, sources = await _read(datasette, work)
    return rows, sources, args, error


async def changes_view(datasette, request):
    rows, sources, args, error = await _changes(datasette, request)
    query = urlencode({k: v for k, v in args.items() if v})
    return await _page(
        datasette,
        request,
        "cw_changes.html",
        {
            "rows": rows,
            "sources": sources,
            "kinds": CHANGE_KINDS,
            "args": args,
            "error": error,
            "feed_href": f"{_base(datasette)}/changes.atom" + (f"?{query}" if query else ""),
            "limit": queries.CHANGES_LIMIT,
        },
        400 if error else 200,
    )


async def changes_feed(datasette, request):
    from feedgen.feed import FeedGenerator

    rows, _, args, error = await _changes(datasette, request)
    if error:
        return Response.text(error, status=400)
    page = datasette.absolute_url(request, request.full_path.replace("/changes.atom", "/changes"))
    fg = FeedGenerator()
    fg.id(datasette.absolute_url(request, request.full_path))
    filters = ", ".join(f"{k} {v}" for k, v in args.items() if v)
    fg.title("councilwatch: latest changes" + (f" ({filters})" if filters else ""))
    fg.subtitle("Changes councilwatch detected in council papers and local news")
    fg.link(href=page, rel="alternate")
    fg.link(href=datasette.absolute_url(request, request.full_path), rel="self")
    fg.author({"name": "councilwatch"})
    fg.updated(rows[0].change.detected_at if rows else datetime.now().astimezone())
    for row in reversed(rows):  # feedgen puts the last added first
        entry = fg.add_entry()
        # A tag: URI, so a reader never shows one change twice whatever address it used.
        entry.id(f"tag:councilwatch,2026:archive/change/{row.change.id}")
        entry.title(f"{row.title}: {row.change.summary}")
        href = datasette.absolute_url(
            request, _document_href(datasette, row.key, v=str(row.version_number or ""))
        )
        entry.link(href=href, rel="alternate")
        entry.updated(row.change.detected_at)
        lines = [f"{row.change.kind}: {row.change.summary} ({row.source}, {row.document_kind})"]
        if row.change.before or row.change.after:
            lines.append(f"Before: {row.change.before or '-'}")
            lines.append(f"After: {row.change.after or '-'}")
        lines.append(f"Detected {row.change.detected}")
        entry.summary("\n".join(lines))
    return Response(fg.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")


def _highlight(snippet: str) -> Markup:
    """A search snippet with the matched words in <mark>, everything else escaped."""
    from storage.search import MARK_END, MARK_START

    text = str(escape(snippet))
    return Markup(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


async def search_view(datasette, request):
    from storage.search import QuerySyntaxError

    q = request.args.get("q", "").strip()
    source = request.args.get("source", "").strip()
    kind = request.args.get("kind", "").strip()
    hits, error = None, None

    def work(session):
        found = None
        if q:
            found = queries.search_documents(session, q, source=source or None, kind=kind or None)
        return found, queries.source_names(session)

    try:
        hits, sources = await _read(datasette, work)
    except QuerySyntaxError as exc:
        error = str(exc)
        sources = await _read(datasette, queries.source_names)
    results = [
        {"hit": h, "snippet": _highlight(h.snippet), "seen": queries.uk_time(h.seen_at)}
        for h in hits or []
    ]
    return await _page(
        datasette,
        request,
        "cw_search.html",
        {
            "q": q,
            "source": source,
            "kind": kind,
            "sources": sources,
            "results": results,
            "capped": bool(hits and hits.capped),
            "error": error,
            "searched": bool(q) and error is None,
            "limit": queries.SEARCH_LIMIT,
        },
        400 if error else 200,
    )


async def figures_view(datasette, request):
    subject = request.args.get("subject", "").strip()
    figures = await _read(datasette, queries.figures_about, subject) if subject else []
    rows = [{"figure": f, "seen": queries.uk_time(f.first_seen)} for f in figures]
    return await _page(
        datasette,
        request,
        "cw_figures.html",
        {
            "subject": subject,
            "rows": rows,
            "charts": [
                {"chart": c, "svg": Markup(c.svg)} for c in charts(figures, _base(datasette))
            ],
        },
    )


async def stylesheet(request):
    return Response(
        STYLESHEET.read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"Cache-Control": "max-age=300"},
    )


@hookimpl
def register_routes(datasette):
    return [
        (r"^/document$", document_view),
        # An `archive_url` that names the database (as links to /<db>/versions/<id> did).
        (r"^/[^/]+/document$", document_view),
        (r"^/document/raw$", raw_view),
        (r"^/changes$", changes_view),
        (r"^/changes\.atom$", changes_feed),
        (r"^/search$", search_view),
        (r"^/figures$", figures_view),
        (r"^/-/councilwatch\.css$", stylesheet),
    ]


# --- read-only, for real -------------------------------------------------------------


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    if action == "view-table" and isinstance(resource, tuple) and not readable(resource[1]):
        return False
    return None


def _authorizer(action, table, column, dbname, source):
    # A read naming no column (count(*), which Datasette runs on every table) reads no
    # content; any column of a private table is refused.
    # Only the archive's own tables ("main"): Datasette's feature checks use temp ones.
    if action == sqlite3.SQLITE_READ and dbname == "main" and column and not readable(table):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn, database, datasette):
    # Not Datasette's own in-memory databases (_internal, _memory): only archives.
    if not database.startswith("_"):
        conn.set_authorizer(_authorizer)


def _forbid(message: str):
    async def respond(send):
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [[b"content-type", b"text/plain; charset=utf-8"]],
            }
        )
        await send({"type": "http.response.body", "body": message.encode()})

    return respond


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http":
                if scope["method"] in WRITE_METHODS:
                    await _forbid("The councilwatch archive view is read-only.\n")(send)
                    return
                redirect = _table_redirect(datasette, scope)
                if redirect:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 302,
                            "headers": [[b"location", redirect.encode()]],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return read_only

    return wrap


def _table_redirect(datasette, scope) -> str | None:
    """A table's HTML page: the versions table's searches go to the search page; raw JSON
    and hashes are left out of the default columns (a link with ?_col= or ?_nocol= is
    kept as it is, so SQL users can have them back)."""
    db = _archive_db(datasette)
    prefix = f"{_base(datasette)}/{db.name}/"
    table = scope["path"][len(prefix) :] if scope["path"].startswith(prefix) else None
    if table not in HIDDEN_BY_DEFAULT:
        return None
    args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    search = dict(args).get("_search")
    if table == "versions" and search:
        return f"{_base(datasette)}/search?{urlencode({'q': search})}"
    if {k for k, _ in args} & {"_col", "_nocol"}:
        return None
    extra = [("_nocol", c) for c in HIDDEN_BY_DEFAULT[table]]
    return f"{scope['path']}?{urlencode(args + extra)}"


# --- tables that read well -----------------------------------------------------------


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table not in PUBLIC_TABLES or value is None:
        return None
    if column in TIME_COLUMNS and isinstance(value, str):
        try:
            return queries.uk_time(datetime.fromisoformat(value))
        except ValueError:
            return None
    if table == "documents" and column == "key":
        return Markup(f'<a href="{escape(_document_href(datasette, value))}">{escape(value)}</a>')
    if column in JSON_COLUMNS and isinstance(value, str) and value[:1] in "{[":
        try:
            pretty = json.dumps(json.loads(value), ensure_ascii=False, indent=1)
        except ValueError:
            return None
        return Markup(f'<pre class="cw-json">{escape(pretty)}</pre>')
    return None


@hookimpl
def extra_css_urls(datasette):
    return [f"{_base(datasette)}/-/councilwatch.css"]


@hookimpl
def menu_links(datasette, actor, request):
    base = _base(datasette)
    return [
        {"href": f"{base}/search", "label": "Search the archive"},
        {"href": f"{base}/changes", "label": "Latest changes"},
        {"href": f"{base}/figures", "label": "Figures over time"},
    ]
