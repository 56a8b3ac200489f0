"""The options of `councilwatch` itself, wherever they are typed, and the database URL."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from councilwatch.app import hoist_global_options


def test_global_options_after_the_command_are_accepted(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = cli("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()
    assert cli("changes", f"--db={url}", "--verbose").returncode == 0


def test_config_after_the_command_is_the_config_used(cli, tmp_path):
    (tmp_path / "other.toml").write_text(
        '[[sources]]\nname = "elsewhere"\ntype = "page"\nurls = ["http://127.0.0.1:9/"]\n'
    )
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("db", "upgrade", db=url).returncode == 0
    result = cli("status", "--config", "other.toml", "--json", db=url)
    assert result.returncode == 0, result.stderr
    assert '"elsewhere"' in result.stdout


def test_everything_after_a_double_dash_is_left_alone():
    assert hoist_global_options(["search", "--", "--db", "x"]) == ["search", "--", "--db", "x"]
    assert hoist_global_options(["search", "x", "-v", "--db", "u"]) == [
        "-v", "--db", "u", "search", "x",
    ]  # fmt: skip


def test_version_is_printed_by_the_command_and_by_python_m():
    expected = f"councilwatch {version('councilwatch')}"
    for command in (["-c", "from councilwatch.cli import run; run()"], ["-m", "councilwatch"]):
        result = subprocess.run(
            [sys.executable, *command, "--version"], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected


def test_python_m_councilwatch_runs_the_commands(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "councilwatch", "changes"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no archive at" in result.stderr


def test_shell_completion_is_offered(cli):
    result = cli("--help")
    assert "--install-completion" in result.stdout
    # The script `--show-completion` prints, asked for by name: `--show-completion` itself
    # finds the shell by walking the process tree, which a test run need not have.
    shown = cli(env={"_COUNCILWATCH_COMPLETE": "source_bash"})
    assert shown.returncode == 0, shown.stderr
    assert "_COUNCILWATCH_COMPLETE" in shown.stdout
    assert "complete -o default -F _councilwatch_completion councilwatch" in shown.stdout


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("councilwatch.db", "for an SQLite file write sqlite:///councilwatch.db"),
        ("garbage", "'garbage' is not a database URL"),
        ("mysql://me@127.0.0.1/archive", "unsupported database 'mysql'"),
        ("mysql+pymysql://me@127.0.0.1/archive", "unsupported database 'mysql'"),
    ],
)
def test_a_database_url_councilwatch_cannot_use_is_one_line_and_exit_2(cli, db, expected):
    result = cli("changes", "--db", db)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert expected in line
