"""Page furniture is not substance on watched pages: social counters, "Do you like this
page?" boxes and "most read" lists stay out of the text, found by their markup and wording;
a petition's signature count stays a figure.

The campaign page is written after the markup of NationBuilder's petition pages (the
platform many UK campaign groups run on): a petition with its signature count, a like box
and the site's social furniture."""

from __future__ import annotations

from monitor.compare import compare_bodies
from spiders.web.page import page_text

URL = "https://www.savecentres.org.uk/petition"


def campaign(likes: int = 30, signatures: str = "1,234", box: str | None = None) -> str:
    box = (
        box
        or f"""<div class="like-page">
      <h4 class="like-page-header">Do you like this page?</h4>
      <div class="like-button"><a href="/pages/likes/new?page_id=12" class="btn">Like</a></div>
      <div class="likes-count"><a href="/petition/likes">{likes} people</a> like this.</div>
    </div>"""
    )
    return f"""<!DOCTYPE html><html><head><title>Save our children's centres</title></head>
<body><div id="header"><a href="/">Save Oxfordshire's Children's Centres</a></div>
<div id="content"><div class="petition-page">
  <h2>Keep all 44 children's centres open</h2>
  <div class="content"><p>We call on Oxfordshire County Council to keep all 44 children's
  centres open and to drop the plan to close 31 of them. The county's own figures show that
  the centres saw 18,000 families last year, and that the £8m saving would cost more in
  social care within five years.</p></div>
  <div class="petition-signatures"><span class="signature-count">{signatures}</span>
  signatures</div>
  <p>Our goal: 2,000 signatures by the Cabinet meeting on 15 September.</p>
</div>
{box}
<div class="post-meta"><span>1.2k views</span> · <span>{likes} likes</span> · <span>12 shares</span></div>
<div class="sidebar-box"><h3>Most read</h3><ol>
  <li><a href="/news/1">Council confirms consultation dates</a></li>
  <li><a href="/news/2">Parents march on County Hall</a></li></ol></div>
<div><span class="followers">4,100</span> followers</div>
</div></body></html>"""


def text(page: str) -> str:
    return page_text(page)[1]


def test_a_like_box_found_by_its_markup_is_not_in_the_text():
    assert "like this" not in text(campaign()) and "Do you like" not in text(campaign())


def test_a_like_box_without_telling_classes_is_found_by_its_wording():
    box = """<div><h4>Do you like this page?</h4><p><a href="/likes/new">Like</a></p>
    <p><span>30</span> people like this.</p></div>"""
    assert "like" not in text(campaign(box=box)).lower().replace("likes", "")


def test_social_counters_are_not_in_the_text():
    found = text(campaign())
    assert ("views" in found, "shares" in found, "followers" in found) == (False, False, False)


def test_a_most_read_list_is_not_in_the_text():
    found = text(campaign())
    assert ("Most read" in found, "Parents march on County Hall" in found) == (False, False)


def test_the_petition_and_its_signature_count_stay_in_the_text():
    assert "1,234\nsignatures" in text(campaign()) or "1,234 signatures" in text(campaign())


def test_a_like_count_going_up_is_no_change_at_all():
    result = compare_bodies(URL, campaign(likes=30).encode(), campaign(likes=31).encode())
    assert (result["alert"], result["changes"]) == (False, [])


def test_new_signatures_on_a_petition_are_a_figure_change():
    result = compare_bodies(URL, campaign().encode(), campaign(signatures="1,480").encode())
    assert [(c["kind"], c["old_value"], c["new_value"]) for c in result["changes"]] == [
        ("figure", 1234, 1480)
    ]


def test_counts_in_a_table_of_consultation_results_stay():
    page = campaign().replace(
        '<div class="post-meta">',
        "<table><tr><th>Response</th><th>Count</th></tr>"
        '<tr><td>Online survey</td><td>1,234 comments</td></tr></table><div class="post-meta">',
    )
    assert "1,234 comments" in text(page)


def test_a_sentence_about_views_is_substance():
    page = campaign().replace(
        "<p>Our goal:", "<p>Parents gave 350 views at the drop-in sessions.</p><p>Our goal:"
    )
    assert "Parents gave 350 views at the drop-in sessions." in text(page)
