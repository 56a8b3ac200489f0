"""Watched pages that go bad (a "Page not found" served with 200, a half-served page) are held
back as suspect until a second crawl confirms them; subscribers hear nothing meanwhile, the
maintainers hear once.

Five crawls of a replayed council (tests/fixtures/suspect_sites), on SQLite and PostgreSQL:
1. the good pages; 2. the consultation page is a not-found page and the budget page half
served; 3. the same again (confirmed); 4. the same again; 5. the good pages are back.
"""

from __future__ import annotations

import pytest

from councilwatch.replay import ReplayServer
from tests.helpers.suspect_crawls import SITES, crawl

CONSULTATION = "consultations/childrens-centres"
BUDGET = "budget/2026-27"


@pytest.fixture(scope="module")
def crawls(module_db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("suspect")
    with ReplayServer(SITES / "pages") as replay:
        u = replay.url
        (folder / "councilwatch.toml").write_text(
            "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
            '[[sources]]\nname = "council-pages"\ntype = "page"\n'
            f'urls = ["{u}{CONSULTATION}", "{u}{BUDGET}", "{u}contact"]\n\n'
            '[[subscriptions]]\nname = "campaign"\nemail = "campaign@example.org"\n\n'
            '[maintainers]\nemail = "ops@example.org"\n',
            encoding="utf-8",
        )
        shots = [crawl(folder, module_db_url, "--no-alerts")]
        replay.load(SITES / "pages_gone")
        shots += [crawl(folder, module_db_url, "--no-alerts") for _ in range(3)]
        replay.load(SITES / "pages")
        shots.append(crawl(folder, module_db_url, "--no-alerts"))
        yield {"url": u, "shots": shots}


def key(crawls, path: str) -> str:
    return f"council-pages:page:{crawls['url']}{path}"


def shot(crawls, number: int):
    """The archive after crawl `number` (1-based, as in the module docstring)."""
    return crawls["shots"][number - 1]


def test_a_page_that_turns_into_a_not_found_page_keeps_its_last_good_version(crawls):
    consultation = key(crawls, CONSULTATION)
    for number in (2, 3, 4):
        assert shot(crawls, number).versions[consultation] == 1
        assert "£2.3m" in shot(crawls, number).latest_text[consultation]


def test_a_not_found_page_is_a_problem_naming_its_url(crawls):
    assert (
        f"problem: {crawls['url']}{CONSULTATION}: {key(crawls, CONSULTATION)}: held back as "
        "suspect: the page reads as an error or not-found page ('Page not found')"
    ) in shot(crawls, 2).stdout


def test_suspect_pages_reach_no_subscriber(crawls):
    assert shot(crawls, 2).subscriber_items == 0
    assert key(crawls, CONSULTATION) not in shot(crawls, 2).changes
    assert key(crawls, BUDGET) not in shot(crawls, 2).changes


def test_a_not_found_page_seen_again_is_one_change_saying_it_is_no_longer_available(crawls):
    [(summary, alert)] = shot(crawls, 3).changes[key(crawls, CONSULTATION)]
    assert summary == (
        "no longer available: the page now reads 'Page not found' (confirmed on a second crawl)"
    )
    assert alert


def test_a_page_still_not_found_adds_no_further_change(crawls):
    assert len(shot(crawls, 4).changes[key(crawls, CONSULTATION)]) == 1
    assert "still unavailable since" in shot(crawls, 4).stdout


def test_a_page_back_after_being_unavailable_is_one_change_saying_so(crawls):
    summaries = [s for s, _ in shot(crawls, 5).changes[key(crawls, CONSULTATION)]]
    assert summaries[1:] == ["available again: the page reads normally again"]
    assert key(crawls, CONSULTATION) not in shot(crawls, 5).suspects


def test_a_half_served_page_is_held_back_on_the_first_crawl_that_sees_it(crawls):
    budget = key(crawls, BUDGET)
    assert shot(crawls, 2).versions[budget] == 1
    assert shot(crawls, 2).suspects[budget] == ("shrunk", 1, False)
    assert (
        "held back as suspect: it lost 79% of its words at once (116 -> 24)"
        in shot(crawls, 2).stdout
    )


def test_a_half_served_page_seen_again_is_stored_saying_it_was_confirmed(crawls):
    budget = key(crawls, BUDGET)
    assert shot(crawls, 3).versions[budget] == 2
    changes = shot(crawls, 3).changes[budget]
    assert changes[0][0].startswith("confirmed on a second crawl: it lost 79% of its words")
    assert changes[0][1]
    assert all(summary.startswith("confirmed on a second crawl: ") for summary, _ in changes)
    assert budget not in shot(crawls, 3).suspects


def test_confirmed_changes_reach_the_subscriber(crawls):
    assert shot(crawls, 3).subscriber_items > 0


def test_the_maintainers_hear_of_each_failing_url_once_after_two_crawls(crawls):
    assert shot(crawls, 2).maintainer_events == []
    failing = [(url, state) for url, state, _ in shot(crawls, 3).maintainer_events]
    assert sorted(failing) == sorted(
        [(crawls["url"] + CONSULTATION, "failing"), (crawls["url"] + BUDGET, "failing")]
    )
    after_four = [(u, s) for u, s, _ in shot(crawls, 4).maintainer_events]
    assert after_four.count((crawls["url"] + CONSULTATION, "failing")) == 1


def test_the_maintainers_hear_when_a_failing_url_works_again(crawls):
    budget_url, consultation_url = crawls["url"] + BUDGET, crawls["url"] + CONSULTATION
    after_four = [(u, s) for u, s, _ in shot(crawls, 4).maintainer_events]
    assert (budget_url, "recovered") in after_four
    assert (consultation_url, "recovered") not in after_four
    after_five = [(u, s) for u, s, _ in shot(crawls, 5).maintainer_events]
    assert after_five.count((consultation_url, "recovered")) == 1


def test_a_page_that_stayed_good_is_never_suspect(crawls):
    contact = key(crawls, "contact")
    assert all(shot(crawls, n).versions[contact] == 1 for n in range(1, 6))
    assert all(contact not in shot(crawls, n).suspects for n in range(1, 6))
