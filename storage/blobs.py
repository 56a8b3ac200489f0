"""Raw response bodies: stored once under their SHA-256, zstd-compressed with a per-source dictionary.

Every page of one council repeats its site template, which a page compressed on its own must
encode again each time. So each source gets a zstd dictionary trained on its own pages: until
it has one, bodies are compressed alone and kept in memory as training samples; once there are
enough, the dictionary is trained and stored in `blob_dictionaries`, and the sample blobs are
compressed again with it, in the transaction of the page that completed the samples. Later
bodies of the source use it, and later crawls (new processes) load it from the table.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.db import dialect_insert, insert_ignoring_duplicates
from storage.models import Blob, BlobDictionary

try:  # Python 3.14+ has zstd in the standard library; Scrapy pulls the backport before that.
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[no-redef]

# Measured on the benchmark council's 299 bodies (4.1 MB, 14 KB a page), with a dictionary
# trained on the first 48: level 3 stores 6.0% of the raw bytes at 0.10 ms a page, level 10
# 5.0% at 0.21 ms, level 19 4.9% at 3.2 ms (plain level 10, as before: 29% at 0.26 ms).
# A page costs the crawl some 17 ms in all, so 10 is nearly free and 19 is not worth it.
LEVEL = 10
# Trained on 16 pages the dictionary left 15.6% of the raw bytes, on 32 7.3%, on 48 5.0%, on
# 64 no less.
SAMPLES = 48
# Only the start of a long body is kept as a sample (the template's head and navigation are
# there), so the samples of a source never hold more than 48 x 64 KB = 3 MB of memory.
SAMPLE_BYTES = 64 * 1024
# At most, and a twentieth of the samples' bytes. On the benchmark pages (650 KB of samples)
# 16 KB left 8% of the raw bytes and 32 KB 5%, but asking for 64 KB gave 8 to 9.5% (a
# smaller dictionary, 28 to 53 KB); on 1.7 KB pages 32 KB left 11%, a twentieth 5.6%.
DICTIONARY_BYTES = 32 * 1024
# Too short to share much with a template (redirect stubs, robots.txt, empty feeds).
MIN_BODY = 200


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class _Source:
    """One source's committed dictionary, or the bodies that will train it."""

    dictionary: zstd.ZstdDict | None = None
    dictionary_id: int | None = None
    samples: dict[str, bytes] = field(default_factory=dict)  # by SHA-256


@dataclass
class _Database:
    """What this process knows of one database's dictionaries; only committed ones."""

    sources: dict[str, _Source] = field(default_factory=dict)
    dictionaries: dict[int, zstd.ZstdDict] = field(default_factory=dict)


@dataclass
class _Transaction:
    database: _Database
    stored: set[str] = field(default_factory=set)  # blobs this transaction already has
    absent: set[str] = field(default_factory=set)  # blobs known not to be stored yet
    # New blobs, inserted together before anything that may refer to them is written.
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Dictionaries trained in this transaction, by source: they reach the process's cache
    # only when it commits, so a rollback cannot leave the cache with a dictionary (or an id)
    # the database never kept.
    trained: dict[str, tuple[int, zstd.ZstdDict]] = field(default_factory=dict)


# Keyed by engine, not URL: a database dropped and made again under the same URL (as tests do)
# must not inherit the dictionaries of the old one. Entries go when the engine does.
_databases: WeakKeyDictionary[Engine, _Database] = WeakKeyDictionary()
_TRANSACTION = "blobs_transaction"


def forget_dictionaries() -> None:
    """Drop this process's cached dictionaries and samples, as a new process starts."""
    _databases.clear()


def put_blob(
    session: Session,
    body: bytes,
    content_type: str | None = None,
    *,
    source_name: str | None = None,
) -> str:
    """Store a raw body once, compressed, under its SHA-256; return the hash.

    `source_name` is the source whose crawl fetched the body: its pages share a dictionary."""
    digest = sha256(body)
    # The documents of one page share its body: look it up once per transaction.
    transaction = _transaction(session)
    if digest in transaction.stored:
        return digest
    transaction.stored.add(digest)
    if digest not in transaction.absent and session.scalar(
        select(Blob.sha256).where(Blob.sha256 == digest)
    ):
        return digest
    source = dictionary_id = dictionary = None
    if source_name is not None and len(body) >= MIN_BODY:
        source = _source(session, transaction.database, source_name)
        dictionary_id, dictionary = transaction.trained.get(source_name) or (
            source.dictionary_id,
            source.dictionary,
        )
    transaction.rows.append(
        {
            "sha256": digest,
            "codec": "zstd",
            "size": len(body),
            "content_type": content_type,
            "data": zstd.compress(body, LEVEL, zstd_dict=dictionary),
            "dictionary_id": dictionary_id,
        }
    )
    if source is not None and dictionary is None:
        source.samples[digest] = body[:SAMPLE_BYTES]
        if len(source.samples) >= SAMPLES:
            _train(session, transaction, source_name, source)
    return digest


def look_up_blobs(session: Session, bodies: list[bytes]) -> None:
    """Find out in one query which of these bodies are stored already, so that storing
    several pages at once asks the database once, not once a page."""
    transaction = _transaction(session)
    digests = {sha256(body) for body in bodies} - transaction.stored - transaction.absent
    if not digests:
        return
    found = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(digests))))
    transaction.stored |= found
    transaction.absent |= digests - found


