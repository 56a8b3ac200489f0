"""Alert emails: multipart text and HTML (inline styles, for Gmail and Outlook), sent by SMTP.

Every piece of scraped text goes through `html.escape` before it reaches the HTML part:
a council page or a news article is untrusted input.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from html import escape

from alerts.content import (
    DocumentAlert,
    HealthEvent,
    one_line,
    subject_line,
    uk_time,
    value_change,
    word_diff,
)
from councilwatch.config import Smtp


class SendError(Exception):
    """A delivery failed; the message is safe to record (it never contains a secret)."""


def message_id(uid: str, sender: str) -> str:
    """A stable Message-ID from the outbox message's uid: a retried send is the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "councilwatch.invalid"
    return f"<{uid}@{domain}>"


# Styles inline on each element: Gmail strips <style> blocks in many clients, Outlook
# ignores most CSS that is not on the element itself.
_BODY = "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1b1b1b;"
_H = "font-size:18px;margin:20px 0 6px 0;color:#0b0c0c;"
_META = "color:#505a5f;font-size:13px;margin:0 0 8px 0;"
_SUMMARY = "font-weight:bold;margin:12px 0 4px 0;"
_QUOTE = "border-left:4px solid #b1b4b6;margin:4px 0;padding:4px 10px;background:#f3f2f1;"
_DEL = "background:#f6d5d5;color:#942514;text-decoration:line-through;"
_INS = "background:#cce2d8;color:#005a30;font-weight:bold;text-decoration:none;"
_LINK = "color:#1d70b8;"


def _html_sentence(before: str | None, after: str | None, which: str) -> str:
    """One sentence with the words that changed highlighted (removed in the before, added in the after)."""
    parts = []
    for op, text in word_diff(before, after):
        if op == "same":
            parts.append(escape(text))
        elif op == "removed" and which == "before":
            parts.append(f'<del style="{_DEL}">{escape(text)}</del>')
        elif op == "added" and which == "after":
            parts.append(f'<ins style="{_INS}">{escape(text)}</ins>')
    return "".join(parts)


