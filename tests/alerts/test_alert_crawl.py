"""The whole path: `councilwatch crawl` finds a changed figure on a replayed page, and the
subscriber's email and signed webhook arrive, once."""

from __future__ import annotations

from standardwebhooks.webhooks import Webhook

from tests.helpers.alert_helpers import SECRET

PAGE_V1 = (
    "<html><head><title>Our response</title></head><body><nav>Home | News</nav>"
    "<main><p>We object to closing 31 of 44 children's centres.</p></main></body></html>"
)
PAGE_V2 = PAGE_V1.replace("31 of 44", "29 of 44")


def test_a_crawl_that_finds_a_changed_figure_emails_and_calls_the_webhook_once(
    replay, write_config, cli, sqlite_url, smtp_server, receiver, campaign_subscription
):
    replay.add("/response", PAGE_V1)
    write_config(
        f"""
[[sources]]
name = "camp"
type = "page"
urls = ["{replay.url}response"]

[topics.childrens-services]
keywords = ["children's centre"]
"""
        + campaign_subscription('topics = ["childrens-services"]')
    )
    env = {"CAMPAIGN_SECRET": SECRET}
    first = cli("crawl", db=sqlite_url, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    replay.add("/response", PAGE_V2)
    changed = cli("crawl", db=sqlite_url, env=env)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    # (Crawling unchanged pages queues nothing: test_alert_delivery's importer test.)
    resent = cli("alerts", "send", db=sqlite_url, env=env)
    assert resent.returncode == 0, resent.stdout + resent.stderr

    [mail] = smtp_server.inbox.messages
    assert "29" in mail.get_body(("plain",)).get_content()
    [request] = receiver.requests
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert payload["document"]["key"] == f"camp:page:{replay.url}response"
    assert any(c["kind"] == "figure" and c["new_value"] == 29 for c in payload["changes"])
