"""Delivering due alerts. (Placeholder: the alerts issue fills it in.)"""

from __future__ import annotations


def deliver_due(config, archive, *, now=None):
    return None
