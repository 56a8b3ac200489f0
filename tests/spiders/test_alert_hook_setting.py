"""The alert hook a crawl's pipeline calls is named in the settings, and a wrong name fails
when the crawl starts, not at the first change."""

import pytest
from scrapy.utils.test import get_crawler

from monitor.pipeline import ArchivePipeline


def test_an_alert_hook_whose_module_does_not_exist_fails_when_the_crawl_starts():
    crawler = get_crawler(
        settings_dict={"TWISTED_REACTOR_ENABLED": False, "COUNCILWATCH_ON_CHANGES": "nowhere.hook"}
    )
    with pytest.raises(ValueError, match="nowhere"):
        ArchivePipeline(crawler)
