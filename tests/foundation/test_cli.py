"""The command line: set-up, help, and one clear line for every user error."""

import pytest

COMMANDS = ["init", "db", "crawl", "changes", "history", "export"]


def test_init_writes_a_starter_config_that_loads(cli, tmp_path):
    result = cli("init")
    assert result.returncode == 0, result.stderr
    assert (
        'base_url = "https://mycouncil.oxfordshire.gov.uk/"'
        in (tmp_path / "councilwatch.toml").read_text()
    )


def test_init_refuses_to_overwrite_an_existing_config(cli, tmp_path):
    (tmp_path / "councilwatch.toml").write_text("# mine\n")
    result = cli("init")
    assert result.returncode == 2
    assert (tmp_path / "councilwatch.toml").read_text() == "# mine\n"


def test_db_upgrade_creates_the_archive(cli, db_url):
    result = cli("db", "upgrade", db=db_url)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command):
    result = cli(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout or command == "db"


def test_an_unreachable_database_is_one_line_without_traceback(cli):
    result = cli("changes", db="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.startswith("councilwatch: cannot reach database")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_malformed_config_is_one_line_and_exit_2(cli, tmp_path):
    (tmp_path / "councilwatch.toml").write_text(
        '[[sources]]\nname = "x"\ntype = "page"\nurls = []\n'
    )
    result = cli("crawl")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "sources[0] (x).urls" in result.stderr


def test_history_of_an_unknown_document_says_so(cli, sqlite_url):
    assert cli("db", "upgrade", db=sqlite_url).returncode == 0
    result = cli("history", "camp:page:nowhere", db=sqlite_url)
    assert result.returncode == 2
    assert "no document" in result.stderr


def test_a_bad_since_date_says_how_to_write_one(cli, sqlite_url):
    result = cli("changes", "--since", "the day after never", db=sqlite_url)
    assert result.returncode == 2
    assert "2026-11-01" in result.stderr


def test_scrapy_list_works_from_the_repo_root():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=root, capture_output=True, text=True
    )
    assert "page" in listed.stdout.split()
