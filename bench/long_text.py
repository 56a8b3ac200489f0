"""Change detection on one long report: the time to compare two versions of a report of about
1 MB that differ by one edited figure (the issue's case: a long PDF report stored whole).

    python bench/long_text.py               # 250 KB, 500 KB, 1 MB; one edit in the middle
    python bench/long_text.py --sizes 950   # sizes in KB
    python bench/long_text.py --at 0ab11fc  # monitor/changes.py and figures.py of that commit

The report is built from the real council and news sentences of the labelled figures corpus
(tests/fixtures/figures_corpus), repeated with the paragraph number changing, so its figures are as
dense as in real reports. Timings are the best of three runs of `detect_changes("document",
...)`, the function the importer runs on every new version, in CPU seconds of this process
(`time.process_time`): the machine is shared, and wall-clock times under load say more about
the neighbours than about the code.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.figures_corpus import load_corpus  # noqa: E402 (the repo root must be on the path first)


def report(size: int) -> str:
    texts = [t.text for t in load_corpus()]
    parts, total, k = [], 0, 0
    while total < size:
        text = f"{k + 1}. " + texts[k % len(texts)]
        parts.append(text)
        total += len(text) + 2
        k += 1
    return "\n\n".join(parts)


def edited(text: str) -> str:
    """The same report with one figure in its middle changed."""
    middle = len(text) // 2
    at = text.index("£", middle)
    end = at + 1
    while text[end].isdigit() or text[end] == ",":
        end += 1
    number = text[at + 1 : end].replace(",", "")
    return text[: at + 1] + str(int(number) + 1) + text[end:]


def use_monitor_at(commit: str) -> None:
    """Put `monitor/changes.py` and `monitor/figures.py` of `commit` first on the path."""
    root = Path(__file__).resolve().parent.parent
    folder = Path(tempfile.mkdtemp(prefix=f"councilwatch-{commit}-"))
    (folder / "monitor").mkdir()
    (folder / "monitor" / "__init__.py").write_text("")
    for name in ("changes.py", "figures.py"):
        source = subprocess.run(["git", "show", f"{commit}:monitor/{name}"], cwd=root,
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
        (folder / "monitor" / name).write_text(source)
    sys.path.insert(0, str(folder))


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[250, 500, 1000], help="in KB")
    parser.add_argument("--at", metavar="COMMIT", help="measure monitor/ as it was at COMMIT")
    args = parser.parse_args()
    if args.at:
        use_monitor_at(args.at)
    from monitor.changes import detect_changes
    from monitor.figures import find_figures

    print(f"{platform.machine()}, Python {platform.python_version()}")
    print(
        "| text | figures | find_figures (whole text), CPU s | detect_changes, CPU s | changes reported |"
    )
    print("|---:|---:|---:|---:|---|")
    for kb in args.sizes:
        old = report(kb * 1000)
        new = edited(old)
        figures = len(find_figures(old))
        extract = best_of(3, lambda: find_figures(old))  # noqa: B023
        found: list = []

        def compare(old=old, new=new, found=found) -> None:
            found[:] = detect_changes(
                "document", {"title": "Report", "text": old}, {"title": "Report", "text": new}
            )

        seconds = best_of(3, compare)
        summary = "; ".join(f"{c.kind}: {c.summary}" for c in found)
        print(
            f"| {len(old) / 1000:,.0f} KB | {figures:,} | {extract:.2f} | {seconds:.2f} | {summary} |"
        )


if __name__ == "__main__":
    main()
