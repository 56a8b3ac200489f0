"""Helpers for alert tests: a config with subscriptions, and changes stored the way a crawl stores them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sqlalchemy import select

from alerts.content import ChangeView
from alerts.outbox import enqueue_alerts
from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from storage.models import Change, Document

SECRET = "whsec_" + base64.b64encode(b"councilwatch-test-secret-0123456789").decode()
T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def decision_page(
    ident: int, title: str, status: str, decision: str, committee="Cabinet"
) -> PageItem:
    key = f"oxon:decision:{ident}"
    fields = {
        "title": title,
        "decision_maker": committee,
        "status": status,
        "decision_date": "2026-11-18",
        "published": "2026-11-19",
        "key_decision": True,
        "call_in": None,
        "purpose": None,
        "decision": decision,
        "meeting": None,
        "issue": None,
        "documents": [],
    }
    url = f"https://council.example.gov.uk/ieDecisionDetails.aspx?ID={ident}"
    return PageItem(
        source="oxon",
        url=url,
        body=f"<html>{title} {status} {decision}</html>".encode(),
        content_type="text/html",
        documents=[DocumentItem(key=key, kind="decision", url=url, title=title, fields=fields)],
    )


def change_decision(
    archive,
    config: Config,
    ident: int,
    edits: list[ChangeView],
    *,
    title="Children's centres: future funding",
    committee="Cabinet",
    now=T0,
) -> list[int]:
    """Store two versions of a decision through the real importer, record `edits` as the
    changes between them, and queue their alerts exactly as the importer does. Returns change ids.

    The importer runs with no subscriptions, so only the changes written here alert,
    whatever the change detector of the day makes of the edit.
    """
    quiet = Config(sources=config.sources, topics=config.topics)
    first = decision_page(
        ident, title, "Recommendations Approved", "Agreed to fund 44 centres.", committee
    )
    second = decision_page(ident, title, "Called In", "Agreed to fund 31 centres.", committee)
    with archive.session() as session:
        import_pages(session, quiet, "oxon", "moderngov", [first], crawl_run_id=None, now=now)
    with archive.session() as session:
        import_pages(session, quiet, "oxon", "moderngov", [second], crawl_run_id=None, now=now)
        doc = session.scalar(select(Document).where(Document.key == f"oxon:decision:{ident}"))
        versions = doc.versions
        rows = [
            Change(
                document=doc,
                old_version_id=versions[-2].id,
                new_version_id=versions[-1].id,
                kind=e.kind,
                summary=e.summary,
                before=e.before,
                after=e.after,
                old_value=e.old_value,
                new_value=e.new_value,
                alert=True,
                detected_at=now,
            )
            for e in edits
        ]
        session.add_all(rows)
        session.flush()
        enqueue_alerts(session, config, rows, now=now)
        return [r.id for r in rows]


FIGURE = ChangeView(
    kind="figure",
    summary="children's centres: 44 -> 31",
    before="The council will keep <b>44</b> children's centres open.",
    after="The council will keep <b>31</b> children's centres open.",
    old_value=44,
    new_value=31,
)
STATUS = ChangeView(
    kind="status",
    summary="status: Recommendations Approved -> Called In",
    before="Recommendations Approved",
    after="Called In",
)


def make_config(*subscriptions: dict, smtp_port: int = 25, tmp_path=None, **extra) -> Config:
    """A config with one ModernGov source `oxon`, a children's services topic and `subscriptions`."""
    data = {
        "sources": [
            {"name": "oxon", "type": "moderngov", "base_url": "http://127.0.0.1:9/"},
            {"name": "other", "type": "page", "urls": ["http://127.0.0.1:9/page"]},
        ],
        "topics": {"childrens-services": {"keywords": ["children\u2019s centre", "early help"]}},
        "subscriptions": list(subscriptions),
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "sender": "councilwatch <alerts@cw.example>",
        },
        "alerts": {"archive_url": "https://archive.example.org/councilwatch"},
        **extra,
    }
    config = Config.model_validate(data)
    if tmp_path is not None:
        config = config.model_copy(update={"path": tmp_path / "councilwatch.toml"})
    return config


def failing_then_back(what: str) -> list[str]:
    """The subjects of the maintainers' two emails about `what`: failing, then back."""
    return [f"councilwatch: {what} is failing", f"councilwatch: {what} is back"]
