"""A subscription's topics match changes with the spiders' matcher: whole words, plurals,
acronyms in capitals keep their case."""

from sqlalchemy import select

from alerts.content import ChangeView
from core.config import Config
from storage.models import AlertItem
from tests.helpers.alert_helpers import change_decision


def _config(keywords: list[str]) -> Config:
    return Config.model_validate(
        {
            "sources": [{"name": "oxon", "type": "moderngov", "base_url": "http://127.0.0.1:9/"}],
            "topics": {"watch": {"keywords": keywords}},
            "subscriptions": [{"name": "campaign", "feed": "c.xml", "topics": ["watch"]}],
        }
    )


def _queued_for(archive, keywords: list[str], title: str, ident: int) -> bool:
    config = _config(keywords)
    edit = ChangeView(kind="status", summary="status: A -> B", before="A", after="B")
    [change_id] = change_decision(archive, config, ident, [edit], title=title)
    with archive.session() as session:
        return (
            session.scalar(select(AlertItem.id).where(AlertItem.change_id == change_id)) is not None
        )


def test_care_does_not_match_a_careers_fair(sqlite_archive):
    assert not _queued_for(sqlite_archive, ["care"], "Careers fair at County Hall", 1)


def test_care_matches_the_whole_word(sqlite_archive):
    assert _queued_for(sqlite_archive, ["care"], "Adult social care: new contract", 2)


def test_a_keyword_matches_its_plural(sqlite_archive):
    assert _queued_for(sqlite_archive, ["children's centre"], "Childrens centres to close", 4)
    assert _queued_for(sqlite_archive, ["bus pass"], "Bus passes for carers", 3)


def test_an_acronym_keeps_its_case(sqlite_archive):
    assert _queued_for(sqlite_archive, ["SEND"], "SEND transport review", 5)
    assert not _queued_for(sqlite_archive, ["SEND"], "Decision to send letters", 6)
