"""`figures` and `compare`: change detection on files, without an archive."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import typer

from councilwatch.app import UserError, app, out, state
from councilwatch.commands.options import Json


def read_input(where: str, what: str) -> bytes:
    """A local file, `-` for stdin, or a URL the user named (fetched once, with httpx)."""
    if where == "-":
        return sys.stdin.buffer.read()
    if where.startswith(("http://", "https://")):
        import httpx

        try:
            response = httpx.get(where, follow_redirects=True, timeout=30)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise UserError(f"{what}: cannot fetch {where}: {exc}") from None
        return response.content
    path = Path(where)
    if not path.is_file():
        raise UserError(f"{what}: no such file: {where}")
    return path.read_bytes()


def document_text(body: bytes, name: str) -> str:
    """The words of a PDF, an HTML page (its main content) or a text file."""
    if body.startswith(b"%PDF"):
        import io

        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return "\n".join(
                page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages
            )
        except PdfReadError as exc:
            raise UserError(f"{name}: not a readable PDF: {exc}") from None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")  # older council pages
    head = text[:2000].lower()
    if (
        name.lower().endswith((".html", ".htm"))
        or "<html" in head
        or "<body" in head
        or "<!doctype" in head
    ):
        from spiders.web.page import page_text

        title, main = page_text(text)
        return "\n".join(filter(None, [title, main]))
    return text


def archived_text(ctx: typer.Context, where: str) -> str | None:
    """The text of the newest stored version of the document `where` names (a key, or the
    URL of an archived page), or None when `where` is a file or a page to fetch instead."""
    if where == "-" or Path(where).exists():
        return None
    is_url = where.startswith(("http://", "https://"))
    if not is_url and not re.match(r"[a-z0-9][a-z0-9_-]*:[a-z_]+:.", where):
        return None  # a file name, perhaps misspelt: read_input says there is no such file
    from storage.db import ArchiveNotReady
    from storage.queries import find_document

    try:
        archive = state(ctx).existing_archive()
    except ArchiveNotReady:
        if is_url:
            return None  # no archive here: fetch the page
        raise
    try:
        with archive.reading() as session:
            doc = find_document(session, where)
            if doc is None or doc.latest_version is None:
                if is_url:
                    return None
                raise UserError(
                    f"figures: {where!r} is not a file, nor a document key or URL in the archive"
                )
            return doc.latest_version.text
    finally:
        archive.dispose()


@app.command()
def figures(
    ctx: typer.Context,
    source: str = typer.Argument(
        ...,
        metavar="PATH-URL-or-KEY",
        help="HTML, text or PDF file (- reads stdin), a page's URL, or the key or URL of an "
        "archived document (its newest version).",
    ),
    as_json: Json = False,
) -> None:
    """Money, percentages and counts in one document, each with what it measures.

    Example: councilwatch figures report.pdf --json
             councilwatch figures kingston:decision:13567
    """
    from monitor.figures import extract_figures, figures_json

    text = archived_text(ctx, source)
    if text is None:
        text = document_text(read_input(source, "figures"), source)
    found = extract_figures(text)
    if as_json:
        print(json.dumps(figures_json(found), ensure_ascii=False))
        return
    if not found:
        out.print("no figures found", markup=False)
    for f in found:
        measure = f"{f.value:,}" + (f" of {f.denominator}" if f.denominator else "")
        out.print(f"{f.kind:<8} {f.text:<14} {measure:>14}  {f.subject or '-'}", markup=False)
        out.print(f"         {f.sentence}", markup=False)


@app.command()
def compare(
    old: str = typer.Argument(..., help="The earlier saved response (file, or - for stdin)."),
    new: str = typer.Argument(..., help="The later saved response."),
    url: str = typer.Option(
        ..., "--url", help="The page's address: it picks the parser, as in a crawl."
    ),
    as_json: Json = False,
) -> None:
    """What a crawl would detect between two saved versions of the page at URL.

    Example: councilwatch compare before.html after.html --url 'https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&MId=10221' --json
    """
    from monitor.compare import compare_bodies

    if not url.startswith(("http://", "https://")):
        raise UserError(f"--url: {url!r} is not an http(s) address")
    if old == "-" and new == "-":
        raise UserError("only one of OLD and NEW can be - (stdin)")
    result = compare_bodies(url, read_input(old, "OLD"), read_input(new, "NEW"))
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for problem in result["problems"]:
        out.print(f"problem: {problem}", markup=False)
    for key in result["documents"]["added"]:
        out.print(f"only in NEW: {key}", markup=False)
    for key in result["documents"]["removed"]:
        out.print(f"only in OLD: {key}", markup=False)
    if not result["changes"]:
        # "Template only" is a claim about the pages' substance: made only when every
        # document of both pages was read and matched, and none differs.
        if result["problems"]:
            out.print("no changes found, but the pages could not be read in full", markup=False)
        elif result["documents"]["added"] or result["documents"]["removed"]:
            out.print("no changes in the documents on both pages", markup=False)
        else:
            out.print("no changes (template, layout or whitespace only)", markup=False)
        return
    shown = None
    for change in result["changes"]:
        document = change["document"]
        if document["key"] != shown:  # a meeting page holds the meeting and its items
            out.print(f"{document['title'] or document['key']} ({document['kind']})", markup=False)
            shown = document["key"]
        mark = "ALERT" if change["alert"] else "     "
        out.print(f"  {mark} {change['kind']:<12} {change['summary']}", markup=False)
    out.print("would alert" if result["alert"] else "would not alert (wording only)", markup=False)
