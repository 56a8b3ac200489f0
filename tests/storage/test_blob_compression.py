"""Raw bodies compressed with a zstd dictionary per source, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from storage import blobs
from storage.blobs import SAMPLES, forget_dictionaries, put_blob, read_blob, zstd
from storage.db import Archive
from storage.models import Blob, BlobDictionary
from tests.helpers import FIXTURES
from tests.helpers.migrations import differences, downgrade, tables, upgrade

CAPTURES = FIXTURES / "moderngov"


@pytest.fixture(autouse=True)
def new_process():
    """Each test starts, as a crawl does, with no dictionary or sample in memory."""
    forget_dictionaries()
    yield
    forget_dictionaries()


def pages(count: int, capture: str = "kingston_ieListDocuments_MId10221.html", seed: int = 0):
    """Pages sharing a real capture's template, with a tenth of their words swapped."""
    rng = random.Random(seed)
    tokens = re.split(r"(\w+)", (CAPTURES / capture).read_text(encoding="utf-8"))
    words = [t for t in tokens[1::2] if len(t) > 3]
    result = []
    for _ in range(count):
        page = [
            rng.choice(words) if i % 2 and len(t) > 3 and rng.random() < 0.1 else t
            for i, t in enumerate(tokens)
        ]
        result.append("".join(page).encode("utf-8"))
    return result


def store(archive: Archive, bodies, source: str | None = "kingston") -> list[str]:
    """Each body in its own transaction, as the crawl stores one page at a time."""
    digests = []
    for body in bodies:
        with archive.session() as session:
            digests.append(put_blob(session, body, "text/html", source_name=source))
    return digests


def stored(archive: Archive, digests) -> dict[str, Blob]:
    with archive.reading() as session:
        return {b.sha256: b for b in session.scalars(select(Blob).where(Blob.sha256.in_(digests)))}


def dictionaries(archive: Archive) -> list[tuple[int, str]]:
    with archive.reading() as session:
        return list(session.execute(select(BlobDictionary.id, BlobDictionary.source_name)))


def assert_reads_back(archive: Archive, bodies, digests) -> None:
    with archive.reading() as session:
        assert [read_blob(session, d) for d in digests] == bodies


def test_bodies_stored_before_and_after_the_dictionary_read_back_byte_identical(archive):
    bodies = pages(SAMPLES + 12)
    digests = store(archive, bodies)
    small, anonymous = b"<html>moved</html>", pages(1, seed=99)[0]
    digests += store(archive, [small]) + store(archive, [anonymous], source=None)
    bodies += [small, anonymous]

    assert_reads_back(archive, bodies, digests)
    forget_dictionaries()
    assert_reads_back(archive, bodies, digests)
    blobs_ = stored(archive, digests)
    assert blobs_[digests[-2]].dictionary_id is None  # too small to share the template
    assert blobs_[digests[-1]].dictionary_id is None  # no source, no dictionary


def test_samples_and_later_pages_point_at_the_dictionary_and_are_far_smaller_than_plain_zstd(
    archive,
):
    bodies = pages(SAMPLES + 12)
    digests = store(archive, bodies)

    [(dictionary_id, source)] = dictionaries(archive)
    assert source == "kingston"
    blobs_ = stored(archive, digests)
    assert {b.dictionary_id for b in blobs_.values()} == {dictionary_id}
    with_dictionary = sum(len(b.data) for b in blobs_.values())
    alone = sum(len(zstd.compress(body, blobs.LEVEL)) for body in bodies)
    assert with_dictionary < alone / 2


def test_a_new_process_reads_everything_back_and_reuses_the_stored_dictionary(archive):
    first = pages(SAMPLES, seed=1)
    first_digests = store(archive, first)
    [(dictionary_id, _)] = dictionaries(archive)

    forget_dictionaries()
    later = pages(3, seed=2)  # far fewer than it takes to train
    later_digests = store(archive, later)

    assert dictionaries(archive) == [(dictionary_id, "kingston")]
    assert {b.dictionary_id for b in stored(archive, later_digests).values()} == {dictionary_id}
    forget_dictionaries()
    assert_reads_back(archive, first + later, first_digests + later_digests)


