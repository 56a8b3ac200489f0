"""The importer's suspect rules on a real archive: losses the fields explain alert at once,
losing every figure is suspect, and only a later crawl run confirms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.config import Config
from monitor.importer import import_pages
from spiders.items import DocumentItem, PageItem
from storage.archive import source_row
from storage.models import Change, CrawlRun, SuspectPage, Version

T0 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
URL = "https://moderngov.kingston.gov.uk/mgAi.aspx?ID=51902"


def item_page(text: str, title: str = "Community grants programme") -> PageItem:
    fields = {"meeting": "kingston:meeting:10221", "number": "59", "title": title, "text": text,
              "decision": None, "minutes": None, "restricted": False, "documents": []}  # fmt: skip
    doc = DocumentItem(
        key="kingston:agenda_item:51902", kind="agenda_item", url=URL, title=title, fields=fields
    )
    body = f"<html><body><div id='modgov'><h2>{title}</h2><p>{text}</p></div></body></html>"
    return PageItem(
        source="kingston", url=URL, body=body.encode(), content_type="text/html", documents=[doc]
    )


REPORT = (
    "The committee is asked to approve grants totalling £48,500 to 12 community groups from the "
    "Neighbourhood Community Grants Programme. Riding for the Disabled would receive £2,100 "
    "towards a new mounting ramp. The programme budget for 2026/27 is £60,000, of which 80% "
    "has now been allocated. Groups were scored against the criteria agreed by the committee "
    "in March, and officers visited each applicant before making a recommendation."
)


def run_id(archive) -> int:
    with archive.session() as session:
        run = CrawlRun(source=source_row(session, "kingston", "moderngov"), started_at=T0)
        session.add(run)
        session.flush()
        return run.id


def store(archive, page: PageItem, run: int | None, when: datetime):
    with archive.session() as session:
        return import_pages(
            session, Config(), "kingston", "moderngov", [page], crawl_run_id=run, now=when
        )[0]


def count(archive, model) -> int:
    with archive.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_item_whose_text_is_replaced_by_a_withdrawal_notice_is_alerted_at_once(archive):
    store(archive, item_page(REPORT), run_id(archive), T0)
    outcome = store(
        archive, item_page("This item has been withdrawn."), run_id(archive), T0 + timedelta(1)
    )
    assert outcome.new_versions == 1
    assert not any("held back" in p for p in outcome.problems)
    assert any(c.alert for c in outcome.changes)


def test_an_item_that_loses_every_figure_at_once_is_held_back(archive):
    store(archive, item_page(REPORT), run_id(archive), T0)
    without_figures = "".join(ch for ch in REPORT if not ch.isdigit()).replace("£", "")
    outcome = store(archive, item_page(without_figures), run_id(archive), T0 + timedelta(1))
    assert outcome.new_versions == 0
    assert outcome.changes == []
    [problem] = outcome.problems
    assert "held back as suspect: it lost all 5 of its figures at once" in problem
    assert count(archive, Version) == 1


def test_the_same_suspect_page_twice_in_one_crawl_run_is_not_confirmed(archive):
    store(archive, item_page(REPORT), run_id(archive), T0)
    run = run_id(archive)
    short = "The committee is asked to approve grants."
    store(archive, item_page(short), run, T0 + timedelta(1))
    again = store(archive, item_page(short), run, T0 + timedelta(1, 60))
    assert again.new_versions == 0
    assert count(archive, Change) == 0
    confirmed = store(archive, item_page(short), run_id(archive), T0 + timedelta(2))
    assert confirmed.new_versions == 1
    assert confirmed.changes[0].summary.startswith(
        "confirmed on a second crawl: it lost 83% of its words at once (71 -> 12)"
    )
    assert count(archive, SuspectPage) == 0


def test_a_suspect_page_that_reads_well_again_is_forgotten_and_alerts_nothing(archive):
    store(archive, item_page(REPORT), run_id(archive), T0)
    store(archive, item_page("Grants."), run_id(archive), T0 + timedelta(1))
    assert count(archive, SuspectPage) == 1
    outcome = store(archive, item_page(REPORT), run_id(archive), T0 + timedelta(2))
    assert (outcome.new_versions, outcome.changes, outcome.problems) == (0, [], [])
    assert count(archive, SuspectPage) == 0
