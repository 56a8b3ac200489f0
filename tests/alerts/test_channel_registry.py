"""The alert channel registry: every channel key in the config has a channel, and back."""

from __future__ import annotations

import pytest

from alerts.channels import CHANNELS, channels_of
from core.config import Config, channel_keys


def test_every_subscription_channel_key_has_a_registered_channel_and_back():
    assert sorted(c.config_key for c in CHANNELS.values()) == sorted(channel_keys())


def test_a_subscription_without_any_channel_key_is_refused_naming_them_all():
    with pytest.raises(ValueError, match="needs email, webhook, apprise_env or feed"):
        Config.model_validate({"subscriptions": [{"name": "nobody"}]})


def test_a_subscription_hears_on_its_channels_in_registry_order():
    config = Config.model_validate(
        {
            "subscriptions": [
                {
                    "name": "all",
                    "feed": "feeds/all.xml",
                    "apprise_env": "APPRISE_URL",
                    "webhook": "https://hooks.example.org/cw",
                    "webhook_secret_env": "CW_SECRET",
                    "email": "group@example.org",
                }
            ]
        }
    )
    [sub] = config.subscriptions
    assert [c.name for c in channels_of(sub)] == ["email", "webhook", "apprise", "feed"]


def test_only_message_channels_that_maintainers_can_have_carry_health_alerts():
    config = Config.model_validate(
        {
            "maintainers": {
                "email": "ops@example.org",
                "webhook": "https://ops.example.org/h",
                "webhook_secret_env": "OPS_SECRET",
            }
        }  # fmt: skip
    )
    chosen = [c.name for c in channels_of(config.maintainers) if c.for_maintainers]
    assert chosen == ["email", "webhook"]
