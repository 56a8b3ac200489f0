"""Helpers for the news, watched-page and document tests: saved pages and made-up reports.

Plain functions live here rather than in conftest.py, which pytest imports under one
shared module name; test modules import from this module by its own name.
"""

from __future__ import annotations

import io
import json
import zipfile

from scrapy.http import HtmlResponse, Request, Response

from tests.helpers import DEMO_SITE
from tests.helpers import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "web"
# The Oxford Mail stories are the demo news site's pages (the demo site is the test site).
NEWS = DEMO_SITE / "news"
NEWS_EDITED = DEMO_SITE / "news_edit"

CHILDRENS_SERVICES = [
    "children's centre",
    "early intervention",
    "looked-after children",
    "children's social care",
    "family support",
    "youth service",
    "safeguarding",
    "SEND",
]


def fixture_bytes(name: str) -> bytes:
    """A saved page by file name: a web capture, or one of the demo's news pages."""
    for folder in (FIXTURES, NEWS):
        if (folder / name).exists():
            return (folder / name).read_bytes()
    raise FileNotFoundError(f"no saved page {name} in {FIXTURES} or {NEWS}")


def html_response(name_or_body: str | bytes, url: str = "https://www.oxfordmail.co.uk/news/1.x/"):
    body = fixture_bytes(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return HtmlResponse(url=url, body=body, request=Request(url))


def binary_response(body: bytes, url: str, content_type: str | None = None, headers=None):
    headers = dict(headers or {})
    if content_type:
        headers["Content-Type"] = content_type
    return Response(url=url, body=body, headers=headers, request=Request(url))


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A small real PDF with one page of text in Helvetica (text layer included), built by
    hand so that tests need no PDF-writing dependency. `lines` are WinAnsi text."""

    def esc(text: str) -> bytes:
        raw = text.encode("cp1252")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    ops = [b"BT /F1 11 Tf 14 TL 50 780 Td"]
    for line in lines:
        ops.append(b"(" + esc(line) + b") Tj T*")
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    if title:
        objects.append(b"<< /Title (" + esc(title) + b") >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    info = f" /Info {len(objects)} 0 R" if title else ""
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_scanned_pdf() -> bytes:
    """A PDF whose only page has no text operators at all, like a scan without OCR."""
    return make_pdf([]).replace(b"BT /F1 11 Tf 14 TL 50 780 Td\nET", b"q 0 0 595 842 re S Q")


def make_docx(paragraphs: list[str], title: str | None = None) -> bytes:
    """A minimal Word .docx (zip of WordprocessingML), as Word writes the parts we read."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{_xml(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("word/document.xml", document)
        if title:
            z.writestr(
                "docProps/core.xml",
                '<?xml version="1.0"?><cp:coreProperties '
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{_xml(title)}</dc:title>'
                "</cp:coreProperties>",
            )
    return out.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def export(cli, db: str, kind: str | None = None) -> dict[str, dict]:
    """`councilwatch export --format jsonl`, by document key."""
    args = ["export", "--format", "jsonl"] + (["--kind", kind] if kind else [])
    result = cli(*args, db=db)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {row["key"]: row for row in rows}