def test_a_rolled_back_page_that_trained_the_dictionary_leaves_none_and_the_next_page_trains_it(
    archive,
):
    bodies = pages(SAMPLES + 1)
    digests = store(archive, bodies[: SAMPLES - 1])
    with pytest.raises(RuntimeError), archive.session() as session:
        put_blob(session, bodies[SAMPLES - 1], "text/html", source_name="kingston")
        assert session.scalar(select(func.count()).select_from(BlobDictionary)) == 1
        raise RuntimeError("the page's import failed")

    assert dictionaries(archive) == []
    assert {b.dictionary_id for b in stored(archive, digests).values()} == {None}
    digests += store(archive, bodies[SAMPLES:])
    [(dictionary_id, _)] = dictionaries(archive)
    assert {b.dictionary_id for b in stored(archive, digests).values()} == {dictionary_id}
    assert_reads_back(archive, bodies[: SAMPLES - 1] + bodies[SAMPLES:], digests)


def test_a_session_that_rolls_back_and_carries_on_stores_every_body_and_the_dictionary_again(
    archive,
):
    bodies = pages(SAMPLES + 1)
    session = archive.sessions()
    for body in bodies[:SAMPLES]:
        put_blob(session, body, source_name="kingston")
    session.rollback()
    digests = [put_blob(session, body, source_name="kingston") for body in bodies]
    session.commit()
    session.close()

    [(dictionary_id, _)] = dictionaries(archive)
    assert {b.dictionary_id for b in stored(archive, digests).values()} == {dictionary_id}
    assert_reads_back(archive, bodies, digests)


def test_each_source_gets_its_own_dictionary(archive):
    kingston = store(archive, pages(SAMPLES))
    meetings = store(archive, pages(SAMPLES, "kingston_ieListMeetings_711.html"), "kingston-2")

    found = dict((name, id_) for id_, name in dictionaries(archive))
    assert found.keys() == {"kingston", "kingston-2"}
    assert {b.dictionary_id for b in stored(archive, kingston).values()} == {found["kingston"]}
    assert {b.dictionary_id for b in stored(archive, meetings).values()} == {found["kingston-2"]}


def test_two_crawls_training_the_same_source_end_with_one_dictionary_and_lose_no_page(
    archive, db_url
):
    mine, theirs = pages(SAMPLES, seed=3), pages(SAMPLES, seed=4)
    my_digests = store(archive, mine[:-1])
    # Another process (its own engine, so its own memory) trains and commits first.
    other = Archive(db_url)
    their_digests = store(other, theirs)
    other.dispose()
    my_digests += store(archive, mine[-1:])

    [(dictionary_id, _)] = dictionaries(archive)
    assert {b.dictionary_id for b in stored(archive, my_digests).values()} == {dictionary_id}
    assert_reads_back(archive, mine + theirs, my_digests + their_digests)


@pytest.fixture
def trained(archive) -> Archive:
    store(archive, pages(SAMPLES))
    return archive


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=5000) | st.builds(lambda b: pages(1)[0] + b, st.binary()))
def test_any_bytes_read_back_exactly_as_stored(trained, body):
    with trained.session() as session:
        digest = put_blob(session, body, source_name="kingston")
    with trained.reading() as session:
        assert read_blob(session, digest) == body


def test_migration_0005_matches_the_models_and_comes_and_goes(archive, db_url):
    assert differences(archive, "blob", "dictionary") == []
    bodies = pages(SAMPLES)
    digests = store(archive, bodies)

    downgrade(archive, db_url, "0004")
    assert "blob_dictionaries" not in tables(archive)
    with archive.engine.connect() as conn:
        data = dict(conn.execute(text("SELECT sha256, data FROM blobs")).all())
    assert [zstd.decompress(data[d]) for d in digests] == bodies  # as before 0005

    upgrade(archive, db_url)
    assert_reads_back(archive, bodies, digests)
