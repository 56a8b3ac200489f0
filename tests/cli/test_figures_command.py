"""`councilwatch figures` on text, HTML, PDF, stdin and a URL served by the replay server."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from councilwatch.cli import app
from councilwatch.commands.compare import document_text
from monitor.figures import extract_figures
from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "seeds"


def one_page_pdf(text: str) -> bytes:
    """A real single-page PDF showing `text` in Helvetica (what a council report is, minimally)."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("cp1252") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_figures_json_on_a_seed_article_lists_its_money_and_counts(cli):
    result = cli("figures", str(FIXTURES / "oxford-mail-redundancies.txt"), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert {"kind": "count", "value": 200, "unit": "count", "denominator": None, "subject": "redundancies",
            "text": "200"}.items() <= figures[0].items()  # fmt: skip
    assert any(f["kind"] == "money" and f["value"] == 4_100_000 for f in figures)


def test_figures_reads_the_main_content_of_an_html_page():
    page = (
        "<html><head><title>Budget</title><script>var x = '£99m';</script></head><body>"
        "<nav>Home | 24 hours news</nav><main><p>Cabinet agreed a &pound;14m<br>new service.</p>"
        "</main></body></html>"
    )
    figures = extract_figures(document_text(page.encode("utf-8"), "page.html"))
    assert [(f.value, f.subject) for f in figures] == [(14_000_000, "new service")]


def test_figures_reads_a_pdf_report():
    report = one_page_pdf("Cabinet agreed to close 31 of 44 children's centres.")
    [figure] = extract_figures(document_text(report, "report.pdf"))
    assert (figure.value, figure.denominator, figure.subject) == (31, 44, "children's centres")


def test_figures_reads_stdin_and_prints_readable_lines(cli):
    result = cli("figures", "-", input="The council plans 200 redundancies.\n")
    assert result.returncode == 0, result.stderr
    assert "redundancies" in result.stdout and "200" in result.stdout


def test_figures_fetches_a_url_the_user_gives(cli, replay):
    replay.add("/report.txt", "An overspend of £4.1m is forecast.", content_type="text/plain")
    result = cli("figures", replay.url + "report.txt", "--json")
    [figure] = json.loads(result.stdout)["figures"]
    assert (figure["value"], figure["subject"]) == (4_100_000, "overspend")


def test_a_missing_file_is_one_line_without_a_traceback(cli):
    result = cli("figures", "no-such-report.pdf")
    assert result.returncode == 2
    assert result.stderr.strip() == "councilwatch: figures: no such file: no-such-report.pdf"


def test_figures_and_compare_help_show_an_example():
    runner = CliRunner()
    assert "Example: councilwatch figures" in runner.invoke(app, ["figures", "--help"]).output
    assert "Example: councilwatch compare" in runner.invoke(app, ["compare", "--help"]).output
