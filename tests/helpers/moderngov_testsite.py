"""Where the ModernGov test pages live (imported by the tests; a unique module name, because
every test folder has its own conftest)."""

from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "moderngov"
SITE = ALL_FIXTURES / "moderngov_site"
SITE_HTML_ONLY = ALL_FIXTURES / "moderngov_site_html_only"
SITE_V2 = ALL_FIXTURES / "moderngov_site_v2"
SITE_BROKEN = ALL_FIXTURES / "moderngov_site_broken"

# The replayed pages are dated 2015-2026; windows this wide include all of them whatever
# today's date is, without a test-only config key.
WIDE_WINDOW = "lookback_days = 36500\nlookahead_days = 36500\n"
SITE_CALENDAR_ONLY = ALL_FIXTURES / "moderngov_site_calendar_only"
