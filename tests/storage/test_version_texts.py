"""A version's text is computed from its fields, the same in SQL as in Python, and indexed once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update

from storage.db import open_archive
from storage.fulltext import text_projection
from storage.models import Document, Source, Version
from storage.search import search

NOW = datetime(2026, 1, 5, tzinfo=UTC)

# Strings as spiders produce them (no NUL, no lone surrogates, which neither database keeps),
# with the shapes the projection treats apart: empty, links, repeats of the title.
STRINGS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    st.sampled_from(
        ["", "http://example.org/a", "https://x.gov.uk", "Title", "HTTP://upper", "£14m"]
    ),
)
KEYS = st.one_of(st.sampled_from(["url", "id", "text", "title", "items", "URL", "ids"]), STRINGS)
LEAVES = st.one_of(
    STRINGS,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)
FIELDS = st.dictionaries(KEYS, VALUES, max_size=6)
TITLES = st.one_of(st.none(), st.just(""), st.just("Title"), STRINGS)


@pytest.fixture
def archive(db_url):
    archive = open_archive(db_url)
    with archive.session() as session:
        source = Source(name="council", type="moderngov")
        session.add(Document(key="council:page:1", source=source, kind="page", url="u", first_seen=NOW, last_seen=NOW))  # fmt: skip
        session.commit()
    yield archive
    archive.dispose()


def add_version(session, title, fields) -> int:
    doc = session.scalar(select(Document))
    version = Version(document=doc, seen_at=NOW, last_seen=NOW, content_hash="h", title=title,
                      fields=fields, parser_version="1")  # fmt: skip
    session.add(version)
    session.flush()
    return version.id


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TITLES, fields=FIELDS)
def test_the_sql_view_of_a_version_text_is_exactly_the_python_text(archive, title, fields):
    with archive.session() as session:
        vid = add_version(session, title, fields)
        session.commit()
    with archive.session() as session:
        from_sql = session.scalar(
            text("SELECT text FROM version_texts WHERE id = :id"), {"id": vid}
        )
        stored = session.get(Version, vid)
        assert from_sql == text_projection(title, fields) == stored.text
        session.execute(delete(Version).where(Version.id == vid))
        session.commit()


def test_a_stored_version_is_found_by_its_words_and_no_longer_once_deleted(archive):
    fields = {"decision": "Approve the closure of Playbus.", "url": "https://council.example/d/1",
              "items": [{"title": "Budget", "id": "7", "text": "Savings of £8 million"}]}  # fmt: skip
    with archive.session() as session:
        vid = add_version(session, "Playbus", fields)
        session.commit()
    with archive.session() as session:
        hits = search(session, "closure")
        assert [h.version_id for h in hits] == [vid]
        assert "\ue000closure\ue001" in hits[0].snippet
        assert [h.version_id for h in search(session, "savin*")] == [vid]
        session.execute(delete(Version).where(Version.id == vid))
        session.commit()
    with archive.session() as session:
        for word in ("closure", "playbus", "savings", "budget", "savin*"):
            assert list(search(session, word)) == []


def test_rewriting_a_version_fields_in_sql_reindexes_its_words(archive):
    with archive.session() as session:
        vid = add_version(session, "Playbus", {"decision": "Approve the closure."})
        session.commit()
    with archive.session() as session:
        session.execute(update(Version).where(Version.id == vid).values(fields={"decision": "Reprieve granted."}))  # fmt: skip
        session.commit()
    with archive.session() as session:
        assert list(search(session, "closure")) == []
        assert [h.version_id for h in search(session, "reprieve")] == [vid]
        assert [h.version_id for h in search(session, "repri*")] == [vid]
