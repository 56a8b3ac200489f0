"""One fixture corpus: the demo site shipped in the package is the test site, and no fixture
file under tests/ or councilwatch/demo_site/ is a byte-for-byte copy of another. A test that
needs a variant keeps only the file that differs (an overlay of routes.toml)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from tests.helpers import DEMO_SITE, REPO, TESTS


def fixture_files() -> list[Path]:
    """Every data file of the corpus: not code, caches or hidden files."""
    files = []
    for root in (TESTS, DEMO_SITE):
        for path in root.rglob("*"):
            parts = path.relative_to(root).parts
            if not path.is_file() or path.suffix in {".py", ".pyc"}:
                continue
            if any(part == "__pycache__" or part.startswith(".") for part in parts):
                continue
            files.append(path)
    return files


def copies(files: list[Path]) -> list[list[str]]:
    """Groups of files with the same bytes, as paths relative to the checkout."""
    by_digest: dict[str, list[str]] = defaultdict(list)
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        by_digest[digest].append(shown.as_posix())
    return sorted(sorted(group) for group in by_digest.values() if len(group) > 1)


def test_no_two_fixture_files_are_byte_identical():
    files = fixture_files()
    assert len(files) > 50  # the demo site and the captures were found at all
    groups = copies(files)
    assert not groups, "byte-identical fixture files (keep one, read it from there):\n" + "\n".join(
        "  " + " = ".join(group) for group in groups
    )


def test_a_copy_of_a_fixture_file_is_reported_with_both_paths(tmp_path):
    original = DEMO_SITE / "council" / "GetMeetings.xml"
    copy = tmp_path / "GetMeetings.xml"
    copy.write_bytes(original.read_bytes())
    (tmp_path / "other.xml").write_bytes(original.read_bytes() + b"\n")
    assert copies([original, copy, tmp_path / "other.xml"]) == [
        sorted([original.relative_to(REPO).as_posix(), copy.as_posix()])
    ]
