"""HTTP validators: what a server said about a URL last time, so the next fetch can be conditional.

The conditional-GET middleware (`spiders/middlewares.py`) reads a site's validators in
one query and writes new ones in batches; both go through here.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from storage.blobs import look_up_blobs, put_blob, read_blob, write_blobs
from storage.db import DatabaseError, dialect_insert
from storage.models import HttpValidator
from storage.types import utcnow

log = logging.getLogger(__name__)


class Validator(NamedTuple):
    """What a server said about a URL last time, and the hash of the body it sent."""

    etag: str | None
    last_modified: str | None
    content_type: str | None  # in full, with its charset: a 304 replays the body as decoded then
    body_sha256: str


# url -> (its validator headers {"etag", "last_modified", "content_type"}, the body, its
# media type), as the middleware collects them.
Pending = dict[str, tuple[dict[str, str | None], bytes, str | None]]


def validators_of_site(archive, site: str) -> dict[str, Validator]:
    """Every stored validator of the URLs under `site` ("https://host/"), by URL.

    Raises DatabaseError when the archive cannot be read.
    """
    with archive.reading() as session:
        # A prefix match rather than a range of the primary key: under a
        # PostgreSQL locale's collation "/" and "0" need not sort as in ASCII.
        # A Validator's fields are the HttpValidator columns of the same names.
        columns = [getattr(HttpValidator, name) for name in Validator._fields]
        rows = session.execute(
            select(HttpValidator.url, *columns).where(
                HttpValidator.url.startswith(site, autoescape=True)
            )
        )
        return {row.url: Validator(*row[1:]) for row in rows}


def stored_body(archive, validator: Validator) -> bytes:
    """The body the server sent with `validator`, for answering its 304."""
    with archive.reading() as session:
        return read_blob(session, validator.body_sha256)


def write_validators(archive, source_name: str, pending: Pending) -> None:
    """Store validators (and the bodies a 304 will need).

    A failure is logged, not raised: those pages are fetched in full next time.
    """
    now = utcnow()
    try:
        with archive.session() as session:
            look_up_blobs(session, [body for _, body, _ in pending.values()])
            rows = [
                {
                    "url": url,
                    **headers,
                    "body_sha256": put_blob(session, body, media, source_name=source_name),
                    "checked_at": now,
                }
                for url, (headers, body, media) in pending.items()
            ]
            write_blobs(session)  # before the validators that name them
            if rows:
                statement = dialect_insert(session, HttpValidator)
                session.execute(
                    statement.on_conflict_do_update(
                        index_elements=[HttpValidator.url],
                        set_={
                            name: statement.excluded[name]
                            for name in (*Validator._fields, "checked_at")
                        },
                    ),
                    rows,
                )
    except (DatabaseError, SQLAlchemyError) as exc:
        log.warning(
            "%d validators not saved (those pages are fetched in full next time): %s",
            len(pending),
            exc,
        )
