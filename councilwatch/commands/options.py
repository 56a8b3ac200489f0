"""What several commands take alike, declared once: `--source`, `--json`, `--since` and
`--until`, and the archive read with the `--source` given checked against it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from councilwatch.app import state

Source = Annotated[str | None, typer.Option("--source", help="Only this source.")]
Json = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


def date_options(rows: str, examples: str) -> tuple[object, object]:
    """`--since` and `--until` (UK dates, read by `councilwatch.dates.date_range`) for a
    command whose rows are `rows` ("Versions first seen") in that range."""
    since = typer.Option("--since", help=f"{rows} on or after this UK date ({examples}).")
    until = typer.Option("--until", help=f"{rows} up to the end of this UK date.")
    return Annotated[str | None, since], Annotated[str | None, until]


@contextmanager
def reading(ctx: typer.Context, source: str | None) -> Iterator:
    """A read-only session on an existing archive, once `source` (if given) is known to it."""
    st = state(ctx)
    with st.existing_archive().reading() as session:
        st.check_source(source, session)
        yield session
