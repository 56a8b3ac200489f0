"""What every ModernGov (Civica Modern.Gov) page shares: its URLs and ids, the `#modgov`
part of the page, and the web service's XML answers.

Selectors anchor on ModernGov's own `mg*` classes inside `#modgov`, never on the council's
page template (docs/moderngov.md).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from spiders.councils.markup import absolute, css, one_line, or_none, page_name, query_param

# ---------------------------------------------------------------------------------------
# URLs and ids
# ---------------------------------------------------------------------------------------


_ATTACHMENT = re.compile(r"/documents/s(\d+)/", re.I)


def attachment_id(url: str) -> str | None:
    """The attachment id of a linked report: `documents/s{id}/…` or `mgConvert2PDF.aspx?ID=`."""
    found = _ATTACHMENT.search(urlsplit(url).path)
    if found:
        return found.group(1)
    if page_name(url) == "mgconvert2pdf.aspx":
        return query_param(url, "ID")
    return None


def _is_document_link(url: str) -> bool:
    name = page_name(url)
    return (
        "/documents/" in urlsplit(url).path.lower()
        or name in ("mgconvert2pdf.aspx", "mgchoosedocpack.aspx")
        or name.endswith((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt"))
    )


def _link(anchor, base: str) -> dict | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("mailto:", "javascript:", "#")):
        return None
    url = absolute(base, href)
    return {"title": or_none(one_line(anchor)), "url": url, "id": attachment_id(url)}


def document_links(anchors, base: str) -> list[dict]:
    links, seen = [], set()
    for anchor in anchors:
        link = _link(anchor, base)
        if link and _is_document_link(link["url"]) and link["url"] not in seen:
            seen.add(link["url"])
            links.append(link)
    return links


def meeting_url(base: str, mid: str, cid: str | None = None) -> str:
    """One spelling of every meeting page URL, so a meeting is fetched (and stored) once."""
    if cid:
        return urljoin(base, f"ieListDocuments.aspx?CId={cid}&MId={mid}&Ver=4")
    return urljoin(base, f"ieListDocuments.aspx?MId={mid}&Ver=4")


def agenda_item_url(base: str, aiid: str) -> str:
    return urljoin(base, f"mgAi.aspx?ID={aiid}")


def decision_url(base: str, ident: str) -> str:
    return urljoin(base, f"ieDecisionDetails.aspx?ID={ident}")


def issue_url(base: str, iid: str) -> str:
    # The "Issue - meetings" view: every meeting the issue went to, with item and decision.
    return urljoin(base, f"ieIssueDetails.aspx?IId={iid}&PlanId=0&Opt=3")


def canonical(url: str, base: str | None = None) -> str | None:
    """The URL the crawl uses for a page that holds documents, whatever link led to it.

    Built on `base` (the council's base URL) when given: feeds and older pages link with
    absolute URLs whose scheme or host spelling may differ from the configured one.
    """
    base = base or url
    name = page_name(url)
    if name in ("ielistdocuments.aspx", "mglistdocuments.aspx"):
        mid = query_param(url, "MId", "MeetingId")
        return meeting_url(base, mid, query_param(url, "CId")) if mid else None
    if name == "iedecisiondetails.aspx":
        ident = query_param(url, "ID")
        return decision_url(base, ident) if ident else None
    if name in ("mgissuehistoryhome.aspx", "ieissuedetails.aspx", "mgissuehistorychronology.aspx"):
        iid = query_param(url, "IId")
        return issue_url(base, iid) if iid else None
    if name == "mgai.aspx":
        aiid = query_param(url, "ID")
        return agenda_item_url(base, aiid) if aiid else None
    return None


# ---------------------------------------------------------------------------------------
# The ModernGov part of a page
# ---------------------------------------------------------------------------------------

# `#modgov` by the id index libxml2 builds while parsing HTML, instead of testing every
# element of the page: the first element with that id, as the CSS selector's first match.
_MODGOV = etree.XPath("id('modgov')")
CONTENT = css(".mgContent")


def modgov_scope(root: etree._Element) -> etree._Element:
    found = _MODGOV(root)
    return found[0] if found else root


# ---------------------------------------------------------------------------------------
# Web service XML (mgWebService.asmx): GetCommittees, GetMeetings, GetMeeting
# ---------------------------------------------------------------------------------------


class NotWebService(ValueError):
    """The answer is not the XML the operation returns (service disabled, HTML error page)."""


def web_service_xml(response, root: str) -> etree._Element:
    try:
        tree = etree.fromstring(
            response.body, parser=etree.XMLParser(recover=False, resolve_entities=False)
        )
    except etree.XMLSyntaxError as exc:
        raise NotWebService(f"not XML: {exc}") from None
    if tree.tag != root:
        raise NotWebService(f"expected <{root}>, got <{tree.tag}>")
    return tree


def xml_text(el, path: str) -> str:
    return " ".join((el.findtext(path) or "").split())
