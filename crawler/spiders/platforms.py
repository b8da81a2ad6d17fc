"""Publishing platforms whose pages are filled by script: where their lists and bodies come from.

- 广东's 政府信息公开平台 (gkmlpt): a body's 年报 list is `…/gkmlpt/annualreport#<catalogue id>`,
  a page that loads `…/gkmlpt/api/all/<catalogue id>?page=N&sid=<site id>`, JSON
  `{"articles": [{"title", "url", "create_time"}, …], "total": N}`; the site id is in the
  page's script (`SID: '175'`).
- Epoint (新点) WebBuilder: a detail page `showinfo.html?infoGuid=<uuid>` is an empty shell; the
  body comes from a POST to `…/rest/…/getGovInfoDetail` with the form field
  `params={"infoid": "<uuid>"}`, JSON whose `custom` holds the HTML (`infocontent`) or a list
  of PDFs (`pdflist`).

Pure functions of a page's URL and text: the spider makes the requests (as public crawler
code and the platforms' own scripts do).
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, urljoin, urlsplit

# ------------------------------------------------------------------ gkmlpt

GKMLPT_SID = re.compile(r"""\bSID\s*[:=]\s*['"]?(\d+)""", re.I)
GKMLPT_API = "api/all/{catalogue}?page={page}&sid={sid}"  # beside the page, under …/gkmlpt/


def gkmlpt_list_url(url: str, fragment: str, text: str, page: int = 1) -> str | None:
    """The JSON list behind a gkmlpt page reached as `url#fragment`, or None when the page is
    not one (no catalogue id in the fragment, no site id in its script)."""
    sid = GKMLPT_SID.search(text)
    if not fragment.isdigit() or sid is None:
        return None
    return urljoin(url, GKMLPT_API.format(catalogue=fragment, page=page, sid=sid.group(1)))


def gkmlpt_articles(body: bytes) -> list[tuple[str, str]] | None:
    """(url, title) of the articles a gkmlpt list answer holds; None when it is no such list."""
    data = _json(body)
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        return None
    return [
        (str(a.get("url") or a.get("post_url")), str(a.get("title") or ""))
        for a in data["articles"]
        if isinstance(a, dict) and (a.get("url") or a.get("post_url"))
    ]


def gkmlpt_pages(api_url: str, body: bytes) -> list[str]:
    """The list's further pages, when `api_url` asked for its first: page=2 … total/per page."""
    data = _json(body)
    query = parse_qs(urlsplit(api_url).query)
    if query.get("page") != ["1"] or not isinstance(data, dict):
        return []
    per_page = len(data.get("articles") or [])
    try:
        total = int(data.get("total") or 0)
    except (TypeError, ValueError):
        return []
    if not per_page or total <= per_page:
        return []
    last = math.ceil(total / per_page)
    return [re.sub(r"([?&]page=)1\b", rf"\g<1>{page}", api_url) for page in range(2, last + 1)]


# ------------------------------------------------------------------ Epoint WebBuilder

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
EPOINT_GUID = re.compile(rf"""(?:infoGuid|infoid)['"]?\s*[:=]\s*['"]?({_GUID})""", re.I)
EPOINT_ENDPOINT = re.compile(r"""['"]([^'"\s]*/rest/[^'"\s]*getGovInfoDetail)['"]""", re.I)
EPOINT_PROJECT = re.compile(r"""projectName['"]?\s*:\s*['"](/[^'"]*)['"]""")
EPOINT_DEFAULT_ACTION = "/rest/frontAppNotNeedLoginAction/getGovInfoDetail"


def epoint_detail(url: str, text: str) -> tuple[str, dict[str, str]] | None:
    """(endpoint URL, form) of the POST that fills an Epoint detail shell, or None when the
    page is not one: it names no info GUID, or neither the endpoint nor an Epoint project."""
    query = {k.lower(): v for k, v in parse_qs(urlsplit(url).query).items()}
    guid = next(
        (
            v[0]
            for k in ("infoguid", "infoid")
            for v in [query.get(k)]
            if v and re.fullmatch(_GUID, v[0])
        ),
        None,
    )
    if guid is None:
        found = EPOINT_GUID.search(text)
        guid = found.group(1) if found else None
    project = EPOINT_PROJECT.search(text)
    endpoint = EPOINT_ENDPOINT.search(text)
    if guid is None or (endpoint is None and project is None):
        return None
    path = endpoint.group(1) if endpoint else EPOINT_DEFAULT_ACTION
    if path.startswith("/rest/") and project:  # written as projectName + '/rest/…'
        path = project.group(1).rstrip("/") + path
    return urljoin(url, path), {"params": json.dumps({"infoid": guid})}


def epoint_content(body: bytes) -> tuple[str, list[str]] | None:
    """(body HTML, attachment paths) of a getGovInfoDetail answer; None when it is none."""
    data = _json(body)
    if not isinstance(data, dict):
        return None
    custom = data.get("custom", data)
    if isinstance(custom, dict) and isinstance(custom.get("data"), dict):
        custom = custom["data"]
    if not isinstance(custom, dict):
        return None
    html = custom.get("infocontent") or custom.get("infoContent") or ""
    files = custom.get("pdflist") or custom.get("pdfList") or custom.get("attachlist") or []
    paths = [
        str(f.get("attachurl") or f.get("attachUrl") or f.get("url") or "")
        for f in files
        if isinstance(f, dict)
    ]
    return str(html), [p for p in paths if p]


def _json(body: bytes):
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
