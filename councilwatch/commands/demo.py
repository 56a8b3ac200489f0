"""`councilwatch demo`: the whole job on pages shipped with the package, with no network.

What a newcomer runs first. It serves a ModernGov council and a local news site (built
from real captures, in `councilwatch/demo_site/`) on 127.0.0.1, crawls them into a fresh
SQLite archive through the same path as `councilwatch crawl` (a `scrapy crawl` process
per source, inside the source's lock), applies a realistic edit (a decision called in, a
figure revised, an item added, a meeting cancelled, and template-only changes that must
stay silent), crawls again, then shows the detected changes and the email and webhook
alerts that would be sent. Nothing is sent anywhere. The archive and its config stay in
the demo folder for `changes`, `history`, `search` and `serve`.
"""

from __future__ import annotations

import base64
import shutil
import time
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import typer

from councilwatch.app import UserError, app, err, out, plural, state

SITE = Path(__file__).resolve().parent.parent / "demo_site"
MARK = "# councilwatch demo: written by `councilwatch demo`"
SECRET_ENV = "COUNCILWATCH_DEMO_WEBHOOK_SECRET"
# Only for showing what a signed request looks like; a real one comes from the environment.
DEMO_SECRET = "whsec_" + base64.b64encode(b"councilwatch-demo-secret-not-real").decode()
SOURCES = ("kingston", "oxford-mail")
# Documents whose pages changed only in their template in the edit: they must stay silent.
TEMPLATE_ONLY = {
    "kingston:meeting:10161": "council meeting page: new cookie banner, analytics tag, footer",
    "oxford-mail:article:https://www.oxfordmail.co.uk/news/14876412.high-court-challenge-over-childrens-centre-cuts/": (
        "news story: comment count, most-read list and weather widget"
    ),
}


@app.command()
def demo(
    ctx: typer.Context,
    folder: Path = typer.Option(
        Path("councilwatch-demo"),
        "--dir",
        help="Folder for the demo's config, archive and logs (made fresh each time).",
    ),
) -> None:
    """Run the whole job on a council and a news site shipped with councilwatch.

    No network and no configuration needed: serves the pages on 127.0.0.1, crawls them,
    applies a council's edit, crawls again, and shows the changes found and the alerts
    that would be sent. Leaves councilwatch.db in the demo folder to explore.

    Example: councilwatch demo && cd councilwatch-demo && councilwatch changes
    """
    from councilwatch.replay import ReplayServer
    from storage.db import open_archive

    verbose = state(ctx).verbose
    folder = _prepare(folder)
    started = time.monotonic()
    with ReplayServer() as council, ReplayServer() as news:
        council.load(SITE / "council")
        news.load(SITE / "news")
        config_path = write_demo_config(folder, council.url, news.url)
        from core.config import load_config

        config = load_config(config_path, required=True)
        archive = open_archive(config.database.url)
        try:
            from storage.types import utcnow

            err.print(f"demo council at {council.url}, demo news site at {news.url}", markup=False)
            first = _crawl_round(config, archive, "first crawl", verbose)
            council.load(SITE / "council_edit")
            news.load(SITE / "news_edit")
            err.print(
                "the council and the newsroom edit their pages: a decision called in, "
                "figures revised, an item added, a meeting cancelled, template-only changes",
                markup=False,
            )
            edited_at = utcnow() - timedelta(seconds=1)
            second = _crawl_round(config, archive, "second crawl", verbose)
            _show_crawls(first, second)
            found = _show_changes(archive, edited_at)
            _show_silence(archive, edited_at)
            _show_alerts(config, archive, edited_at)
            _retire_outbox(archive)
        finally:
            archive.dispose()
    _show_next_steps(folder, found, time.monotonic() - started)
    if not all(r.ok for r in first + second):
        raise typer.Exit(1)


# -- the demo folder and its config -------------------------------------------------------


