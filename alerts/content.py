"""What an alert says, independent of how it travels: changes grouped by document, and
source-health events, plus the word-level highlighting of before/after sentences.

Email, webhook, Apprise and feed renderers all start from these plain objects, and so
can `councilwatch demo`, which shows the alerts that would be sent without sending them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from core.config import Config
from storage.models import Change
from storage.queries import plain_number, word_opcodes


@dataclass
class ChangeView:
    kind: str
    summary: str
    before: str | None = None
    after: str | None = None
    old_value: float | None = None
    new_value: float | None = None
    detected_at: datetime | None = None
    change_id: int | None = None


# Every field of a ChangeView but its id is the Change column of the same name.
_CHANGE_COLUMNS = tuple(f.name for f in fields(ChangeView) if f.name != "change_id")


@dataclass
class DocumentAlert:
    """The changes one document went through, as one subscriber will hear about them."""

    source: str
    key: str
    kind: str
    url: str
    title: str | None
    changes: list[ChangeView] = field(default_factory=list)
    version_id: int | None = None
    archived_version_url: str | None = None

    @property
    def detected_at(self) -> datetime | None:
        times = [c.detected_at for c in self.changes if c.detected_at]
        return max(times) if times else None

    @property
    def label(self) -> str:
        return self.title or self.key


@dataclass
class HealthEvent:
    """A source (or a subscriber's delivery channel) that started failing or recovered."""

    source: str | None
    state: str  # failing | recovered
    reason: str | None
    detected_at: datetime | None = None
    about: str | None = None  # set for delivery problems: "alerts to campaign by webhook"
    url: str | None = None  # set for one URL of a source that keeps failing

    @property
    def label(self) -> str:
        if self.url:
            return f"{self.url} (source {self.source})"
        return self.about or f"source {self.source}"


def archived_version_url(config: Config, key: str, version_id: int | None) -> str | None:
    """Link to the version's document page in `councilwatch serve`:
    <archive_url>/document?key=KEY&version_id=ID#version-ID, which shows that version's
    text, what changed and the words changed since the version before."""
    if not config.alerts.archive_url or version_id is None:
        return None
    query = urlencode({"key": key, "version_id": version_id})
    return f"{config.alerts.archive_url.rstrip('/')}/document?{query}#version-{version_id}"


def group_changes(config: Config, changes: list[Change]) -> list[DocumentAlert]:
    """Changes gathered per document, documents in the order their first change was seen."""
    by_doc: dict[int, DocumentAlert] = {}
    for change in sorted(changes, key=lambda c: (c.detected_at, c.id)):
        doc = change.document
        alert = by_doc.get(doc.id)
        if alert is None:
            alert = by_doc[doc.id] = DocumentAlert(
                source=doc.source.name, key=doc.key, kind=doc.kind, url=doc.url, title=doc.title
            )
        alert.version_id = change.new_version_id
        alert.archived_version_url = archived_version_url(config, doc.key, change.new_version_id)
        alert.changes.append(
            ChangeView(
                **{name: getattr(change, name) for name in _CHANGE_COLUMNS}, change_id=change.id
            )
        )
    return list(by_doc.values())


def message_content(
    session: Session, config: Config, message
) -> tuple[list[DocumentAlert], list[HealthEvent]]:
    """The documents and health events one outbox message carries."""
    changes = [item.change for item in message.items if item.change is not None]
    health = [
        HealthEvent(
            source=item.event.get("source"),
            state=item.event["state"],
            reason=item.event.get("reason"),
            detected_at=item.created_at,
            about=item.event.get("about"),
            url=item.event.get("url"),
        )
        for item in message.items
        if item.event
    ]
    return group_changes(config, changes), health


_TOKEN = re.compile(r"\s+|\w+(?:[.,]\d+)*|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """The after-sentence as (op, text) runs: "same", "removed" or "added" words.

    Word level, not character level, so "£12m" -> "£14m" reads as one figure replaced;
    the words are matched as in `history --diff` (storage.queries.word_opcodes), and the
    spacing between them is kept, since this is the sentence the reader sees.
    """
    old, new = _tokens(before or ""), _tokens(after or "")
    runs: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in word_opcodes(old, new):
        if op == "equal":
            runs.append(("same", "".join(new[b1:b2])))
            continue
        if a2 > a1:
            runs.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            runs.append(("added", "".join(new[b1:b2])))
    return [r for r in runs if r[1]]


def format_value(value: float | None) -> str:
    if value is None:
        return "-"
    number = plain_number(value)
    return f"{number:,}" if isinstance(number, int) else f"{number:,.2f}".rstrip("0").rstrip(".")


def _figure_in(sentence: str | None, value: float | None):
    """The figure in `sentence` whose value is `value` (what the detector compared)."""
    if not sentence or value is None:
        return None
    from monitor.figures import extract_figures

    for figure in extract_figures(sentence):
        if float(figure.value) == float(value):
            return figure
    return None


def value_change(change: ChangeView) -> str:
    """`£1,800 -> £2,100`, `30% -> 35%`, `44 -> 31 children's centres`: the old and new
    values as the documents wrote them, units included; a count says what it counts."""
    old = _figure_in(change.before, change.old_value)
    new = _figure_in(change.after, change.new_value)
    old_text = old.text if old is not None else format_value(change.old_value)
    new_text = new.text if new is not None else format_value(change.new_value)
    line = f"{old_text} -> {new_text}"
    counted = next((f for f in (new, old) if f is not None and f.kind == "count"), None)
    if counted is not None and counted.subject:
        line += f" {counted.subject}"
    return line


def one_line(text: str, limit: int = 150) -> str:
    """Scraped text made safe for a header or title: one line (a newline in a header is
    an injection), and short enough that mail clients show the start of it."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def subject_line(docs: list[DocumentAlert], health: list[HealthEvent]) -> str:
    if health and not docs:
        if len(health) == 1:
            h = health[0]
            state = "failing" if h.state == "failing" else "back"
            return one_line(f"councilwatch: {h.label} is {state}")
        return f"councilwatch: {len(health)} source health changes"
    count = sum(len(d.changes) for d in docs)
    if len(docs) == 1:
        doc = docs[0]
        first = doc.changes[0].summary if count == 1 else f"{count} changes"
        return one_line(f"councilwatch: {doc.label} ({doc.source}) - {first}")
    return f"councilwatch: {count} changes in {len(docs)} documents"


SAMPLE_CHANGE = ChangeView(
    kind="figure",
    summary="budget: £12m -> £14m (test message)",
    before="The cabinet agreed a budget of £12m for children's centres.",
    after="The cabinet agreed a budget of £14m for children's centres.",
    old_value=12_000_000,
    new_value=14_000_000,
)


def sample_alert(detected_at: datetime) -> DocumentAlert:
    """A made-up alert for `councilwatch alerts test`, clearly labelled as a test."""
    change = ChangeView(**{**SAMPLE_CHANGE.__dict__, "detected_at": detected_at})
    return DocumentAlert(
        source="councilwatch-test",
        key="councilwatch-test:decision:0",
        kind="decision",
        url="https://example.org/councilwatch-test",
        title="Test alert from councilwatch (nothing has changed)",
        changes=[change],
    )
