"""Figures per version and full-text search. (Placeholder: the archive-for-journalists issue.)"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Version


def index_version(session: Session, version: Version) -> None:
    return None
