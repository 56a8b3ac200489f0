"""`councilwatch compare` on saved ModernGov pages judges what is on the pages it is given:
an agenda item whose minutes the meeting page cuts short is still on that page."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.moderngov_testsite import COUNCIL, FIXTURES

MEETING_URL = "https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&MId=10221&Ver=4"
MEETING = (FIXTURES / "kingston_ieListDocuments_MId10221.html").read_text(encoding="utf-8")
ITEM_59 = "compare:agenda_item:51902"


def save(tmp_path: Path, name: str, html: str) -> str:
    (tmp_path / name).write_text(html, encoding="utf-8")
    return name


def compare(cli, tmp_path, old: str, new: str, url: str = MEETING_URL, *options: str):
    result = cli("compare", save(tmp_path, "old.html", old), save(tmp_path, "new.html", new),
                 "--url", url, *options)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def test_a_figure_revised_in_an_item_cut_short_on_the_meeting_page_is_reported(cli, tmp_path):
    new = MEETING.replace("2024, with 60 signatures", "2024, with 62 signatures")
    document = json.loads(compare(cli, tmp_path, MEETING, new, MEETING_URL, "--json").stdout)
    assert [
        (c["document"]["key"], c["kind"], c["old_value"], c["new_value"])
        for c in document["changes"]
    ] == [(ITEM_59, "figure", 60, 62)]


def test_a_revised_cut_short_item_is_never_called_a_template_change(cli, tmp_path):
    new = MEETING.replace("2024, with 60 signatures", "2024, with 62 signatures")
    result = compare(cli, tmp_path, MEETING, new)
    assert "template" not in result.stdout and result.stdout.rstrip().endswith("would alert")


def test_a_figure_revised_in_the_text_of_a_cut_short_item_is_reported(cli, tmp_path):
    def text(residents: int) -> str:
        return MEETING.replace(
            "To address a petition received", f"To address a petition from {residents} residents"
        )

    document = json.loads(compare(cli, tmp_path, text(60), text(75), MEETING_URL, "--json").stdout)
    assert [
        (c["document"]["key"], c["old_value"], c["new_value"]) for c in document["changes"]
    ] == [(ITEM_59, 60, 75)]


def test_two_saved_mgai_pages_compare_their_full_minutes(cli, tmp_path):
    page = (COUNCIL / "mgAi_51902.html").read_text(encoding="utf-8")
    new = page.replace("petition, with 60 signatories", "petition, with 64 signatories")
    document = json.loads(
        compare(
            cli,
            tmp_path,
            page,
            new,
            "https://moderngov.kingston.gov.uk/mgAi.aspx?ID=51902",
            "--json",
        ).stdout  # fmt: skip
    )
    assert [(c["kind"], c["old_value"], c["new_value"]) for c in document["changes"]] == [
        ("figure", 60, 64)
    ]


def test_a_page_the_parser_cannot_read_is_never_called_a_template_change(cli, tmp_path):
    broken = MEETING.replace('class="mgSubTitleTxt"', 'class="pageTitle"')
    result = compare(cli, tmp_path, MEETING, broken)
    assert (
        "template" not in result.stdout
        and "new: meeting page without a '<committee> - <date>' heading" in result.stdout
    )


def test_the_same_meeting_page_twice_is_a_template_only_comparison(cli, tmp_path):
    result = compare(
        cli, tmp_path, MEETING, MEETING.replace("</body>", "<script>x=1</script></body>")
    )
    assert result.stdout.strip() == "no changes (template, layout or whitespace only)"
