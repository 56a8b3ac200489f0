"""`councilwatch demo` runs to the end with no network and no configuration, finds the
council's and the newsroom's real edits, stays silent about template-only ones, shows the
alerts that would be sent, and leaves an archive the other commands can explore."""

from __future__ import annotations

import json
import re


def test_the_demo_runs_to_the_end_and_exits_0(demo_run):
    assert demo_run.result.returncode == 0, demo_run.result.stdout + demo_run.result.stderr
    assert "Traceback" not in demo_run.result.stderr


def test_every_crawl_of_the_demo_finishes_ok(demo_run):
    for crawl in ("first crawl", "second crawl"):
        for source in ("kingston", "oxford-mail"):
            assert re.search(rf"{crawl}: {source} ok - ", demo_run.result.stderr), (
                demo_run.result.stderr
            )


def test_the_demo_shows_the_decision_called_in(demo_run):
    assert "status: Recommendations Approved -> Called In" in demo_run.result.stdout


def test_the_demo_shows_the_council_figure_revised(demo_run):
    assert "£1,800 -> £2,100" in demo_run.result.stdout


def test_the_demo_shows_the_item_added_to_the_agenda(demo_run):
    assert "item added: Manorgate Road Experimental Order - Objections" in demo_run.result.stdout


def test_the_demo_shows_the_news_figure_revised(demo_run):
    assert re.search(r"redundancies: 200 -> 250", demo_run.result.stdout)


def test_template_only_edits_report_no_change(demo_run):
    section = demo_run.result.stdout.split("Template-only edits")[1].split("Alerts that")[0]
    assert section.count("no change reported, 1 version stored") == 2, section


def test_the_demo_renders_the_email_that_would_be_sent(demo_run):
    out = demo_run.result.stdout
    assert "To: residents-group@example.org" in out
    assert re.search(r"Subject: councilwatch: \d+ changes in \d+ documents", out)


def test_the_demo_renders_a_signed_webhook_that_would_be_sent(demo_run):
    out = demo_run.result.stdout
    assert "POST https://newsroom.example.org/hooks/councilwatch" in out
    assert re.search(r"^webhook-signature: v1,\S+=$", out, re.M)
    assert '"type": "document.changed"' in out


def test_the_demo_prints_the_next_commands_to_try(demo_run):
    out = demo_run.result.stdout
    for command in ("councilwatch changes", "councilwatch search", "councilwatch serve",
                    "councilwatch init"):  # fmt: skip
        assert command in out


def test_the_archive_is_left_for_the_other_commands_to_explore(demo_run):
    assert (demo_run.demo_dir / "councilwatch.db").exists()
    changes = demo_run.councilwatch("changes", "--json")
    assert changes.returncode == 0, changes.stderr
    kinds = {c["kind"] for c in json.loads(changes.stdout)["changes"]}
    assert {"status", "figure", "item_added"} <= kinds
    history = demo_run.councilwatch("history", "kingston:decision:13567", "--json")
    assert history.returncode == 0, history.stderr
    assert len(json.loads(history.stdout)["versions"]) == 2


def test_the_demo_refuses_a_folder_holding_someone_elses_config(demo_run):
    (demo_run.folder / "mine").mkdir()
    (demo_run.folder / "mine" / "councilwatch.toml").write_text("[[sources]]\n")
    refused = demo_run.councilwatch("demo", "--dir", "mine", cwd=demo_run.folder)
    assert refused.returncode == 2
    assert "already has a councilwatch.toml" in refused.stderr
    assert (demo_run.folder / "mine" / "councilwatch.toml").read_text() == "[[sources]]\n"
