"""`councilwatch.toml`: loading, validation and one-line error messages.

A council is configuration, not code: every source is a `[[sources]]` table whose
`type` picks the spider that serves it.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.uktime import UK

CONFIG_ENV = "COUNCILWATCH_CONFIG"
DB_ENV = "COUNCILWATCH_DB"
DEFAULT_CONFIG = "councilwatch.toml"
# The archive when nothing names one: an SQLite file beside where the command runs.
DEFAULT_URL = "sqlite:///councilwatch.db"

# What a campaign hears about unless it says otherwise: decisions and figures, not wording.
DEFAULT_ALERT_KINDS = ["decision", "status", "date", "figure", "item_added", "item_removed"]
CHANGE_KINDS = [*DEFAULT_ALERT_KINDS, "document", "text"]


class ConfigError(Exception):
    """A configuration problem, as one line naming the file, the key and the problem."""


class Model(BaseModel):
    # A misspelt key is an error, not something silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_cron(value: str) -> str:
    # Imported here: a read command that loads the config for its database URL should not
    # pay for APScheduler.
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone=UK)
    except ValueError as exc:
        raise ValueError(f"not a cron expression ({exc})") from None
    return value


# A DNS name or an IPv4 address, without scheme, port or path.
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"
)


def _check_http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


Cron = Annotated[str, Field(description="cron expression, Europe/London")]


def _check_host(value: str) -> str:
    host = value.strip().lower()
    if not HOST_NAME.match(host):
        hint = urlsplit(host).hostname if "//" in host else None
        raise ValueError(
            f"{value!r} is not a host name"
            + (
                f" (write just the host: {hint!r})"
                if hint
                else " (e.g. 'democracy.example.gov.uk')"
            )
        )
    return host


class SourceBase(Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    schedule: Cron = "0 6 * * *"
    topics: list[str] = []
    enabled: bool = True
    # Hosts this source may also fetch from, besides those of its own URLs: a council
    # that moved to a new domain (its old URLs redirect there), a paper's other domain.
    allowed_hosts: list[str] = []

    _cron = field_validator("schedule")(_check_cron)
    _hosts = field_validator("allowed_hosts")(lambda values: [_check_host(v) for v in values])


class ModernGovSource(SourceBase):
    type: Literal["moderngov"]
    base_url: str
    # Committee ids or exact titles to follow; empty means every committee.
    committees: list[str] = []
    # Meetings and decisions this many days back and ahead of today are (re)checked.
    lookback_days: int = Field(default=90, ge=0)
    lookahead_days: int = Field(default=60, ge=0)
    # Download linked reports (PDF, Word) and version their text.
    documents: bool = False

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str) -> str:
        # ModernGov may live in a sub-folder; every page is relative to it.
        return _check_http_url(value).rstrip("/") + "/"


class NewsSource(SourceBase):
    type: Literal["news"]
    start_urls: list[str] = []
    feeds: list[str] = []
    sitemaps: list[str] = []
    # Articles older than this are not fetched again once archived.
    recheck_days: int = Field(default=14, ge=0)

    _urls = field_validator("start_urls", "feeds", "sitemaps")(
        lambda values: [_check_http_url(v) for v in values]
    )

    @model_validator(mode="after")
    def _somewhere_to_start(self):
        if not (self.start_urls or self.feeds or self.sitemaps):
            raise ValueError("a news source needs start_urls, feeds or sitemaps")
        return self


class PageSource(SourceBase):
    type: Literal["page"]
    urls: list[str] = Field(min_length=1)
    # Optional CSS selector for the part of the page to watch; default is the main content.
    selector: str | None = None

    _urls = field_validator("urls")(lambda values: [_check_http_url(v) for v in values])


# -- Civica CMIS councils (spiders/councils/cmis.py) --------------------------------------
class CmisSource(SourceBase):
    type: Literal["cmis"]
    base_url: str
    # The meeting list view, relative to base_url; its tab and module ids differ per site
    # ("Meetings/tabid/70/ctl/MeetingCalendarListView/mid/397/Default.aspx").
    meetings_page: str
    # Meetings this many days back and ahead of today are (re)checked.
    lookback_days: int = Field(default=90, ge=0)
    lookahead_days: int = Field(default=60, ge=0)
    # Download linked reports and version their text.
    documents: bool = False

    _base = field_validator("base_url")(lambda value: _check_http_url(value).rstrip("/") + "/")


SOURCE_MODELS = (ModernGovSource, NewsSource, PageSource, CmisSource)
Source = Annotated[
    ModernGovSource | NewsSource | PageSource | CmisSource, Field(discriminator="type")
]
# The `type` names a source may have, for error messages: from the models, so a new
# platform's model is all it takes.
SOURCE_TYPES = [get_args(m.model_fields["type"].annotation)[0] for m in SOURCE_MODELS]


class Topic(Model):
    keywords: list[str] = Field(min_length=1)


# A subscription key that turns an alert channel on (alerts/channels/ names it as the
# channel's `config_key`); a subscription needs at least one.
ChannelKey = Annotated[str | None, Field(json_schema_extra={"channel": True})]


class Subscription(Model):
    name: str
    email: ChannelKey = None
    webhook: ChannelKey = None
    # Name of the environment variable holding the webhook's signing secret (whsec_...).
    webhook_secret_env: str | None = None
    # Name of the environment variable holding an Apprise URL (Slack, Discord, Matrix, ...).
    apprise_env: ChannelKey = None
    # Where to write this subscription's Atom feed of changes.
    feed: ChannelKey = None
    sources: list[str] = []
    topics: list[str] = []
    committees: list[str] = []
    kinds: list[Literal[*CHANGE_KINDS]] = list(DEFAULT_ALERT_KINDS)  # type: ignore[valid-type]
    digest: Literal["immediate", "daily"] = "immediate"
    digest_hour: int = Field(default=7, ge=0, le=23)  # UK time

    @model_validator(mode="after")
    def _has_channel(self):
        keys = channel_keys()
        if not any(getattr(self, key) for key in keys):
            raise ValueError(f"a subscription needs {', '.join(keys[:-1])} or {keys[-1]}")
        if self.webhook:
            _check_http_url(self.webhook)
            if not self.webhook_secret_env:
                raise ValueError(
                    "a webhook needs webhook_secret_env (the signing secret's variable)"
                )
        return self


def channel_keys() -> list[str]:
    """The subscription keys that turn an alert channel on, in the order they are declared."""
    return [
        name
        for name, info in Subscription.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("channel")
    ]


class Smtp(Model):
    host: str = "localhost"
    port: int = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str | None = None
    sender: str = "councilwatch <councilwatch@localhost>"
    timeout: float = 30


class Maintainers(Model):
    email: str | None = None
    webhook: str | None = None
    webhook_secret_env: str | None = None
    # A URL with a problem (HTTP error, refused, suspect page, redirected away) in this
    # many crawls of its source in a row is reported to the maintainers, once.
    url_failures_before_alert: int = Field(default=2, ge=1)


class Database(Model):
    url: str | None = None


class Crawl(Model):
    # Goes into the User-Agent so a council's webmaster can reach whoever runs the crawl.
    contact: str = "https://github.com/councilwatch/councilwatch"
    # How many sources are crawled at once by `crawl` and `run`, each in its own crawl
    # process (about 100-200 MB each while it runs) and each at its own site's pace.
    sources_in_parallel: int = Field(default=16, ge=1, le=64)
    # A crawl that has had no response for this long is stopped and counted as failed.
    # A crawl that keeps receiving pages is never stopped for taking long.
    stall_minutes: float = Field(default=10, gt=0)
    # Pages one crawl of a source fetches at most (0: no limit). The next crawl fetches
    # the pages not fetched for longest first, so a large council is covered in passes.
    max_pages: int = Field(default=3000, ge=0)
    # Deprecated (it used to stop every crawl after this long, progress or not): read as
    # `stall_minutes` when that is not set, so old configs keep working.
    timeout_minutes: int | None = Field(default=None, ge=1)
    # Seconds between requests to one site, and requests in flight per site. Council
    # servers are small public services: keep these polite for real sites. AutoThrottle
    # slows down further when a site answers slowly.
    delay_seconds: float = Field(default=2.0, ge=0)
    concurrency: int = Field(default=1, ge=1, le=16)
    # Where each crawl writes its log file (relative paths are beside the config file).
    log_dir: str = "logs"

    @model_validator(mode="before")
    @classmethod
    def _timeout_is_stall(cls, data):
        if isinstance(data, dict) and "timeout_minutes" in data and "stall_minutes" not in data:
            data = {**data, "stall_minutes": data["timeout_minutes"]}
        return data


class Alerts(Model):
    # Public base URL of `councilwatch serve`, for "see the stored version" links.
    archive_url: str | None = None
    schedule: Cron = "*/10 * * * *"

    _cron = field_validator("schedule")(_check_cron)


class Config(Model):
    database: Database = Database()
    crawl: Crawl = Crawl()
    sources: list[Source] = []
    topics: dict[str, Topic] = {}
    subscriptions: list[Subscription] = []
    smtp: Smtp = Smtp()
    maintainers: Maintainers = Maintainers()
    alerts: Alerts = Alerts()
    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _references(self):
        names = [s.name for s in self.sources]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"source names must be unique: {', '.join(sorted(dupes))}")
        for i, source in enumerate(self.sources):
            for topic in source.topics:
                if topic not in self.topics:
                    raise ValueError(f"sources[{i}].topics: no [topics.{topic}] table")
        for i, sub in enumerate(self.subscriptions):
            for topic in sub.topics:
                if topic not in self.topics:
                    raise ValueError(f"subscriptions[{i}].topics: no [topics.{topic}] table")
            for name in sub.sources:
                if name not in names:
                    raise ValueError(f"subscriptions[{i}].sources: no source named {name!r}")
        return self

    def source(self, name: str) -> ModernGovSource | NewsSource | PageSource:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise ConfigError(f"unknown source {name!r} (known: {known})")

    def subscription(self, name: str) -> Subscription:
        for sub in self.subscriptions:
            if sub.name == name:
                return sub
        known = ", ".join(s.name for s in self.subscriptions) or "none configured"
        raise ConfigError(f"unknown subscription {name!r} (known: {known})")

    def keywords(self, topic: str) -> list[str]:
        return list(self.topics[topic].keywords)

    def check_secrets(self, only: str | None = None) -> list[str]:
        """The value of every secret the config names (`*_env`); ConfigError, naming the key
        and the variable (never a value), when one is unset or a webhook secret is weak.

        Commands that may send call this as they start, so a cron job fails at once and
        loudly instead of queueing alerts that can never be delivered. `only` limits it to
        what one subscription (or "maintainers") uses, for `alerts test NAME`.
        """
        wanted: list[tuple[str, str, bool]] = []  # (key, variable, is a webhook secret)
        email = False
        for i, sub in enumerate(self.subscriptions):
            if only is not None and sub.name != only:
                continue
            where = f"subscriptions[{i}] ({sub.name})"
            email = email or bool(sub.email)
            if sub.webhook_secret_env:
                wanted.append((f"{where}.webhook_secret_env", sub.webhook_secret_env, True))
            if sub.apprise_env:
                wanted.append((f"{where}.apprise_env", sub.apprise_env, False))
        if only in (None, "maintainers"):
            email = email or bool(self.maintainers.email)
            if self.maintainers.webhook_secret_env:
                wanted.append(
                    ("maintainers.webhook_secret_env", self.maintainers.webhook_secret_env, True)
                )
        if self.smtp.password_env and (only is None or email):
            wanted.append(("smtp.password_env", self.smtp.password_env, False))
        values = []
        for key, variable, webhook in wanted:
            value = os.environ.get(variable)
            if not value:
                raise ConfigError(f"{self.path or 'config'}: {key}: ${variable} is not set")
            if webhook and len(webhook_key(value)) < WEBHOOK_SECRET_MIN_BYTES:
                raise ConfigError(
                    f"{self.path or 'config'}: {key}: the secret in ${variable} is too short "
                    f"(a webhook secret needs at least {WEBHOOK_SECRET_MIN_BYTES} random bytes; "
                    'make one with: python -c "import base64,os; '
                    "print('whsec_' + base64.b64encode(os.urandom(32)).decode())\")"
                )
            values.append(value)
        return values


# Standard Webhooks secrets are 24 to 64 random bytes; fewer can be guessed.
WEBHOOK_SECRET_MIN_BYTES = 24


def webhook_key(secret: str) -> bytes:
    """The signing key a webhook secret stands for, read as the Standard Webhooks library
    reads it: base64 after an optional `whsec_` prefix."""
    import base64
    import binascii

    try:
        return base64.b64decode(secret.removeprefix("whsec_") + "==")
    except (binascii.Error, ValueError):
        return b""


def find_config(path: str | Path | None = None) -> Path | None:
    """The config file to use: --config, then $COUNCILWATCH_CONFIG, then ./councilwatch.toml."""
    if path:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    default = Path(DEFAULT_CONFIG)
    return default if default.exists() else None


def load_config(path: str | Path | None = None, required: bool = False) -> Config:
    found = find_config(path)
    if found is None:
        if required:
            raise ConfigError(f"no {DEFAULT_CONFIG} here; run `councilwatch init` to write one")
        return Config()
    if not found.exists():
        raise ConfigError(f"{found}: no such file")
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{found}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{found}: not UTF-8 text") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{found}: {_describe(exc, data)}") from None
    return config.model_copy(update={"path": found.resolve()})


def _describe(exc: ValidationError, data: dict) -> str:
    """The first problem as `key: problem`, with list positions and source names spelled out."""
    err = exc.errors()[0]
    parts: list[str] = []
    loc = list(err["loc"])
    node = data
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                node = node[part]
                if "name" in node and i + 1 < len(loc):
                    parts[-1] += f" ({node['name']})"
            continue
        if part in SOURCE_TYPES and isinstance(node, dict):
            continue  # the discriminator's own name in pydantic's path
        parts.append(str(part))
        node = node.get(part, {}) if isinstance(node, dict) else {}
    key = ".".join(parts) or "(top level)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "union_tag_invalid":
        msg = f"type must be one of {', '.join(SOURCE_TYPES)}"
    elif err["type"] == "union_tag_not_found":
        msg = f"type is missing ({', '.join(SOURCE_TYPES)})"
    msg = msg.removeprefix("Value error, ")
    return f"{key}: {msg}"


def database_url(cli_value: str | None, config: Config) -> str:
    """--db, then $COUNCILWATCH_DB, then [database] url, then an SQLite file here."""
    return cli_value or os.environ.get(DB_ENV) or config.database.url or DEFAULT_URL