def _text_sentence(before: str | None, after: str | None) -> str:
    """The change in one line of plain text: [-removed-]{+added+}, as `git diff --word-diff`."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return "".join(marks[op].format(text) for op, text in word_diff(before, after))


def render_text(docs: list[DocumentAlert], health: list[HealthEvent], *, test: bool = False) -> str:
    lines: list[str] = []
    if test:
        lines += ["This is a test message from councilwatch: nothing has changed.", ""]
    for h in health:
        lines.append(_health_sentence(h))
        lines.append("")
    for doc in docs:
        lines.append(f"{doc.label}")
        lines.append(f"{doc.kind.replace('_', ' ')} from {doc.source} - {doc.url}")
        for change in doc.changes:
            lines.append("")
            lines.append(f"* {change.summary} ({change.kind}, seen {uk_time(change.detected_at)})")
            if change.before or change.after:
                lines.append(f"  Before: {change.before or '-'}")
                lines.append(f"  After:  {change.after or '-'}")
                lines.append(f"  Changed: {_text_sentence(change.before, change.after)}")
            if change.old_value is not None or change.new_value is not None:
                lines.append(f"  Value: {value_change(change)}")
        lines.append("")
        lines.append(f"Source page: {doc.url}")
        if doc.archived_version_url:
            lines.append(f"Stored version: {doc.archived_version_url}")
        lines.append("")
    lines.append("-- ")
    lines.append("Sent by councilwatch. To stop these alerts, ask whoever runs it to remove")
    lines.append("your subscription from councilwatch.toml.")
    return "\n".join(lines) + "\n"


def _health_sentence(h: HealthEvent) -> str:
    label = h.label[:1].upper() + h.label[1:]
    if h.state == "failing":
        return f"{label} needs attention: {h.reason or 'it failed'}."
    return f"{label} has recovered: {h.reason or 'it works again'}."


def render_html(docs: list[DocumentAlert], health: list[HealthEvent], *, test: bool = False) -> str:
    out: list[str] = [f'<div style="{_BODY}">']
    if test:
        out.append(
            '<p style="background:#fff7bf;padding:8px;">This is a test message from '
            "councilwatch: nothing has changed.</p>"
        )
    for h in health:
        colour = "#942514" if h.state == "failing" else "#005a30"
        out.append(f'<p style="font-weight:bold;color:{colour};">{escape(_health_sentence(h))}</p>')
    for doc in docs:
        out.append(
            f'<h2 style="{_H}"><a href="{escape(doc.url, quote=True)}" style="{_LINK}">'
            f"{escape(doc.label)}</a></h2>"
        )
        out.append(
            f'<p style="{_META}">{escape(doc.kind.replace("_", " "))} from '
            f"<strong>{escape(doc.source)}</strong></p>"
        )
        for change in doc.changes:
            out.append(
                f'<p style="{_SUMMARY}">{escape(change.summary)} '
                f'<span style="{_META}font-weight:normal;">({escape(change.kind)}, seen '
                f"{escape(uk_time(change.detected_at))})</span></p>"
            )
            if change.before:
                out.append(
                    f'<p style="{_META}">Before</p><blockquote style="{_QUOTE}">'
                    f"{_html_sentence(change.before, change.after, 'before')}</blockquote>"
                )
            if change.after:
                out.append(
                    f'<p style="{_META}">After</p><blockquote style="{_QUOTE}">'
                    f"{_html_sentence(change.before, change.after, 'after')}</blockquote>"
                )
            if change.old_value is not None or change.new_value is not None:
                old, new = value_change(change).split(" -> ", 1)
                out.append(
                    f'<p>Value: <del style="{_DEL}">{escape(old)}</del>'
                    f' &rarr; <ins style="{_INS}">{escape(new)}</ins></p>'
                )
        links = [f'<a href="{escape(doc.url, quote=True)}" style="{_LINK}">Source page</a>']
        if doc.archived_version_url:
            links.append(
                f'<a href="{escape(doc.archived_version_url, quote=True)}" style="{_LINK}">'
                "Stored version</a>"
            )
        out.append(f"<p>{' &middot; '.join(links)}</p>")
    out.append(
        f'<p style="{_META}margin-top:24px;">Sent by councilwatch. To stop these alerts, ask '
        "whoever runs it to remove your subscription from councilwatch.toml.</p></div>"
    )
    return "<!DOCTYPE html><html><body>" + "".join(out) + "</body></html>"


def render_email(
    docs: list[DocumentAlert],
    health: list[HealthEvent],
    *,
    uid: str,
    to: str,
    sender: str,
    subscription: str,
    test: bool = False,
) -> EmailMessage:
    """The alert email, ready to send (or to show, as `councilwatch demo` does)."""
    msg = EmailMessage()
    subject = subject_line(docs, health)
    msg["Subject"] = ("[test] " if test else "") + subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(uid, sender)
    msg["X-Councilwatch-Subscription"] = one_line(subscription)
    msg["X-Councilwatch-Alert-Id"] = uid
    # Mail filters and list tools group a subscription's alerts by this.
    msg["List-Id"] = f"councilwatch {subscription} <{_list_label(subscription)}.councilwatch>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(render_text(docs, health, test=test))
    msg.add_alternative(render_html(docs, health, test=test), subtype="html")
    return msg


def _list_label(subscription: str) -> str:
    label = "".join(c if c.isalnum() or c == "-" else "-" for c in subscription.lower()).strip("-")
    return label or "alerts"


def send_email(smtp: Smtp, msg: EmailMessage) -> None:
    """Send over SMTP as configured; SendError (without secrets) when it cannot be delivered."""
    password = None
    if smtp.password_env:
        password = os.environ.get(smtp.password_env)
        if password is None:
            raise SendError(f"SMTP password variable {smtp.password_env} is not set")
    try:
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, password or "")
            refused = client.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"SMTP {smtp.host}:{smtp.port} refused the login ({exc.smtp_code})"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(
            f"SMTP {smtp.host}:{smtp.port} answered {exc.smtp_code}: {_reply(exc.smtp_error)}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(
            f"SMTP {smtp.host}:{smtp.port} refused every recipient: {list(exc.recipients)}"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from None
    if refused:
        raise SendError(f"SMTP {smtp.host}:{smtp.port} refused {', '.join(refused)}")


def _reply(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(text.split())[:200]
