"""Fixtures every test may use: real archives (SQLite file and PostgreSQL), the replay
server, a config writer, the real `councilwatch` command, a small campaign site with a config
watching it, and the journalist archive (tests/helpers/archive_data.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from councilwatch.replay import ReplayServer
from tests.helpers.command import councilwatch
from tests.helpers.databases import DATABASES, fresh_database, opened_archive, postgres_database

PG_ADMIN_URL = os.environ.get(
    "COUNCILWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SHARED_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _postgres_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    problem = _postgres_reachable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must be reachable in CI at {PG_ADMIN_URL}: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL} ({problem})")
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with postgres_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    """The same test on an SQLite file and on PostgreSQL."""
    with fresh_database(request, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=DATABASES)
def module_db_url(request, tmp_path_factory):
    """As `db_url`, one for all the tests of a module: for the archives that cost seconds
    to make (crawled, or migrated) and that the module's tests only read or keep apart."""
    with fresh_database(request, tmp_path_factory.mktemp("module-db")) as url:
        yield url


@pytest.fixture
def archive(db_url):
    with opened_archive(db_url) as archive:
        yield archive


@pytest.fixture
def replay():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def write_config(tmp_path):
    """Write a councilwatch.toml into the test's folder; crawls there are never delayed."""

    def write(body: str, *, polite: bool = False) -> Path:
        path = tmp_path / "councilwatch.toml"
        crawl = "" if polite else "[crawl]\ndelay_seconds = 0\ntimeout_minutes = 5\n\n"
        path.write_text(crawl + body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(tmp_path):
    """Run the real `councilwatch` command in the test's folder."""

    def run(*args: str, db: str | None = None, env: dict | None = None, input: str | None = None):
        return councilwatch(tmp_path, *args, db=db, env=env, input=input)

    return run


PAGES = {
    "/response": "Our response: we object to closing 31 of 44 children's centres.",
    "/petition": "The petition has 60 signatures so far.",
    "/budget": "The council proposes a £14m cut to early intervention.",
    "/meeting": "Cabinet meets on 24 November to decide the future of the centres.",
}


def page_html(title: str, text: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | News</nav>"
        f"<main><h1>{title}</h1><p>{text}</p></main><footer>(c) campaign</footer></body></html>"
    )


@pytest.fixture
def campaign_site(replay):
    """Four watched pages. `slow(seconds, notices=N)` makes every page but the first answer
    slowly and adds N notice pages, so a crawl is still busy when a test interrupts it."""

    def serve(delay: float = 0.0, notices: int = 0) -> None:
        pages = dict(PAGES)
        for n in range(notices):
            pages[f"/notice/{n}"] = f"Public notice {n}: the consultation closes on 5 January."
        for i, (path, text) in enumerate(pages.items()):
            replay.add(path, page_html(path.strip("/").title(), text), delay=delay if i else 0.0)
        replay.paths = list(pages)

    serve()
    replay.slow = serve
    return replay


@pytest.fixture
def campaign_config(write_config, campaign_site):
    """Writes councilwatch.toml with source `camp` (and any extra TOML) and returns its path."""

    def write(schedule: str = "0 6 * * *", extra: str = "") -> Path:
        urls = ", ".join(f'"{campaign_site.url.rstrip("/")}{p}"' for p in campaign_site.paths)
        return write_config(
            f'[[sources]]\nname = "camp"\ntype = "page"\nurls = [{urls}]\n'
            f'schedule = "{schedule}"\n\n{extra}'
        )

    return write


@dataclass
class Built:
    url: str
    archive: object


@pytest.fixture(scope="session", params=DATABASES)
def journalist_archive(request, tmp_path_factory):
    """The archive above, on an SQLite file and on PostgreSQL; tests must only read it."""
    from storage.db import open_archive
    from tests.helpers.archive_data import build

    with fresh_database(request, tmp_path_factory.mktemp("journalist")) as url:
        archive = open_archive(url)
        build(archive)
        yield Built(url, archive)
        archive.dispose()


@pytest.fixture(scope="session")
def journalist_sqlite_url(tmp_path_factory) -> str:
    """The same archive on an SQLite file only, for the (slower) command-line tests: the
    queries behind the commands are tested on both databases."""
    from storage.db import open_archive
    from tests.helpers.archive_data import build

    url = f"sqlite:///{tmp_path_factory.mktemp('journalist-cli') / 'archive.db'}"
    archive = open_archive(url)
    build(archive)
    archive.dispose()
    return url
