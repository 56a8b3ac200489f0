"""Start-up cost of the `councilwatch` command: import time of `--help` and the read commands.

    python -m bench.startup [--runs 7] [--dir FOLDER]

Each command runs `--runs` times under `python -X importtime` in FOLDER (default: a fresh
`councilwatch demo` folder, so the read commands have an archive to read); the figure is the
best run's total import time (the sum of the top-level imports), which is what a person
waits for before the command starts its work. Best, not mean: other processes on the host
only ever add to it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = [
    ["--help"],
    ["changes"],
    ["history", "kingston:decision:13567"],
    ["search", "council"],
    ["figures-over-time", "centres"],
    ["export"],
    ["status"],
    ["alerts", "list"],
]
LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( *)\S")


def import_seconds(folder: Path, args: list[str]) -> float:
    code = "import sys; sys.argv = ['councilwatch', *sys.argv[1:]]; from councilwatch.cli import run; run()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, *args],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    total = 0
    for line in done.stderr.splitlines():
        m = LINE.match(line)
        if m and len(m[2]) == 1:  # a top-level import: its cumulative time counts once
            total += int(m[1])
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="a folder with councilwatch.toml and an archive")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cw-startup-") as tmp:
        folder = options.dir
        if folder is None:
            subprocess.run(
                [sys.executable, "-m", "councilwatch", "demo", "--dir", "demo"],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
            folder = Path(tmp) / "demo"
        print(f"| command | import time (best of {options.runs}) |")
        print("|---|---|")
        for args in COMMANDS:
            best = min(import_seconds(folder, args) for _ in range(options.runs))
            print(f"| `councilwatch {' '.join(args)}` | {best:.3f} s |")


if __name__ == "__main__":
    main()
