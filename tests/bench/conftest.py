"""bench/ is not part of the installed distribution (it is never shipped in the wheel), so its
tests import it from the checkout."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
