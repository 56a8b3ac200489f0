"""Helpers the tests share, imported as `tests.helpers.<module>` (pytest's `pythonpath`
puts the checkout on sys.path); test modules never import one another.

The demo site shipped in the package (`councilwatch/demo_site/`) is the test site: tests read
its files, and `tests/fixtures/` holds only what the demo does not have. No two fixture files
are the same bytes (tests/test_fixture_corpus.py)."""

from pathlib import Path

import councilwatch

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
DEMO_SITE = Path(councilwatch.__file__).resolve().parent / "demo_site"
