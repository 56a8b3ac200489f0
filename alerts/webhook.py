"""Webhook alerts: a JSON body signed per the Standard Webhooks specification, POSTed by httpx.

The signature covers exactly the bytes sent (the body is serialised once, then signed,
then sent) because re-serialising JSON after signing breaks verification.

Subscriber URLs are not checked against loopback or private addresses (the SSRF guard
usual for user-supplied URLs): here every webhook URL comes from the
operator's own `councilwatch.toml`, so it is as trusted as the operator, and local
receivers (an intranet bot, the tests, `councilwatch demo`) are legitimate targets.
Redirects are never followed, so a receiver cannot bounce a signed alert elsewhere.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from alerts.content import DocumentAlert, HealthEvent
from alerts.email import SendError
from monitor.changes import change_json

TIMEOUT_SECONDS = 20
USER_AGENT = "councilwatch-webhooks/1"


def build_payload(
    doc: DocumentAlert | None,
    health: HealthEvent | None = None,
    *,
    uid: str,
    subscription: str,
) -> dict[str, Any]:
    """The JSON body (docs/interface.md, "Webhook delivery") for one document's changes or one health event."""
    if health is not None:
        payload = {
            "id": uid,
            "type": "delivery.health" if health.about else "source.health",
            "subscription": subscription,
            "source": health.source,
            "state": health.state,
            "reason": health.reason,
            "detected_at": _iso(health.detected_at),
        }
        if health.about:
            payload["about"] = health.about
        if health.url:
            payload["url"] = health.url
        return payload
    assert doc is not None
    payload: dict[str, Any] = {
        "id": uid,
        "type": "document.changed",
        "subscription": subscription,
        "source": doc.source,
        "document": {"key": doc.key, "kind": doc.kind, "url": doc.url, "title": doc.title},
        "changes": [change_json(c) for c in doc.changes],
    }
    if doc.archived_version_url:
        payload["archived_version_url"] = doc.archived_version_url
    payload["detected_at"] = _iso(doc.detected_at)
    return payload


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def serialise(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def secret_from_env(variable: str | None) -> str:
    if not variable:
        raise SendError("no webhook_secret_env configured for this webhook")
    secret = os.environ.get(variable)
    if not secret:
        raise SendError(f"webhook secret variable {variable} is not set")
    return secret


def signed_headers(secret: str, uid: str, body: bytes, sent_at: datetime) -> dict[str, str]:
    try:
        signer = Webhook(secret)
    except Exception:  # noqa: BLE001 - the secret's text must not reach the message
        raise SendError("webhook secret is not a valid whsec_<base64> secret") from None
    ts = sent_at.astimezone(UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": uid,
        "webhook-timestamp": str(int(ts.timestamp())),
        "webhook-signature": signer.sign(uid, ts, body.decode("utf-8")),
    }


class Rejected(SendError):
    """The receiver answered, but not with a 2xx."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"receiver answered HTTP {self.status}"


def post(url: str, secret: str, uid: str, body: bytes, *, timeout: float = TIMEOUT_SECONDS) -> int:
    """POST a signed body; return the status on 2xx, raise Rejected/SendError otherwise.

    The timestamp is the real time of sending (receivers reject stale ones), whatever
    clock the outbox schedule runs on.
    """
    headers = signed_headers(secret, uid, body, datetime.now(UTC))
    try:
        response = _client().post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise SendError(f"webhook {_where(url)} timed out after {timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise SendError(f"webhook {_where(url)}: {type(exc).__name__}: {exc}") from None
    if 200 <= response.status_code < 300:
        return response.status_code
    raise Rejected(status=response.status_code, retry_after=_retry_after(response))


@functools.cache
def _client() -> httpx.Client:
    """One client for the process: a new client loads the CA bundle again (tens of ms each),
    which was most of the time spent delivering a batch of webhooks."""
    return httpx.Client(follow_redirects=False, trust_env=False)


def _where(url: str) -> str:
    """Scheme, host and port only: a webhook URL's path or query may itself carry a token."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
