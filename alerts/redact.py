"""Keeping secrets out of logs: webhook signing secrets, SMTP passwords, Apprise URLs.

Secrets live in environment variables the config names (`*_env`). Once read, each value
is registered here, and every log handler of the process gets a filter that replaces it
(and, for URLs, each credential-looking part of it) with `***`. Apprise in particular logs
the URL path, where Slack, Discord and Telegram keep their tokens, at debug level.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

MASK = "***"
# Parts of a secret URL shorter than this are words (a host name, "services"), not tokens.
_SHORTEST_TOKEN = 6

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def _parts(value: str) -> set[str]:
    """The value and, when it is a URL, every piece of it that may hold a credential."""
    parts = {value}
    if "://" in value:
        split = urlsplit(value)
        pieces = [split.username, split.password, *split.path.split("/")]
        pieces += re.split(r"[&=]", split.query) + [split.fragment]
        # A service's own scheme (slack://TokenA/TokenB/TokenC) puts tokens in the "host".
        pieces.append(split.netloc.rsplit("@", 1)[-1])
        for piece in pieces:
            if piece and len(piece) >= _SHORTEST_TOKEN:
                parts.update({piece, unquote(piece)})
    return parts


def hide_secrets(values: Iterable[str]) -> None:
    """Never show these values (or their URL parts) in a log line from now on."""
    global _pattern
    for value in values:
        if value:
            _secrets.update(_parts(value))
    if _secrets:
        # Longest first, so a whole URL is masked before any piece of it.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    return _pattern.sub(MASK, text) if _pattern is not None else text


class SecretFilter(logging.Filter):
    """Rewrites a record's message with the registered secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is None:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def redact_logs() -> None:
    """Filter every handler of the root logger, and Apprise's own logger, through SecretFilter.

    Handler filters see every record that reaches them, from any logger; the filter on
    Apprise's logger also covers a handler Apprise or a test attaches to it directly.
    """
    for logger in (logging.getLogger(), logging.getLogger("apprise")):
        for target in [logger, *logger.handlers]:
            if not any(isinstance(f, SecretFilter) for f in target.filters):
                target.addFilter(SecretFilter())
