"""`councilwatch compare` on two saved versions of a real ModernGov meeting page."""

from __future__ import annotations

import json

import pytest

from tests.helpers import FIXTURES
from tests.helpers.labelled_pairs import KINGSTON_HEADING, KINGSTON_URL, NOISE

MEETING = (FIXTURES / "moderngov" / "kingston_ieListDocuments_MId10221.html").read_text(
    encoding="utf-8"
)


@pytest.fixture
def compare(cli, tmp_path):
    """`councilwatch compare` of the meeting page with `new`, as saved from KINGSTON_URL."""

    def run(new: str, *options: str, url: str = KINGSTON_URL):
        (tmp_path / "old.html").write_text(MEETING, encoding="utf-8")
        (tmp_path / "new.html").write_text(new, encoding="utf-8")
        return cli("compare", "old.html", "new.html", "--url", url, *options)

    return run


def test_a_cancelled_meeting_is_an_alerting_status_change(compare):
    cancelled = KINGSTON_HEADING.replace(" pm</a>", " pm, CANCELLED</a>")
    result = compare(MEETING.replace(KINGSTON_HEADING, cancelled), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["url"] == KINGSTON_URL and document["alert"] is True
    [change] = document["changes"]
    assert {k: change[k] for k in ("kind", "summary", "before", "after")} == {
        "kind": "status", "summary": "status: Confirmed -> Cancelled", "before": "Confirmed", "after": "Cancelled",
    }  # fmt: skip
    assert change["document"]["key"] == "compare:meeting:10221"


def test_a_template_only_change_reports_no_change_at_all(compare):
    noisy = MEETING
    for noise in (
        "script",
        "navigation",
        "cookie banner",
        "whitespace and line wrapping",
        "entity encoding",
    ):
        noisy = NOISE[noise](noisy)
    document = json.loads(compare(noisy, "--json").stdout)
    assert (document["alert"], document["changes"]) == (False, [])


def test_readable_output_marks_what_would_alert(compare):
    result = compare(
        MEETING.replace(
            "offering two cohorts of six children", "offering three cohorts of six children"
        )
    )
    assert (
        "Community Grants Programme (agenda_item)\n  ALERT figure       cohorts: 2 -> 3"
        in result.stdout
    )
    assert result.stdout.rstrip().endswith("would alert")


def test_a_url_that_is_not_an_address_is_a_one_line_error(compare):
    result = compare(MEETING, url="moderngov.kingston.gov.uk")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "councilwatch: --url: 'moderngov.kingston.gov.uk' is not an http(s) address"
    )
