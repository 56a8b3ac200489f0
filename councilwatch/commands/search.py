"""Searching the archive: `search`, `figures-over-time` and `serve` (Datasette)."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from enum import StrEnum
from pathlib import Path

import typer
from rich.text import Text

from core.uktime import iso, uk_time_short
from councilwatch.app import UserError, app, check_choice, err, out, plural, state
from councilwatch.commands.options import Json, Source, date_options, reading
from spiders.items import KINDS

FIGURE_KINDS = ("money", "percent", "count")
SEARCH_HELP = (
    "Words (all must appear), '\"an exact phrase\"' (quoted twice, so the shell keeps the "
    "inner quotes), prefix* (centr* finds centres), A OR B, -word to leave out."
)


def marked(snippet: str, start: str, stop: str, escape=lambda s: s) -> str:
    from storage.search import MARK_END, MARK_START

    parts = re.split(f"({MARK_START}|{MARK_END})", snippet)
    result = []
    for part in parts:
        if part == MARK_START:
            result.append(start)
        elif part == MARK_END:
            result.append(stop)
        else:
            result.append(escape(part))
    return "".join(result)


ISO_TIME = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\b"
)


def uk_dates(text: str) -> str:
    """ISO dates and times (as fields are stored) the way a UK reader writes them."""
    from datetime import datetime

    from councilwatch.dates import UK

    def one(m: re.Match) -> str:
        try:
            moment = datetime.fromisoformat(m[0].replace("Z", "+00:00"))
        except ValueError:
            return m[0]
        if m[4] is None:
            return f"{moment.day} {moment:%b %Y}"
        if moment.tzinfo is not None:
            moment = moment.astimezone(UK)
        return f"{moment.day} {moment:%b %Y %H:%M}"

    return ISO_TIME.sub(one, text)


def tidy_snippet(snippet: str) -> str:
    """A snippet as one readable line: the document's fields (one a line in the stored
    text) separated by " · " rather than run together, dates written the UK way."""
    lines = [" ".join(line.split()) for line in snippet.splitlines()]
    return uk_dates(" · ".join(line for line in lines if line))


def snippet_text(snippet: str, style: str = "bold reverse") -> Text:
    from storage.search import MARK_END, MARK_START

    text = Text()
    inside = False
    for part in re.split(f"({MARK_START}|{MARK_END})", tidy_snippet(snippet)):
        if part == MARK_START:
            inside = True
        elif part == MARK_END:
            inside = False
        elif part:
            text.append(part, style=style if inside else None)
    return text


class Sort(StrEnum):
    relevance = "relevance"
    newest = "newest"


Since, Until = date_options("Versions first seen", "2016, 2016-04, 1/4/2016")


# A query may start with "-" (`councilwatch search -zebra`): not an option.
@app.command(context_settings={"ignore_unknown_options": True})
def search(
    ctx: typer.Context,
    words: list[str] = typer.Argument(..., metavar="QUERY", help=SEARCH_HELP),
    source: Source = None,
    kind: str = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(KINDS)}."),
    since: Since = None,
    until: Until = None,
    has_figure: bool = typer.Option(
        False, "--has-figure", help="Only versions in which a figure was found."
    ),
    figure_kind: str = typer.Option(
        None,
        "--figure-kind",
        help="Only versions with a figure of this kind: money, percent, count.",
    ),
    all_versions: bool = typer.Option(
        False, "--all-versions", help="One row per matching version, not per document."
    ),
    sort: Sort = typer.Option(Sort.relevance, "--sort", help="relevance or newest."),
    limit: int = typer.Option(20, "--limit", min=1, max=10_000, help="At most this many rows."),
    as_json: Json = False,
) -> None:
    """Full-text search over every stored version, with highlighted snippets.

    Every version is searched; each document is shown once, with the newest version that
    matches (and whether that is still the current one).

    Example: councilwatch search '"early intervention" centres' --figure-kind money --since 2016

    A word starting with - is left out, even first: councilwatch search -zebra council
    """
    from councilwatch.dates import date_range
    from storage.search import QuerySyntaxError
    from storage.search import search as run_search

    # The words of the query may come as one argument or several: `search called -in`.
    query = " ".join(words)
    check_choice(kind, KINDS, "--kind")
    check_choice(figure_kind, FIGURE_KINDS, "--figure-kind")
    lo, hi = date_range(since, until)
    with reading(ctx, source) as session:
        try:
            hits = run_search(
                session,
                query,
                source=source,
                kind=kind,
                since=lo,
                until=hi,
                has_figure=has_figure,
                figure_kind=figure_kind,
                all_versions=all_versions,
                sort=sort.value,
                limit=limit,
            )
        except QuerySyntaxError as exc:
            raise UserError(f"search: {exc}") from None
    if as_json:
        print(
            json.dumps(
                {
                    "query": query,
                    # True when so many versions matched that relevance was computed
                    # among the newest `candidates` of them only.
                    "capped": hits.capped,
                    "candidates": hits.candidates,
                    "results": [
                        {
                            "document": {
                                "key": h.key,
                                "kind": h.kind,
                                "url": h.url,
                                "title": h.title,
                            },
                            "source": h.source,
                            "version": {
                                "id": h.version_id,
                                "number": h.version_number,
                                "of": h.versions,
                                "current": h.current,
                                "seen_at": iso(h.seen_at),
                            },
                            "matched_versions": h.matched_versions,
                            # An HTML fragment: the text escaped, the matched words in <mark>.
                            "snippet": marked(h.snippet, "<mark>", "</mark>", html.escape),
                        }
                        for h in hits
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    if not hits:
        err.print("no documents match")
        return
    if hits.capped and sort is Sort.relevance:
        err.print(
            f"(many versions match: ranked the {hits.candidates:,} newest of them; "
            "add words or filters, or use --sort newest)",
            markup=False,
        )
    for h in hits:
        out.print(f"{h.key}  ({h.kind}, {h.source})", markup=False, style="bold")
        if h.title:
            out.print(f"  {h.title}", markup=False)
        where = f"version {h.version_number} of {h.versions}, first seen {uk_time_short(h.seen_at)}"
        if h.versions > 1:
            where += " (current)" if h.current else " (changed since)"
        if h.matched_versions > 1:
            where += f"; {plural(h.matched_versions, 'version')} match"
        out.print(f"  {where}", markup=False)
        out.print(Text("  ") + snippet_text(h.snippet))
        out.print("")


@app.command("figures-over-time")
def figures_over_time_command(
    ctx: typer.Context,
    subject: str = typer.Argument(
        ..., help='What the figures count or cost, or part of it: "children\'s centres".'
    ),
    kind: str = typer.Option(None, "--kind", help="Only money, percent or count figures."),
    source: Source = None,
    since: str = typer.Option(None, "--since", help="From this UK date (2016, 2016-04-01)."),
    until: str = typer.Option(None, "--until", help="Up to the end of this UK date."),
    as_json: Json = False,
) -> None:
    """Every figure about a subject across documents and versions, oldest first.

    A figure repeated unchanged in later versions is listed once, where it first appeared.

    Example: councilwatch figures-over-time "children's centres" --kind count
    """
    from councilwatch.dates import date_range
    from storage.queries import plain_number
    from storage.search import figures_over_time

    check_choice(kind, FIGURE_KINDS, "--kind")
    if not subject.strip():
        raise UserError('give a subject, e.g. "children\'s centres"')
    lo, hi = date_range(since, until)
    with reading(ctx, source) as session:
        rows = figures_over_time(session, subject, kind=kind, source=source, since=lo, until=hi)
    if as_json:
        print(
            json.dumps(
                {
                    "subject": subject,
                    "figures": [
                        {
                            "document": {
                                "key": r.key,
                                "kind": r.document_kind,
                                "url": r.url,
                                "title": r.title,
                            },
                            "source": r.source,
                            "version": r.version_number,
                            "first_seen": iso(r.first_seen),
                            "still_current": r.still_current,
                            "kind": r.kind,
                            "value": plain_number(r.value),
                            "unit": r.unit,
                            "denominator": plain_number(r.denominator),
                            "subject": r.subject,
                            "text": r.text,
                            "sentence": r.sentence,
                        }
                        for r in rows
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    if not rows:
        err.print(f"no figures about {subject!r} in the archive")
        return
    for r in rows:
        gone = "" if r.still_current else "  (no longer in the current version)"
        out.print(
            f"{uk_time_short(r.first_seen)}  {r.text:<14} {r.subject or '':<28} {r.key} v{r.version_number}{gone}",
            markup=False,
        )
        out.print(f"    {' '.join(r.sentence.split())}", markup=False)


@app.command()
def serve(
    ctx: typer.Context,
    port: int = typer.Option(8001, "--port", min=0, max=65535, help="Port to listen on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    snapshot: Path = typer.Option(
        None,
        "--snapshot",
        help="PostgreSQL archives only: where to write the SQLite copy that is served.",
    ),
    metadata_out: Path = typer.Option(
        None, "--write-metadata", help="Also save the generated Datasette metadata here."
    ),
) -> None:
    """The archive in Datasette, read-only, with pages for reporters and saved queries.

    Pages: /document?key=KEY (versions, what changed, word diffs, text, raw download),
    /changes (and its Atom feed), /search, /figures?subject=... (a chart). Saved queries:
    latest changes, decisions changed this week, figures about a subject over time. Datasette cannot read PostgreSQL, so a PostgreSQL archive is first copied
    into an SQLite snapshot (same schema) and that is served.

    Example: councilwatch serve --port 8001   (then open http://127.0.0.1:8001/)
    """
    from sqlalchemy.engine import make_url

    from councilwatch.datasette_metadata import datasette_metadata
    from councilwatch.web.plugin import RAW_DB_ENV
    from councilwatch.web.plugin import TEMPLATES as web_templates
    from storage.snapshot import sqlite_snapshot

    st = state(ctx)
    archive = st.existing_archive()
    try:
        if archive.dialect == "sqlite":
            db_path = Path(make_url(archive.url).database or "")
            if not db_path.name or db_path.name == ":memory:":
                raise UserError("serve needs an archive in a file, not an in-memory database")
            immutable = False
            raw_url = None
        else:
            db_path = snapshot or Path("councilwatch-snapshot.db")
            err.print(
                f"PostgreSQL archive: copying it into the SQLite snapshot {db_path} "
                "(Datasette reads SQLite only); the snapshot is what is served",
                markup=False,
            )
            counts = sqlite_snapshot(archive, db_path)
            err.print(
                "snapshot ready: " + ", ".join(f"{n} {table}" for table, n in counts.items()),
                markup=False,
            )
            immutable = True
            raw_url = make_url(archive.url).render_as_string(hide_password=False)
    finally:
        archive.dispose()
    # The raw bodies stay in a PostgreSQL archive (the snapshot holds the public tables
    # only): the view reads them from there for "download the page as fetched".
    environ = dict(os.environ)
    environ.pop(RAW_DB_ENV, None)
    if raw_url:
        environ[RAW_DB_ENV] = raw_url
    metadata = datasette_metadata(db_path)
    text = json.dumps(metadata, indent=2, ensure_ascii=False)
    if metadata_out:
        metadata_out.write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="councilwatch-serve-") as tmp:
        meta_file = Path(tmp) / "metadata.json"
        meta_file.write_text(text, encoding="utf-8")
        # A snapshot never changes: immutable. A live archive file is opened by Datasette
        # with mode=ro, so it stays read-only while crawls keep writing to it.
        # Datasette with councilwatch's pages and read-only guard (councilwatch/web/).
        command = [
            sys.executable, "-m", "councilwatch.web", "serve",
            *(["-i"] if immutable else []), str(db_path.resolve()),
            "--metadata", str(meta_file),
            "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "3500",
            "--setting", "max_returned_rows", "2000",
            "--setting", "default_page_size", "50",
            "--setting", "truncate_cells_html", "300",
            "--template-dir", str(web_templates),
        ]  # fmt: skip
        err.print(
            f"serving {db_path} read-only at http://{host}:{port}/ (Ctrl-C to stop)",
            markup=False,
        )
        process = subprocess.Popen(command, env=environ)
        stopping = []

        def stop(*_) -> None:
            stopping.append(True)
            process.terminate()

        # A service manager stops us with SIGTERM, a person with Ctrl-C: stop Datasette with
        # us, and exit 0, since being asked to stop is not a failure.
        signal.signal(signal.SIGTERM, stop)
        try:
            code = process.wait()
        except KeyboardInterrupt:
            stop()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if stopping:
            code = 0
    if code:
        raise UserError(f"datasette stopped with exit code {code} (is port {port} free?)")
