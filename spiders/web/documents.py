"""Council reports and other linked documents (PDF, Word .docx, HTML) as versioned text.

Decisions and the figures behind them often live only in a PDF report. Each document
becomes one `document` kind DocumentItem keyed `<source>:document:<ident>` (ident: the
ModernGov attachment id, or the URL) with fields `{"title", "text"}`. The raw file is
kept by the archive content-addressed like any page body, so a report replaced at
the same URL is a new version of the same document and its figures can be compared.

A document with no extractable text (a scanned PDF without a text layer, an encrypted
or corrupt file, an old binary .doc) raises `DocumentUnreadable` with a message for
the crawl's problem list: an empty document in the archive would hide the problem and
later look like "all text removed".

Callers in a spider catch `DocumentUnreadable` and call `spider.problem`.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from urllib.parse import unquote, urlsplit

from lxml import etree

from spiders.items import DocumentItem, PageItem, document_key, media_type, page_of
from spiders.settings import DOWNLOAD_MAXSIZE

log = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
# Below this many letters or digits a "text" is page numbers and stray marks, not prose.
MIN_TEXT_CHARS = 20
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What a .docx may unpack to: the download limit, applied to what is unpacked as well.
MAX_UNPACKED = DOWNLOAD_MAXSIZE


class DocumentUnreadable(ValueError):
    """The document's text could not be extracted; the message says why."""


def _kind(response) -> str:
    """'pdf', 'docx', 'doc' or 'html', from the bytes first: servers often say octet-stream."""
    body = response.body
    if body[:5] == b"%PDF-" or (b"%PDF-" in body[:1024] and media_type(response) == PDF):
        return "pdf"
    if body[:4] == b"PK\x03\x04":
        return "docx"
    if body[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    ctype = media_type(response)
    if ctype == PDF:
        return "pdf"
    if ctype == DOCX:
        return "docx"
    if ctype == DOC:
        return "doc"
    return "html"


def _clean_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _meaningful(text: str) -> bool:
    return sum(c.isalnum() for c in text) >= MIN_TEXT_CHARS


def pdf_text(body: bytes) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            # Many council PDFs are "encrypted" with an empty user password only to stop
            # editing; they open fine. A real password is a problem to report.
            try:
                if not reader.decrypt(""):
                    raise DocumentUnreadable("PDF is password-protected; no text extracted")
            except (NotImplementedError, PdfReadError) as exc:
                raise DocumentUnreadable(f"PDF is encrypted ({exc}); no text extracted") from None
        pages = [_clean_lines(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
        title = info.title if info is not None else None
    except DocumentUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        raise DocumentUnreadable(
            f"PDF could not be read ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None
    text = "\n\n".join(p for p in pages if p)
    if not _meaningful(text):
        raise DocumentUnreadable(
            f"PDF has no text layer ({len(pages)} page(s); a scan?); not stored"
        )
    return _clean_title(title), text


def _unzipped(archive: zipfile.ZipFile, name: str, max_size: int) -> bytes:
    """One member of a zip, refused when it unpacks to more than `max_size` bytes: its
    header's size is checked first, and the read stops past the limit whatever the header
    claims (a zip bomb can lie there)."""
    info = archive.getinfo(name)
    if info.file_size > max_size:
        raise DocumentUnreadable(
            f"Word document refused: {name} unpacks to {info.file_size} bytes, "
            f"over the {max_size}-byte limit (a zip bomb?); not stored"
        )
    with archive.open(info) as member:
        data = member.read(max_size + 1)
    if len(data) > max_size:
        raise DocumentUnreadable(
            f"Word document refused: {name} unpacks to over the {max_size}-byte limit "
            "(a zip bomb?); not stored"
        )
    return data


def docx_text(body: bytes, max_size: int = MAX_UNPACKED) -> tuple[str | None, str]:
    """Paragraphs and table cells of a Word .docx, in document order (no extra dependency:
    a .docx is a zip of WordprocessingML)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            xml = _unzipped(archive, "word/document.xml", max_size)
            try:
                core = _unzipped(archive, "docProps/core.xml", max_size)
            except KeyError:
                core = None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise DocumentUnreadable(f"Word document could not be read ({exc})") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentUnreadable(f"Word document is corrupt ({exc})") from None
    paragraphs = []
    for para in root.iter(f"{W}p"):
        parts = []
        for node in para.iter(f"{W}t", f"{W}tab", f"{W}br"):
            parts.append(node.text or "" if node.tag == f"{W}t" else " ")
        line = " ".join("".join(parts).split())
        if line:
            paragraphs.append(line)
    text = "\n".join(paragraphs)
    if not _meaningful(text):
        raise DocumentUnreadable("Word document has no text; not stored")
    title = None
    if core:
        try:
            found = etree.fromstring(core, parser).find("{http://purl.org/dc/elements/1.1/}title")
            title = found.text if found is not None else None
        except etree.XMLSyntaxError:
            title = None
    return _clean_title(title), text


def html_text(response) -> tuple[str | None, str]:
    from spiders.web.page import page_text, response_text

    title, text = page_text(response_text(response))
    if not _meaningful(text):
        raise DocumentUnreadable("document page has no text; not stored")
    return title, text


def _clean_title(title: str | None) -> str | None:
    """PDF titles are often the authoring tool's: "Microsoft Word - 2016-11 Report.docx"."""
    if not title:
        return None
    title = re.sub(r"^(?:Microsoft (?:Word|PowerPoint|Excel) - )", "", title.strip())
    title = re.sub(r"\.(?:docx?|pdf|rtf|odt)$", "", title, flags=re.I)
    title = " ".join(title.split())
    return title or None


def _filename(response) -> str | None:
    disposition = (response.headers.get(b"Content-Disposition") or b"").decode("latin-1")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
    name = (
        unquote(match.group(1))
        if match
        else unquote(urlsplit(response.url).path.rsplit("/", 1)[-1])
    )
    name = re.sub(r"\.(?:docx?|pdf)$", "", name, flags=re.I).strip()
    return name or None


def parse_document(response, source: str, ident: str) -> PageItem:
    """The document at `response` as one `document` kind DocumentItem, or DocumentUnreadable."""
    kind = _kind(response)
    if kind == "pdf":
        title, text = pdf_text(response.body)
    elif kind == "docx":
        title, text = docx_text(response.body)
    elif kind == "doc":
        raise DocumentUnreadable("Word 97-2003 .doc files are not supported; not stored")
    else:
        title, text = html_text(response)
    title = title or _filename(response)
    doc = DocumentItem(
        key=document_key(source, "document", ident),
        kind="document",
        url=response.url,
        title=title,
        fields={"title": title, "text": text},
    )
    return page_of(response, source, [doc])