def _prepare(folder: Path) -> Path:
    folder = folder.expanduser().resolve()
    config = folder / "councilwatch.toml"
    if config.exists() and not config.read_text(encoding="utf-8").startswith(MARK):
        raise UserError(
            f"{folder} already has a councilwatch.toml that the demo did not write; "
            "choose another folder with --dir"
        )
    folder.mkdir(parents=True, exist_ok=True)
    # A fresh archive every time, so the changes shown are the ones this run found.
    for name in ("councilwatch.db", "councilwatch.db-wal", "councilwatch.db-shm"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "logs", ignore_errors=True)
    return folder


def write_demo_config(folder: Path, council_url: str, news_url: str) -> Path:
    """The demo's councilwatch.toml in `folder`, watching its two sites at these URLs."""
    # `councilwatch/demo.toml` is the config as written, its {fields} filled in here.
    template = files("councilwatch").joinpath("demo.toml").read_text(encoding="utf-8")
    body = template.format(
        db=(folder / "councilwatch.db").as_posix(),
        council_url=council_url,
        news_url=news_url,
        secret_env=SECRET_ENV,
    )
    path = folder / "councilwatch.toml"
    path.write_text(f"{MARK}\n{body}", encoding="utf-8")
    return path


# -- crawling -------------------------------------------------------------------------------


def _progress():
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _crawl_round(config, archive, label: str, verbose: bool):
    """Both sources side by side: each is its own crawl process, as under `councilwatch run`."""
    with _progress() as progress:
        return _crawl_each(config, archive, progress, label, verbose)


def _crawl_each(config, archive, progress, label: str, verbose: bool):
    from monitor.passes import crawl_pass

    tasks = {name: progress.add_task(f"{label}: {name}", total=1) for name in SOURCES}

    def done(result) -> None:
        mark = "ok" if result.ok else result.status.upper()
        progress.update(
            tasks[result.source],
            completed=1,
            description=f"{label}: {result.source} {mark} - {result.documents} documents, "
            f"{plural(result.new_versions, 'new version')}, {plural(result.changes, 'change')}",
        )

    # Nothing is delivered and no maintainer is told: the demo sends nothing.
    results = crawl_pass(
        config, archive, SOURCES, verbose=verbose, workers=len(SOURCES), on_result=done
    )
    return sorted(results, key=lambda r: SOURCES.index(r.source))


def _show_crawls(first, second) -> None:
    for result in first + second:
        if not result.ok or result.problems:
            out.print(f"{result.source}: {result.status}", markup=False)
            for problem in result.problems[:5]:
                out.print(f"  problem: {problem}", markup=False)
            if result.log_file:
                out.print(f"  log: {result.log_file}", markup=False)


# -- what was found -------------------------------------------------------------------------


def _show_changes(archive, since) -> int:
    from storage.queries import list_changes

    with archive.session() as session:
        changes = list(reversed(list_changes(session, since=since)))
        out.print()
        out.rule("Changes detected by the second crawl")
        if not changes:
            out.print("none: something is wrong with this installation", markup=False)
            return 0
        by_doc: dict[str, list] = {}
        for change in changes:
            by_doc.setdefault(change.document.key, []).append(change)
        for key, doc_changes in by_doc.items():
            doc = doc_changes[0].document
            from rich.text import Text

            out.print(Text.assemble((key, "bold"), f"  {doc.title or ''}"))
            for c in doc_changes:
                alert = "" if c.alert else "  (wording only: no alert)"
                out.print(f"    {c.kind:<11} {c.summary}{alert}", markup=False)
        return len(changes)


def _show_silence(archive, since) -> None:
    from sqlalchemy import func, select

    from storage.models import Change, Document, Version

    out.print()
    out.rule("Template-only edits (must stay silent)")
    with archive.session() as session:
        for key, what in TEMPLATE_ONLY.items():
            doc = session.scalar(select(Document).where(Document.key == key))
            if doc is None:
                out.print(f"  {key}: not in the archive (was it crawled?)", markup=False)
                continue
            changes = session.scalar(
                select(func.count()).where(
                    Change.document_id == doc.id, Change.detected_at >= since
                )
            )
            versions = session.scalar(select(func.count()).where(Version.document_id == doc.id))
            verdict = (
                "no change reported"
                if not changes
                else f"{plural(changes, 'change')} reported (wrong!)"
            )
            out.print(f"  {what}: {verdict}, {plural(versions, 'version')} stored", markup=False)


