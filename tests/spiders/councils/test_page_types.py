"""The council page-type registry: one table per platform, read by crawls and `compare`."""

from __future__ import annotations

import pytest

from spiders.councils import page_types
from spiders.parsers import registry


def test_every_registered_council_page_type_is_what_compare_parses_with():
    platforms = page_types.load_platforms()

    assert {"moderngov", "cmis"} <= set(platforms)
    compare_parsers = [parse for _, parse in registry()]
    for pages in platforms.values():
        for page in pages:
            assert page.parse in compare_parsers


def test_a_platform_registers_its_page_types_only_once():
    before = dict(page_types.load_platforms())

    with pytest.raises(ValueError, match="'moderngov' already registered"):
        page_types.register("moderngov", [])
    assert page_types.PAGE_TYPES == before
