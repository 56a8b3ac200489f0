"""Where the ModernGov test pages live (imported by the tests; a unique module name, because
every test folder has its own conftest)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SITE = HERE / "site"
SITE_HTML_ONLY = HERE / "site_html_only"
SITE_V2 = HERE / "site_v2"
SITE_BROKEN = HERE / "site_broken"

# The replayed pages are dated 2015-2026; windows this wide include all of them whatever
# today's date is, without a test-only config key.
WIDE_WINDOW = "lookback_days = 36500\nlookahead_days = 36500\n"
SITE_CALENDAR_ONLY = HERE / "site_calendar_only"
SITE_FIGURES = HERE / "site_figures"
SITE_FIGURES_V2 = HERE / "site_figures_v2"
