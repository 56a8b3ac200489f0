"""Reading the archive: `changes`, `history` and `export`."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum

import typer

from councilwatch.app import UserError, app, err, iso, out, parse_when, state, uk_time
from councilwatch.config import CHANGE_KINDS
from spiders.items import KINDS


def change_json(change) -> dict:
    from storage.queries import document_ref

    return {
        "document": document_ref(change.document),
        "kind": change.kind,
        "summary": change.summary,
        "before": change.before,
        "after": change.after,
        "old_value": change.old_value,
        "new_value": change.new_value,
        "alert": change.alert,
        "detected_at": iso(change.detected_at),
    }


@app.command()
def changes(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="Only changes detected since (e.g. 2026-11-01, '7 days ago')."),
    source: str = typer.Option(None, "--source", help="Only this source."),
    kind: str = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(CHANGE_KINDS)}."),
    limit: int = typer.Option(200, "--limit", help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
) -> None:
    """Detected changes, newest first.

    Example: councilwatch changes --since '7 days ago' --kind figure
    """
    from storage.queries import list_changes

    if kind and kind not in CHANGE_KINDS:
        raise UserError(f"--kind: {kind!r} is not one of {', '.join(CHANGE_KINDS)}")
    when = parse_when(since, "--since") if since else None
    st = state(ctx)
    archive = st.archive()
    with archive.session() as session:
        rows = list_changes(session, since=when, source=source, kind=kind, limit=limit)
        if as_json:
            print(json.dumps({"changes": [change_json(c) for c in rows]}, ensure_ascii=False))
            return
        if not rows:
            err.print("no changes detected yet")
            return
        for c in rows:
            out.print(f"{uk_time(c.detected_at)}  {c.kind:<12} {c.document.key}", markup=False)
            out.print(f"    {c.summary}", markup=False)


@app.command()
def history(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="A document key (oxfordshire:decision:1234) or its URL."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
) -> None:
    """Every stored version of one document, and what changed between them.

    Example: councilwatch history oxfordshire:decision:1234
    """
    from storage.queries import document_ref, find_document, versions_with_changes

    archive = state(ctx).archive()
    with archive.session() as session:
        doc = find_document(session, document)
        if doc is None:
            raise UserError(f"no document with key or URL {document!r} in the archive")
        rows = versions_with_changes(session, doc)
        if as_json:
            print(
                json.dumps(
                    {
                        "document": document_ref(doc),
                        "versions": [
                            {
                                "id": v.id,
                                "seen_at": iso(v.seen_at),
                                "last_seen": iso(v.last_seen),
                                "content_hash": v.content_hash,
                                "reparse": v.reparse,
                                "title": v.title,
                                "fields": v.fields,
                                "changes": [change_json(c) for c in cs],
                            }
                            for v, cs in rows
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
                f"  version {n} (id {v.id}): first seen {uk_time(v.seen_at)}, "
                f"last seen {uk_time(v.last_seen)}{note}",
                markup=False,
            )
            for c in cs:
                out.print(f"      {c.kind}: {c.summary}", markup=False)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def export(
    ctx: typer.Context,
    kind: str = typer.Option(None, "--kind", help=f"Only this kind: {', '.join(KINDS)}."),
    source: str = typer.Option(None, "--source", help="Only this source."),
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", help="jsonl or csv."),
) -> None:
    """The archive's documents, latest version of each, on stdout.

    Example: councilwatch export --kind decision --format csv > decisions.csv
    """
    from storage.queries import export_documents

    if kind and kind not in KINDS:
        raise UserError(f"--kind: {kind!r} is not one of {', '.join(KINDS)}")
    archive = state(ctx).archive()
    with archive.session() as session:
        rows = export_documents(session, kind=kind, source=source)
        if fmt is ExportFormat.jsonl:
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        columns = ["key", "source", "kind", "url", "title", "fields", "versions", "first_seen", "last_seen"]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "fields": json.dumps(row["fields"], ensure_ascii=False)})
