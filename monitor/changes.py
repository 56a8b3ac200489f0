"""Change detection between two versions' structured fields. (Placeholder: issue 5 replaces it.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FoundChange:
    kind: str  # decision | status | date | figure | item_added | item_removed | document | text
    summary: str
    before: str | None = None
    after: str | None = None
    old_value: float | None = None
    new_value: float | None = None

    @property
    def alert(self) -> bool:
        return self.kind != "text"


def detect_changes(
    kind: str,
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_title: str | None = None,
    new_title: str | None = None,
    titles: dict[str, str | None] | None = None,
) -> list[FoundChange]:
    if old == new and old_title == new_title:
        return []
    return [FoundChange("text", f"{kind} changed")]
