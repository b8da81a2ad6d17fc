"""HTML pages and fragments → Layout.

Bytes are decoded by what the page declares, then by what decodes cleanly: GBK and GB2312
are read as GB18030 (a superset), also when the meta tag is malformed or missing. Tables
become span-aware grids; the rest of the report body becomes text rows. On a whole portal
page the body is the element around the report's tables, not the site's navigation.
"""

from __future__ import annotations

import json
import re

import lxml.html
from lxml import etree

from parsers.layout import Cell, Layout
from parsers.vocabulary import ANNUAL_REPORT, prints_tables, readable, starts_report

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB_FAMILY = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn"}

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre "
    "center dd dt dl tr form".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "select", "option"})
# The parts of a layout table (one that holds other tables): read as blocks of text.
LAYOUT_TAGS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"})
_TITLE_SEPARATOR = re.compile(r"[_|｜]| - | — ")


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: BOM, then declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = _CHARSET.search(data[:4096])
    candidates: list[str] = []
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in _GB_FAMILY else name)
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", "replace")


def _cell_text(element: etree._Element) -> str:
    parts: list[str] = []
    for node in element.iter():
        if node.tag in SKIP_TAGS:
            continue
        if node.tag == "br" or (node is not element and node.tag in BLOCK_TAGS):
            parts.append("\n")
        if node.text and node.tag not in SKIP_TAGS:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts).replace("\u00a0", " ").strip()


def _span(element: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(element.get(name, "1")), 200))
    except ValueError:
        return 1


def table_rows(table: etree._Element) -> list[list[Cell]]:
    """The table's rows; each cell knows its grid column, with row and column spans applied."""
    rows: list[list[Cell]] = []
    covered: dict[int, int] = {}  # grid column → rows below still covered by a rowspan
    for tr in table.iter("tr"):
        if _nearest_table(tr) is not table:
            continue
        col = 0
        row: list[Cell] = []
        started: dict[int, int] = {}
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while covered.get(col, 0) > 0:
                col += 1
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            row.append(Cell(_cell_text(td), col, colspan))
            for c in range(col, col + colspan):
                if rowspan > 1:
                    started[c] = rowspan - 1
            col += colspan
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
        covered.update(started)
        rows.append(row)
    return rows


def _nearest_table(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor.tag == "table":
            return ancestor
    return None


def _is_layout(table: etree._Element) -> bool:
    """A table that holds other tables lays out a page (old portals put the navigation in one
    cell and the article in another); the national forms never nest a table."""
    return next(table.iterdescendants("table"), None) is not None


def _report_body(root: etree._Element) -> etree._Element:
    """The element that holds the report: around its tables, without the site's chrome."""
    tables = [t for t in root.iter("table") if not _is_layout(t)]
    for table in tables:
        if not prints_tables(table.text_content()):
            continue
        for ancestor in table.iterancestors():
            if ancestor.tag == "body":
                break
            if starts_report(ancestor.text_content()):
                return ancestor
        return table.getparent() if table.getparent() is not None else root
    body = root.find(".//body")
    return body if body is not None else root


def _linearize(body: etree._Element) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    buffer: list[str] = []

    def flush() -> None:
        for line in "".join(buffer).split("\n"):
            if line.strip():
                rows.append([Cell(line.strip())])
        buffer.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            if element.tail:
                buffer.append(element.tail)
            return
        if tag == "table" and not _is_layout(element):
            flush()
            rows.extend(table_rows(element))
            if element.tail:
                buffer.append(element.tail)
            return
        block = tag in BLOCK_TAGS or tag in LAYOUT_TAGS
        if block or tag == "br":
            buffer.append("\n")
        if element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
        if block:
            buffer.append("\n")
        if element.tail:
            buffer.append(element.tail)

    walk(body)
    flush()
    for row in rows:
        for cell in row:
            cell.text = cell.text.replace("\u00a0", " ")
    return rows


def _titles(root: etree._Element) -> list[str]:
    titles: list[str] = []
    for name in ("ArticleTitle", "articletitle", "title", "og:title"):
        for meta in root.iter("meta"):
            if (meta.get("name") or meta.get("property") or "") == name and meta.get("content"):
                titles.append(meta.get("content").strip())
    title = root.find(".//title")
    if title is not None and title.text and title.text.strip():
        # Portals append column and site: 报告_政府信息公开年报_某某市人民政府
        parts = [p.strip() for p in _TITLE_SEPARATOR.split(title.text) if p.strip()]
        titles += sorted(parts, key=lambda p: ANNUAL_REPORT.search(readable(p)) is None)[:1]
    return [t for t in titles if t]


def layout_from_html(data: bytes | str) -> Layout:
    text = decode_html(data) if isinstance(data, bytes) else data
    # lxml refuses str input that carries an encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise ValueError("empty HTML document")
    root = lxml.html.document_fromstring(text)
    rows = _linearize(_report_body(root))
    return Layout(rows=rows, titles=_titles(root))


# Keys under which script-rendered pages' answers name the document (Epoint: custom.title).
_JSON_TITLE_KEYS = frozenset({"title", "infotitle", "articletitle", "name"})


def layout_from_json_html(data: bytes) -> Layout:
    """A script-rendered page's answer: JSON whose longest string holding markup is the page's
    body (Epoint's getGovInfoDetail: custom.infocontent), read as HTML; its title fields are
    the document's titles."""
    try:
        answer = json.loads(decode_html(data))
    except ValueError as error:
        raise ValueError(f"not JSON: {error}") from error
    strings = list(_json_strings(answer))
    markup = [value for _, value in strings if re.search(r"<\w+[^>]*>", value)]
    if not markup:
        raise ValueError("no HTML body in the JSON answer")
    layout = layout_from_html(f"<html><body>{max(markup, key=len)}</body></html>")
    titles = [v.strip() for k, v in strings if k.lower() in _JSON_TITLE_KEYS and v.strip()]
    layout.titles = titles + layout.titles
    return layout


def _json_strings(value, key: str = ""):
    """(key, string) of every string in a JSON value, depth first."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _json_strings(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, key)
