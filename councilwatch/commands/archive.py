"""Reading the archive: `changes`, `history` and `export`."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum

import typer

from core.config import CHANGE_KINDS
from core.uktime import iso, uk_time_short
from councilwatch.app import UserError, app, check_choice, err, out, state
from councilwatch.commands.options import Json, Source, date_options, reading
from spiders.items import KINDS


def change_json(change, config=None) -> dict:
    """A change as `changes --json` and `history --json` print it; with `[alerts]
    archive_url` set, `archived_version_url` links to its version in `councilwatch serve`."""
    from alerts.content import archived_version_url
    from monitor.changes import change_json as fields
    from storage.queries import document_ref

    row = {
        "document": document_ref(change.document),
        **fields(change),
        "alert": change.alert,
        "detected_at": iso(change.detected_at),
    }
    link = config and archived_version_url(config, change.document.key, change.new_version_id)
    if link:
        row["archived_version_url"] = link
    return row


Since, Until = date_options(
    "Only changes detected", "2026-11-01, 1/11/2026, 2016-03, today, '7 days ago'"
)


@app.command()
def changes(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    source: Source = None,
    kind: str = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(CHANGE_KINDS)}."),
    limit: int = typer.Option(200, "--limit", help="At most this many."),
    as_json: Json = False,
) -> None:
    """Detected changes, newest first.

    Example: councilwatch changes --since '7 days ago' --kind figure
    """
    from councilwatch.dates import date_range
    from storage.queries import list_changes

    check_choice(kind, CHANGE_KINDS, "--kind")
    lo, hi = date_range(since, until)
    with reading(ctx, source) as session:
        rows = list_changes(session, since=lo, until=hi, source=source, kind=kind, limit=limit)
        if as_json:
            print(
                json.dumps(
                    {"changes": [change_json(c, state(ctx).config()) for c in rows]},
                    ensure_ascii=False,
                )
            )
            return
        if not rows:
            filtered = since or until or source or kind
            err.print("no changes match" if filtered else "no changes detected yet")
            return
        for c in rows:
            doc = c.document
            out.print(
                f"{uk_time_short(c.detected_at)}  {c.kind:<12} {doc.title or doc.key}", markup=False
            )
            if doc.title:
                out.print(f"    {doc.key}", markup=False, style="dim")
            out.print(f"    {c.summary}", markup=False)


@app.command()
def history(
    ctx: typer.Context,
    document: str = typer.Argument(
        ..., help="A document key (oxfordshire:decision:1234) or its URL."
    ),
    diff: tuple[int, int] = typer.Option(
        (0, 0),
        "--diff",
        metavar="OLD NEW",
        help="Word-level diff of two versions by number, as listed (e.g. --diff 1 3).",
    ),
    context: int = typer.Option(
        8, "--context", min=0, help="Unchanged words shown around each change in a diff."
    ),
    whole: bool = typer.Option(False, "--whole", help="Show the whole text in a diff."),
    as_json: Json = False,
) -> None:
    """Every stored version of one document, and what changed between them.

    Example: councilwatch history oxfordshire:decision:1234 --diff 1 2
    """
    from storage.queries import document_ref, find_document, versions_with_changes

    archive = state(ctx).existing_archive()
    with archive.reading() as session:
        doc = find_document(session, document)
        if doc is None:
            raise UserError(f"no document with key or URL {document!r} in the archive")
        rows = versions_with_changes(session, doc)
        if diff != (0, 0):
            show_diff(session, doc, [v for v, _ in rows], diff, None if whole else context, as_json)
            return
        if as_json:
            print(
                json.dumps(
                    {
                        "document": document_ref(doc),
                        "versions": [
                            {
                                "id": v.id,
                                "number": n,
                                "seen_at": iso(v.seen_at),
                                "last_seen": iso(v.last_seen),
                                "content_hash": v.content_hash,
                                "reparse": v.reparse,
                                "title": v.title,
                                "fields": v.fields,
                                "changes": [change_json(c, state(ctx).config()) for c in cs],
                            }
                            for n, (v, cs) in enumerate(rows, 1)
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        out.print(f"{doc.key}  {doc.title or ''}\n{doc.url}", markup=False)
        for n, (v, cs) in enumerate(rows, 1):
            note = " (re-parse)" if v.reparse else ""
            out.print(
                f"  version {n} (id {v.id}): first seen {uk_time_short(v.seen_at)}, "
                f"last seen {uk_time_short(v.last_seen)}{note}",
                markup=False,
            )
            for c in cs:
                out.print(f"      {labelled(c.kind, c.summary)}", markup=False)
        if len(rows) > 1:
            err.print(f"(word-level diff: councilwatch history {doc.key} --diff 1 {len(rows)})")


def labelled(kind: str, summary: str) -> str:
    """`status: called in`, without doubling a label the summary already starts with."""
    if summary.casefold().startswith((kind.casefold() + ":", kind.replace("_", " ").casefold())):
        return summary
    return f"{kind.replace('_', ' ')}: {summary}"


def show_diff(
    session, doc, versions, numbers: tuple[int, int], context: int | None, as_json: bool
) -> None:
    """Print the word-level diff between two versions of `doc`, numbered from 1."""
    from storage.queries import document_ref, with_titles, word_diff

    for n in numbers:
        if not 1 <= n <= len(versions):
            have = "1" if len(versions) == 1 else f"1 to {len(versions)}"
            raise UserError(f"--diff: {doc.key} has no version {n} (it has {have})")
    old, new = (versions[n - 1] for n in numbers)
    result = word_diff(
        with_titles(session, old.text, KINDS), with_titles(session, new.text, KINDS), context
    )
    if as_json:
        print(
            json.dumps(
                {
                    "document": document_ref(doc),
                    "old": {"number": numbers[0], "id": old.id, "seen_at": iso(old.seen_at)},
                    "new": {"number": numbers[1], "id": new.id, "seen_at": iso(new.seen_at)},
                    "changed": result.changed,
                    "ops": result.ops,
                    "hunks": result.hunks,
                },
                ensure_ascii=False,
            )
        )
        return
    out.print(f"{doc.key}  {doc.title or ''}", markup=False)
    out.print(f"--- version {numbers[0]} (first seen {uk_time_short(old.seen_at)})", markup=False)
    out.print(f"+++ version {numbers[1]} (first seen {uk_time_short(new.seen_at)})", markup=False)
    if not result.changed:
        out.print("no difference in the words of these two versions", markup=False)
        return
    for hunk in result.hunks:
        out.print("")
        out.print(hunk, markup=False)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class ExportWhat(StrEnum):
    documents = "documents"
    versions = "versions"
    changes = "changes"
    figures = "figures"


@app.command()
def export(
    ctx: typer.Context,
    what: ExportWhat = typer.Option(
        ExportWhat.documents,
        "--what",
        help="documents (latest version each), versions (every version), changes or figures.",
    ),
    kind: str = typer.Option(
        None, "--kind", help=f"Only documents of this kind: {', '.join(KINDS)}."
    ),
    source: Source = None,
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", help="jsonl or csv."),
) -> None:
    """The archive on stdout: documents (default), every version, changes or figures.

    Example: councilwatch export --kind decision --format csv > decisions.csv
             councilwatch export --what figures --format csv > figures.csv
    """
    from storage import queries

    check_choice(kind, KINDS, "--kind")
    producer = {
        ExportWhat.documents: queries.export_documents,
        ExportWhat.versions: queries.export_versions,
        ExportWhat.changes: queries.export_changes,
        ExportWhat.figures: queries.export_figures,
    }[what]
    with reading(ctx, source) as session:
        rows = producer(session, kind=kind, source=source)
        if fmt is ExportFormat.jsonl:
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        writer = csv.DictWriter(sys.stdout, fieldnames=queries.EXPORT_COLUMNS[what.value])
        writer.writeheader()
        for row in rows:
            if "fields" in row:
                row = {**row, "fields": json.dumps(row["fields"], ensure_ascii=False)}
            writer.writerow(row)
