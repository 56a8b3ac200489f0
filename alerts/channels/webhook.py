"""Webhook: one signed JSON POST (Standard Webhooks) per subscription and document."""

from __future__ import annotations

import json

import httpx

from alerts.channels.base import Channel, Target
from alerts.email import SendError
from alerts.webhook import build_payload, post, secret_from_env, serialise, signed_headers


class Webhook(Channel):
    name = "webhook"
    config_key = "webhook"
    secret_key = "webhook_secret_env"
    # A webhook body describes one document (or one health event).
    per_document = True
    for_maintainers = True

    def host(self, config, tgt: Target) -> str:
        if not tgt.address:
            return self.name
        try:
            return httpx.URL(tgt.address).host or tgt.address
        except httpx.InvalidURL:
            return tgt.address

    def render(self, config, tgt, uid, docs, health, *, test=False):
        if len(docs) + len(health) != 1:
            raise SendError("a webhook message must carry exactly one document or event")
        payload = build_payload(
            docs[0] if docs else None,
            health[0] if health else None,
            uid=uid,
            subscription=tgt.subscription,
        )
        if test:
            payload["test"] = True
        return payload

    def show(self, tgt, rendered, *, uid, now, secret) -> str:
        headers = signed_headers(secret, uid, serialise(rendered), now)
        lines = [f"POST {tgt.address}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines += ["", json.dumps(rendered, ensure_ascii=False, indent=2)]
        return "\n".join(lines)

    def send(self, config, tgt, uid, rendered) -> None:
        post(tgt.address, secret_from_env(tgt.secret_env), uid, serialise(rendered))
