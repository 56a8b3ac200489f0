"""`councilwatch compare` on two saved versions of a real ModernGov meeting page."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES as ALL_FIXTURES
from tests.helpers.labelled_pairs import KINGSTON_HEADING, KINGSTON_URL, NOISE

FIXTURES = ALL_FIXTURES / "moderngov"
MEETING = (FIXTURES / "kingston_ieListDocuments_MId10221.html").read_text(encoding="utf-8")


def save(tmp_path: Path, name: str, html: str) -> str:
    (tmp_path / name).write_text(html, encoding="utf-8")
    return name


def test_a_cancelled_meeting_is_an_alerting_status_change(cli, tmp_path):
    old = save(tmp_path, "old.html", MEETING)
    new = save(
        tmp_path,
        "new.html",
        MEETING.replace(
            KINGSTON_HEADING, KINGSTON_HEADING.replace(" pm</a>", " pm, CANCELLED</a>")
        ),
    )
    result = cli("compare", old, new, "--url", KINGSTON_URL, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["url"] == KINGSTON_URL and document["alert"] is True
    [change] = document["changes"]
    assert {k: change[k] for k in ("kind", "summary", "before", "after")} == {
        "kind": "status", "summary": "status: Confirmed -> Cancelled", "before": "Confirmed", "after": "Cancelled",
    }  # fmt: skip
    assert change["document"]["key"] == "compare:meeting:10221"


def test_a_template_only_change_reports_no_change_at_all(cli, tmp_path):
    noisy = MEETING
    for noise in (
        "script",
        "navigation",
        "cookie banner",
        "whitespace and line wrapping",
        "entity encoding",
    ):
        noisy = NOISE[noise](noisy)
    result = cli(
        "compare",
        save(tmp_path, "a.html", MEETING),
        save(tmp_path, "b.html", noisy),
        "--url",
        KINGSTON_URL,
        "--json",
    )
    document = json.loads(result.stdout)
    assert (document["alert"], document["changes"]) == (False, [])


def test_readable_output_marks_what_would_alert(cli, tmp_path):
    new = MEETING.replace(
        "offering two cohorts of six children", "offering three cohorts of six children"
    )
    result = cli(
        "compare",
        save(tmp_path, "a.html", MEETING),
        save(tmp_path, "b.html", new),
        "--url",
        KINGSTON_URL,
    )
    assert (
        "Community Grants Programme (agenda_item)\n  ALERT figure       cohorts: 2 -> 3"
        in result.stdout
    )
    assert result.stdout.rstrip().endswith("would alert")


def test_a_url_that_is_not_an_address_is_a_one_line_error(cli, tmp_path):
    page = save(tmp_path, "a.html", MEETING)
    result = cli("compare", page, page, "--url", "moderngov.kingston.gov.uk")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "councilwatch: --url: 'moderngov.kingston.gov.uk' is not an http(s) address"
    )