def _show_alerts(config, archive, since) -> None:
    """This run's changes as each subscription would get them: the same matching, grouping
    and rendering as real delivery (alerts.preview), with nothing queued or sent."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from alerts.channels import CHANNELS
    from alerts.preview import preview_alerts
    from storage.models import Change, Document
    from storage.types import utcnow

    out.print()
    out.rule("Alerts that would be sent (the demo sends nothing)")
    with archive.session() as session:
        changes = session.scalars(
            select(Change)
            .where(Change.detected_at >= since)
            .options(selectinload(Change.document).selectinload(Document.source))
            .order_by(Change.detected_at, Change.id)
        ).all()
        previews = preview_alerts(session, config, list(changes))
        if not previews:
            out.print("no subscription matched these changes", markup=False)
            return
        per_document: dict[tuple[str, str], list] = {}
        for preview in previews:
            channel = CHANNELS[preview.channel]
            if channel.per_document:
                per_document.setdefault((preview.subscription, channel.name), []).append(
                    preview.rendered
                )
                continue
            sub = config.subscription(preview.subscription)
            tgt = channel.target(sub.name, sub)
            text = channel.show(tgt, preview.rendered, uid="cw_preview", now=utcnow(),
                                secret=DEMO_SECRET)  # fmt: skip
            if text is None:
                out.print(f"{sub.name} ({preview.channel}): would be sent too", markup=False)
            else:
                _block(f"{channel.name} to {sub.name} ({tgt.address})", text)
        for (name, kind), payloads in per_document.items():
            sub = config.subscription(name)
            channel = CHANNELS[kind]
            for n, payload in enumerate(payloads, 1):
                uid = payload["id"] = f"cw_demo_{name}_{n}"
                if n > 1:
                    # One message per document; the others have the same shape, so one
                    # line each is enough to read.
                    summaries = "; ".join(c["summary"] for c in payload["changes"])
                    out.print(f"{kind} {n} of {len(payloads)} to {name}: "
                              f"{payload['document']['key']}: {summaries}", markup=False)  # fmt: skip
                    continue
                text = channel.show(channel.target(name, sub), payload, uid=uid, now=utcnow(),
                                    secret=DEMO_SECRET)  # fmt: skip
                _block(f"{kind} 1 of {len(payloads)} to {name} (signed, as the receiver sees it)",
                       text)  # fmt: skip


def _retire_outbox(archive) -> None:
    """Nothing the demo's crawls queued may be delivered later: the addresses are made up
    (example.org), and a later `alerts send` or `crawl` in this folder would try them."""
    from sqlalchemy import update

    from storage.models import AlertItem

    with archive.session() as session:
        session.execute(
            update(AlertItem).where(AlertItem.status == "pending").values(status="previewed")
        )


def _block(title: str, text: str) -> None:
    out.rule(title, align="left", style="dim")
    out.print(text, markup=False)


def _show_next_steps(folder: Path, changes: int, seconds: float) -> None:
    out.print()
    out.rule("Explore the archive")
    out.print(
        f"Done in {seconds:.0f}s: {changes} changes detected. The archive and its config are in "
        f"{folder}",
        markup=False,
    )
    steps = [
        f"cd {folder}",
        "councilwatch changes",
        "councilwatch history kingston:decision:13567",
        "councilwatch search '\"called in\"'   # a phrase: quoted twice for the shell",
        "councilwatch serve        # the archive in Datasette at http://127.0.0.1:8001/",
    ]
    for step in steps:
        out.print(f"  {step}", markup=False)
    out.print(
        "Then watch real councils: `councilwatch init` writes a starter config, edit it, "
        "and run `councilwatch crawl`.",
        markup=False,
    )
