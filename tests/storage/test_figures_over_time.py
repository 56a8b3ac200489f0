"""Figures are stored per version, so a subject's figures can be followed across documents."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import Document, Figure, Version
from storage.search import figures_over_time
from tests.helpers.archive_data import DECISION, JUDICIAL_REVIEW, REDUNDANCIES, WHEN


def test_each_version_keeps_the_figures_found_in_its_text(journalist_archive):
    with journalist_archive.archive.session() as session:
        rows = session.execute(
            select(Version.id, Figure.kind, Figure.value, Figure.denominator, Figure.subject)
            .join(Figure, Figure.version_id == Version.id)
            .join(Document, Document.id == Version.document_id)
            .where(Document.key == DECISION, Figure.kind == "count")
            .order_by(Version.id)
        ).all()
    assert [(r.value, r.denominator, r.subject) for r in rows] == [
        (31, 44, "children's centres"),
        (29, 44, "children's centres"),
        (29, 44, "children's centres"),
    ]


def test_figures_about_a_subject_read_as_a_timeline_across_documents(journalist_archive):
    with journalist_archive.archive.session() as session:
        timeline = figures_over_time(session, "children's centres", kind="count")
    firsts = [f.first_seen for f in timeline]
    assert firsts == sorted(firsts)
    decision = [(f.value, f.version_number, f.still_current) for f in timeline if f.key == DECISION]
    # 29 of 44 is listed once, where it first appeared, although version 3 repeats it.
    assert decision == [(31, 1, False), (29, 2, True)]
    assert {f.key for f in timeline} >= {DECISION, JUDICIAL_REVIEW, REDUNDANCIES}
    review = next(f for f in timeline if f.key == JUDICIAL_REVIEW and f.value == 31)
    assert review.first_seen == WHEN["judicial-review"]
    assert review.denominator == 44


def test_a_subject_typed_with_a_curly_apostrophe_or_in_capitals_finds_the_same(
    journalist_archive,
):
    with journalist_archive.archive.session() as session:
        plain = figures_over_time(session, "children's centres")
        curly = figures_over_time(session, "CHILDREN\u2019S CENTRES")
    assert plain and [(f.key, f.value) for f in plain] == [(f.key, f.value) for f in curly]


def test_figures_over_time_on_the_command_line(journalist_sqlite_url, cli):
    result = cli(
        "figures-over-time", "children's centres", "--kind", "count", "--since", "2016",
        "--json", db=journalist_sqlite_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert [(f["document"]["key"], f["value"], f["denominator"]) for f in figures][:2] == [
        (DECISION, 31, 44),
        (DECISION, 29, 44),
    ]
    assert all(f["first_seen"] >= "2016-01-01" for f in figures)
    text = cli("figures-over-time", "children's centres", db=journalist_sqlite_url).stdout
    assert "23 Feb 2016 17:00  31 of 44" in text
