"""What several commands take alike, declared once: `--source`, `--json`, and the archive
read with the `--source` given checked against it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from councilwatch.app import state

Source = Annotated[str | None, typer.Option("--source", help="Only this source.")]
Json = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


@contextmanager
def reading(ctx: typer.Context, source: str | None) -> Iterator:
    """A read-only session on an existing archive, once `source` (if given) is known to it."""
    st = state(ctx)
    with st.existing_archive().reading() as session:
        st.check_source(source, session)
        yield session
