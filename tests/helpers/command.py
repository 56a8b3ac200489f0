"""The real `councilwatch` command, run as a user runs it: in a folder, with none of the
developer's COUNCILWATCH_* variables, on the archive a test names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COUNCILWATCH = [sys.executable, "-c", "from councilwatch.cli import run; run()"]


def environment(db: str | None = None, env: dict | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COUNCILWATCH_")}
    if db:
        environ["COUNCILWATCH_DB"] = db
    environ.update(env or {})
    return environ


def councilwatch(
    folder: Path,
    *args: str,
    db: str | None = None,
    env: dict | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess:
    """`councilwatch ARGS` in `folder`, to the end, with what it printed."""
    return subprocess.run(
        [*COUNCILWATCH, *args],
        cwd=folder,
        env=environment(db, env),
        capture_output=True,
        text=True,
        input=input,
        timeout=600,
    )


def start(
    folder: Path, *args: str, db: str | None = None, env: dict | None = None, **popen
) -> subprocess.Popen:
    """`councilwatch ARGS` in `folder`, in the background, its output piped as text
    unless `popen` says otherwise."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen}
    return subprocess.Popen([*COUNCILWATCH, *args], cwd=folder, env=environment(db, env), **options)
