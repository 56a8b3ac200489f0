"""A ModernGov decision page and a news article that turn into error pages are held back like
watched pages; a meeting cancelled with its agenda withdrawn is a real change, alerted at once.

Four crawls of the replayed Kingston council (tests/fixtures/moderngov_site) and a local paper, on
SQLite and PostgreSQL: 1. as published; 2. the council's edits (tests/fixtures/moderngov_site_v2:
meeting 10337 cancelled and its agenda withdrawn) and the article now a not-found page;
3. decision 13567 answers ASP.NET's "Runtime Error" page (suspect_sites/council_error);
4. the same again.
"""

from __future__ import annotations

import pytest

from councilwatch.replay import ReplayServer
from tests.helpers import FIXTURES
from tests.helpers.moderngov_testsite import council_server
from tests.helpers.suspect_crawls import SITES, crawl

WIDE_WINDOW = "lookback_days = 36500\nlookahead_days = 36500\n"
ARTICLE_PATH = "news/24100001.childrens-centres-to-close/"
DECISION = "kingston:decision:13567"


def article(base: str) -> str:
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in [
            "Oxfordshire County Council will close 31 of its 44 children's centres, saving £2.3m a year.",
            "The cabinet approved the plan on Tuesday despite a petition signed by 9,000 residents.",
            "Campaigners said families in rural areas would have to travel 20 miles to the nearest centre.",
            "The council said the remaining 13 centres would become family hubs open five days a week.",
            "A judicial review of the decision is due to be heard at the High Court in the spring.",
        ]
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>Children's centres to close | Oxford Mail</title>"
        f"<link rel='canonical' href='{base}{ARTICLE_PATH}'>"
        "<meta property='og:type' content='article'></head><body>"
        "<article><h1>Children's centres to close</h1>"
        f"<div class='article-body'>{paragraphs}</div></article></body></html>"
    )


NOT_FOUND_ARTICLE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'>"
    "<title>Sorry, we couldn't find that page | Oxford Mail</title></head><body>"
    "<header><nav><a href='/news/'>News</a></nav></header>"
    "<main><h1>Sorry, we couldn’t find that page</h1>"
    "<p>The page you were looking for may have been moved or deleted.</p>"
    "<p><a href='/'>Go to the homepage</a></p></main></body></html>"
)


def feed(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>'
        f"<item><title>t</title><link>{base}{ARTICLE_PATH}</link></item></channel></rss>"
    )


@pytest.fixture(scope="module")
def crawls(module_db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("suspect-council")
    with council_server() as council, ReplayServer() as paper:
        paper.add("/news/rss/", feed(paper.url), content_type="application/rss+xml")
        paper.add("/" + ARTICLE_PATH, article(paper.url))
        (folder / "councilwatch.toml").write_text(
            "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
            f'[[sources]]\nname = "kingston"\ntype = "moderngov"\nbase_url = "{council.url}"\n'
            + WIDE_WINDOW
            + f'\n[[sources]]\nname = "paper"\ntype = "news"\nfeeds = ["{paper.url}news/rss/"]\n'
            "recheck_days = 0\n\n"
            '[[subscriptions]]\nname = "campaign"\nemail = "campaign@example.org"\n\n'
            '[maintainers]\nemail = "ops@example.org"\n',
            encoding="utf-8",
        )
        shots = [crawl(folder, module_db_url, "--no-alerts")]
        council.load(FIXTURES / "moderngov_site_v2")
        paper.add("/" + ARTICLE_PATH, NOT_FOUND_ARTICLE)
        shots.append(crawl(folder, module_db_url, "--no-alerts"))
        council.load(SITES / "council_error")
        shots += [crawl(folder, module_db_url, "--no-alerts") for _ in range(2)]
        yield {"council": council.url, "paper": paper.url, "shots": shots}


def article_key(shot) -> str:
    [key] = [k for k in shot.versions if k.startswith("paper:article:")]
    return key


def test_a_meeting_cancelled_with_its_agenda_withdrawn_is_alerted_at_once(crawls):
    summaries = [s for s, alert in crawls["shots"][1].changes["kingston:meeting:10337"] if alert]
    assert any("Cancelled" in s for s in summaries), summaries
    assert any(s.startswith("item removed: ") for s in summaries), summaries
    assert "kingston:meeting:10337" not in crawls["shots"][1].suspects
    assert "held back" not in crawls["shots"][1].stdout.split("paper:")[0]


def test_a_decision_page_that_turns_into_an_error_page_keeps_its_last_good_version(crawls):
    before, during = crawls["shots"][1], crawls["shots"][2]
    assert during.versions[DECISION] == before.versions[DECISION]
    assert during.changes.get(DECISION) == before.changes.get(DECISION)
    assert (
        f"problem: {crawls['council']}ieDecisionDetails.aspx?ID=13567: {DECISION}: held back as "
        "suspect: the page reads as an error or not-found page ('Runtime Error')"
    ) in during.stdout
    assert "layout changed?" not in during.stdout


def test_a_decision_page_still_an_error_page_on_the_next_crawl_is_one_no_longer_available_change(
    crawls,
):
    before, after = crawls["shots"][2], crawls["shots"][3]
    new = after.changes[DECISION][len(before.changes.get(DECISION, [])) :]
    assert new == [
        (
            "no longer available: the page now reads 'Runtime Error' (confirmed on a second crawl)",
            True,
        )
    ]
    assert after.versions[DECISION] == before.versions[DECISION]


def test_an_article_that_turns_into_a_not_found_page_is_held_back(crawls):
    first, second = crawls["shots"][0], crawls["shots"][1]
    key = article_key(first)
    assert second.versions[key] == 1
    assert key not in second.changes
    assert f"{key}: held back as suspect: the page reads as an error or not-found page" in (
        second.stdout
    )


def test_an_article_still_not_found_is_confirmed_as_no_longer_available(crawls):
    third = crawls["shots"][2]
    [(summary, alert)] = third.changes[article_key(third)]
    assert summary.startswith("no longer available: the page now reads")
    assert alert