def write_blobs(session: Session) -> None:
    """Insert the blobs put so far in this transaction, in one statement.

    Called before the session flushes or commits, and by callers that write rows naming a
    blob with plain statements (which do not flush)."""
    transaction = session.info.get(_TRANSACTION)
    if transaction is None or not transaction.rows:
        return
    rows, transaction.rows = transaction.rows, []
    # Without flushing first: the flush would write versions naming blobs not in yet.
    with session.no_autoflush:
        session.execute(dialect_insert(session, Blob).on_conflict_do_nothing(), rows)


def read_blob(session: Session, digest: str) -> bytes:
    row = session.execute(
        select(Blob.codec, Blob.data, Blob.dictionary_id).where(Blob.sha256 == digest)
    ).first()
    if row is None:
        raise KeyError(digest)
    codec, data, dictionary_id = row
    if codec == "zlib":
        return zlib.decompress(data)
    if dictionary_id is None:
        return zstd.decompress(data)
    return zstd.decompress(data, zstd_dict=_dictionary(session, dictionary_id))


def _transaction(session: Session) -> _Transaction:
    transaction = session.info.get(_TRANSACTION)
    if transaction is None:
        engine = session.get_bind().engine
        database = _databases.setdefault(engine, _Database())
        transaction = session.info[_TRANSACTION] = _Transaction(database)
        if not event.contains(session, "after_commit", _committed):
            event.listen(session, "before_flush", _before_flush)
            event.listen(session, "before_commit", write_blobs)
            event.listen(session, "after_commit", _committed)
            event.listen(session, "after_rollback", _rolled_back)
    return transaction


def _before_flush(session: Session, _context, _instances) -> None:
    write_blobs(session)  # versions name their raw body


def _committed(session: Session) -> None:
    transaction = session.info.pop(_TRANSACTION, None)
    if transaction is None:
        return
    for name, (dictionary_id, dictionary) in transaction.trained.items():
        transaction.database.sources[name] = _Source(dictionary, dictionary_id)
        transaction.database.dictionaries[dictionary_id] = dictionary


def _rolled_back(session: Session) -> None:
    # Neither the blobs nor the dictionaries of this transaction exist any more; the samples
    # stay, so the next page of the source trains again.
    session.info.pop(_TRANSACTION, None)


def _source(session: Session, database: _Database, name: str) -> _Source:
    """The source's state, loading its dictionary from the archive the first time."""
    source = database.sources.get(name)
    if source is None:
        source = database.sources[name] = _Source()
        row = session.execute(
            select(BlobDictionary.id, BlobDictionary.data).where(BlobDictionary.source_name == name)
        ).first()
        if row is not None:
            source.dictionary_id, source.dictionary = row.id, zstd.ZstdDict(row.data)
            database.dictionaries[row.id] = source.dictionary
    return source


def _dictionary(session: Session, dictionary_id: int) -> zstd.ZstdDict:
    transaction = _transaction(session)
    for trained_id, dictionary in transaction.trained.values():
        if trained_id == dictionary_id:
            return dictionary
    dictionary = transaction.database.dictionaries.get(dictionary_id)
    if dictionary is None:
        data = session.scalar(select(BlobDictionary.data).where(BlobDictionary.id == dictionary_id))
        # Not trained in this transaction, so committed: safe to keep.
        dictionary = transaction.database.dictionaries[dictionary_id] = zstd.ZstdDict(data)
    return dictionary


def _train(session: Session, transaction: _Transaction, name: str, source: _Source) -> None:
    """Train the source's dictionary on its samples, store it, and recompress the samples."""
    write_blobs(session)  # the samples of this transaction among them
    samples = source.samples
    try:
        size = min(DICTIONARY_BYTES, sum(map(len, samples.values())) // 20)
        trained = zstd.train_dict(list(samples.values()), size)
    except zstd.ZstdError:
        # Samples too alike or too small to train on: gather others and try again.
        samples.clear()
        return
    insert_ignoring_duplicates(
        session,
        BlobDictionary,
        {"source_name": name, "data": trained.dict_content, "sample_count": len(samples)},
    )
    # Another crawl of the source may have stored its dictionary first: use whichever is kept.
    dictionary_id, data = session.execute(
        select(BlobDictionary.id, BlobDictionary.data).where(BlobDictionary.source_name == name)
    ).one()
    dictionary = trained if data == trained.dict_content else zstd.ZstdDict(data)
    # The samples' blobs, whole (a sample is only the start of a long body), that are still
    # compressed alone: committed by earlier pages of this crawl or stored by this one.
    plain = session.execute(
        select(Blob.sha256, Blob.data).where(
            Blob.sha256.in_(list(samples)), Blob.codec == "zstd", Blob.dictionary_id.is_(None)
        )
    )
    recompressed = [
        {
            "digest": digest,
            "compressed": zstd.compress(zstd.decompress(data), LEVEL, zstd_dict=dictionary),
        }
        for digest, data in plain
    ]
    if recompressed:
        session.execute(
            update(Blob.__table__)
            .where(Blob.sha256 == bindparam("digest"), Blob.dictionary_id.is_(None))
            .values(data=bindparam("compressed"), dictionary_id=dictionary_id),
            recompressed,
        )
    transaction.trained[name] = (dictionary_id, dictionary)
