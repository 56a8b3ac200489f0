"""Email: one multipart message per subscription (or digest), sent by SMTP."""

from __future__ import annotations

from alerts.channels.base import Channel, Target
from alerts.email import render_email, send_email


class Email(Channel):
    name = "email"
    config_key = "email"
    for_maintainers = True

    def host(self, config, tgt: Target) -> str:
        return f"smtp:{config.smtp.host}"

    def render(self, config, tgt, uid, docs, health, *, test=False):
        return render_email(
            docs,
            health,
            uid=uid,
            to=tgt.address,
            sender=config.smtp.sender,
            subscription=tgt.subscription,
            test=test,
        )

    def show(self, tgt, rendered, *, uid, now, secret) -> str:
        head = "\n".join(f"{h}: {rendered[h]}" for h in ("From", "To", "Subject"))
        body = rendered.get_body(preferencelist=("plain",)).get_content()
        return f"{head}\n\n{body.rstrip()}"

    def send(self, config, tgt, uid, rendered) -> None:
        send_email(config.smtp, rendered)
