"""Where the ModernGov test pages live: captures in tests/fixtures/moderngov, and the
replayed test council, which is the demo's council with the overlays below."""

from councilwatch.replay import ReplayServer
from tests.helpers import DEMO_SITE
from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "moderngov"
COUNCIL = DEMO_SITE / "council"
# Loaded on top of COUNCIL: the pages the tests need fuller than the demo does.
SITE = ALL_FIXTURES / "moderngov_site"
SITE_HTML_ONLY = ALL_FIXTURES / "moderngov_site_html_only"
SITE_V2 = ALL_FIXTURES / "moderngov_site_v2"
SITE_BROKEN = ALL_FIXTURES / "moderngov_site_broken"

# The replayed pages are dated 2015-2026; windows this wide include all of them whatever
# today's date is, without a test-only config key.
WIDE_WINDOW = "lookback_days = 36500\nlookahead_days = 36500\n"
SITE_CALENDAR_ONLY = ALL_FIXTURES / "moderngov_site_calendar_only"
# Issue pages, a cut-short item and a news story revising a figure each (v2).
SITE_FIGURES = ALL_FIXTURES / "moderngov_site_figures"
SITE_FIGURES_V2 = ALL_FIXTURES / "moderngov_site_figures_v2"


def council_server() -> ReplayServer:
    """The replayed test council, not yet started: the demo's council, SITE loaded on top."""
    server = ReplayServer(COUNCIL)
    server.load(SITE)
    return server
