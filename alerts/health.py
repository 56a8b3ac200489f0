"""Source health for maintainers. (Placeholder: the alerts issue fills it in.)"""

from __future__ import annotations


def check_health(config, archive, results) -> None:
    return None
