"""Mock government portals on 127.0.0.1: the bundled demo site and the crawler's test bed.

One server holds three 年报 columns laid out as real portals lay them out (see
../shared/spec/portals.md), so a crawl meets what it meets in the wild:

- a TRS WCM static column: GBK pages whose charset is declared, malformed or missing, the page
  count only in inline `createPageHTML(...)` script, relative `./YYYYMM/tYYYYMMDD_ID.html`
  links, a report published as a `./P0….pdf` attachment;
- a Hanweb jcms column: the first page inline as `<datastore>` XML, the rest only through
  `/module/web/jpage/dataproxy.jsp` (GET ?page=N or POST startrecord/endrecord), a report
  opened with `window.open('….docx')`;
- a plain `list.html?page=N` list with 下一页/尾页 links, a report as a `.docx` link.

Lists mix reports with non-reports (政府工作报告, 通知, navigation) and traps: a 404, a 瑞数 412
challenge, an off-site redirect, a 下一页 that never ends, and a link into a robots.txt-disallowed
path. Every document carries ETag/Last-Modified and answers conditional GETs with 304.

Standard library only (plus python-docx to build the DOCX attachments). The server binds to
the address it is given (loopback by default) and never connects anywhere.

    python -m crawler.demoportal [--port 8000] [--host 127.0.0.1] [--documents DIR]
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import html
import io
import math
import re
import signal
import socket
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, quote, unquote, urlsplit

DEFAULT_DOCUMENTS = Path(__file__).resolve().parent / "demo_documents"

HTML = "text/html"  # what TRS and plain servers send: no charset, the page must say (or not)
HTML_UTF8 = "text/html;charset=UTF-8"  # what Hanweb's Tomcat sends
XML_UTF8 = "text/xml;charset=UTF-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT_TYPES = {"pdf": PDF, "docx": DOCX}

KINDS = ("trs", "hanweb", "plain")
TRS_COLUMN = "/zwgk/zfxxgknb/"
TRS_PAGES = 3  # fixed: createPageHTML says 3, however many reports are added
HANWEB_COLUMN, HANWEB_UNIT, HANWEB_WEBID = 1234, "5678", 18
HANWEB_PERPAGE = 3
HANWEB_SITE = "某某市人民政府"
PLAIN_COLUMN = "/xxgk/ndbg/"
PLAIN_PERPAGE = 3
OFFSITE = "http://offsite.invalid/x.html"

# The three ways a GBK page tells (or fails to tell) its charset; cycled over TRS pages.
GBK_META = {
    "gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
    "malformed": '<meta httpequiv="ContentType" content="text/html; charset=gbk">',
    "none": "",
}
GBK_VARIANTS = tuple(GBK_META)

ROBOTS = b"User-agent: *\nDisallow: /private/\nAllow: /\n"
RUISHU_412 = (
    b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    b'<meta id="9DhefwqGPrzGxEp9hPaoag" content="o7Ek2NqZXLkAzb1n0xWKDWZ5N7uE3Sv" r="m">'
    b"<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;"
    b'$_ts.cd="qEcrrAlqHcLkrGAqxqVWqcLrmGVqrqlqxGaqcGLrqAlqHcLkrGAqxqVWq";</script>'
    b"<script src=\"/abc/def.js\" r='m'></script></head><body></body></html>"
)


@dataclass
class PortalReport:
    """One report the portal publishes: what a complete crawl must find."""

    title: str  # link text in the column list
    page_url: str  # absolute URL of the detail page
    document_url: str  # the page itself, or its pdf/docx attachment
    format: str  # "html", "pdf", "docx"


@dataclass
class Resource:
    """One URL's answer. Bytes change only through touch(), so ETags are stable across runs."""

    body: bytes
    content_type: str
    modified: int  # epoch seconds, sent as Last-Modified
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Entry:
    """One line of a column list: a report, a non-report article or a trap."""

    title: str
    href: str  # as the list writes it (TRS: relative, others: root-relative)
    date: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Placement:
    """Where a file of the documents directory is published, under which title."""

    kind: str
    file: str
    title: str
    date: str
    format: str = "html"  # html: wrapped in the portal's article page; raw: served as is; pdf/docx


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


# Titles are the documents' own; the dates are when such reports are published (Jan-Mar).
# Seeds 002 and 003 appear twice, as an HTML page on one portal and as a DOCX attachment on
# another, as county reports are republished by the city above them.
CATALOGUE = (
    Placement("trs", "pingtan-2025.html", "平潭综合实验区2025年度政府信息公开工作年度报告", "2026-03-10", "raw"),
    Placement("trs", "huaian-2024.pdf", "淮安市人民政府2024年政府信息公开工作年度报告", "2025-01-15", "pdf"),
    Placement("trs", "000_bd46ccaa43edb311.txt", "东峡镇 2020 年政府信息公开工作年度报告", "2021-01-20"),
    Placement("trs", "004_3cdcdf96041af72f.txt", "锦屏镇人民政府2022年政府信息公开工作年度报告", "2023-01-18"),
    Placement("hanweb", "synthetic-city-2025.html", "测试市2025年政府信息公开工作年度报告", "2026-01-20"),
    Placement("hanweb", "001_24548c9bc9871823.txt", "安岳县清流镇人民政府2019年政府信息公开工作年度报告", "2020-01-14"),
    Placement("hanweb", "002_f2f902bb0c6bb4fe.txt", "索镇人民政府2020年度政府信息公开工作年度报告", "2021-01-15"),
    Placement("hanweb", "003_8e92e5233c244faa.txt", "北京市大兴区西红门镇人民政府2020年政府信息公开工作年度报告", "2021-01-22", "docx"),
    Placement("plain", "shanghai-office-2019.html", "2019年上海市人民政府办公厅政府信息公开工作年度报告", "2020-01-31"),
    Placement("plain", "003_8e92e5233c244faa.txt", "北京市大兴区西红门镇人民政府2020年政府信息公开工作年度报告", "2021-01-25"),
    Placement("plain", "002_f2f902bb0c6bb4fe.txt", "索镇人民政府2020年度政府信息公开工作年度报告", "2021-01-19", "docx"),
)  # fmt: skip

# Articles in the same lists that are not reports, though some look close.
NOT_REPORTS = {
    "trs": [
        ("关于做好2025年度政府信息公开工作年度报告编制发布工作的通知", "2025-12-20"),
        ("关于印发《2024年政务公开工作要点》的通知", "2024-04-12"),
        ("2024年政府工作报告", "2024-01-28"),
    ],
    "hanweb": [
        ("2025年某某市政府工作报告", "2025-02-10"),
        ("关于印发《某某市政府信息公开申请办理规范》的通知", "2024-06-03"),
        ("某某市人民政府政府信息公开指南", "2023-05-01"),
    ],
    "plain": [
        ("关于印发《某某区2024年政务公开工作要点》的通知", "2024-05-20"),
        ("2024年某某区政府工作报告", "2024-02-01"),
    ],
}


# ------------------------------------------------------------------ small helpers


def epoch(day: str) -> int:
    """10:30 Beijing time on that day: a stable Last-Modified for what was published then."""
    year, month, dom = map(int, day.split("-"))
    return calendar.timegm((year, month, dom, 2, 30, 0))


def digits(text: str, width: int) -> str:
    """Stable pseudo-random digits, for CMS file names that look generated."""
    return str(int(hashlib.sha1(text.encode()).hexdigest(), 16))[:width]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


ONE_CELL = re.compile(r"^\t[^\t]*$")  # a leading tab, one cell: the one-cell-per-line shape


def text_blocks(text: str) -> Iterator[tuple[str, list[list[str]]]]:
    """A seed's lines in order: ("p", [[line]]) and ("table", rows) for runs of tab lines.

    Two flattened table shapes occur: tab-separated rows, and one cell per line (a leading
    tab) with a blank line after each row and long cells wrapped onto untabbed lines. The
    second becomes rows again, or it would be a column of one-cell rows and the table
    would not survive.
    """
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            yield "p", [[lines[index]]]
            index += 1
            continue
        end = run_end(lines, index)
        yield from table_blocks(lines[index:end])
        index = end


def run_end(lines: list[str], start: int) -> int:
    """End of a table run: tab lines, blank lines, and the wrapped rest of a one-cell line."""
    end, wrapped = start, False
    while end < len(lines):
        line = lines[end]
        if "\t" in line:
            wrapped = bool(ONE_CELL.match(line))
        elif line.strip() and not wrapped:
            break
        elif not line.strip():
            wrapped = False
        end += 1
    while "\t" not in lines[end - 1] and not lines[end - 1].strip():
        end -= 1  # trailing blank lines are paragraphs again
    return end


def table_blocks(run: list[str]) -> Iterator[tuple[str, list[list[str]]]]:
    """A run of tab lines and blank lines as tables (and the paragraphs between them)."""
    tabbed = [line for line in run if "\t" in line]
    if all(ONE_CELL.match(line) for line in tabbed) and len(tabbed) < len(run):
        yield "table", columnar_rows(run)
        return
    table: list[list[str]] = []
    for line in run:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            yield "table", table
            table = []
        yield "p", [[line]]
    if table:
        yield "table", table


def columnar_rows(run: list[str]) -> list[list[str]]:
    """One-cell-per-line rows: the cells between blank lines; a wrapped cell joined again."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in [*run, ""]:
        if "\t" in line:
            current.append(line.split("\t", 1)[1])
        elif line.strip() and current:
            current[-1] += line.strip()  # CJK text wraps without a space
        elif current:
            rows.append(current)
            current = []
    return rows


# Word's HTML export, as TRS editors paste it: the parser has to see through these.
WORD_P = (
    '<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt">'
    '<span style="font-family:仿宋_GB2312;font-size:16.0pt">{}</span>'
    '<span lang="EN-US" style="font-size:16.0pt"><o:p></o:p></span></p>'
)
WORD_TABLE = (
    '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
    'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt">'
)
WORD_TD = (
    '<td style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt">'
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span style="font-family:宋体;font-size:10.5pt">{}</span></p></td>'
)


def seed_html(text: str, word: bool = False) -> str:
    """Plain text → article body: a <p> per line, tab rows as <table> rows (tables survive)."""
    para, table, cell = (
        (WORD_P, WORD_TABLE, WORD_TD)
        if word
        else ("<p>{}</p>", '<table border="1">', "<td>{}</td>")
    )
    out: list[str] = []
    for kind, rows in text_blocks(text):
        if kind == "p":
            line = rows[0][0].strip()
            out.append(para.format(esc(line) if line else "&nbsp;"))
            continue
        body = "".join(
            "<tr>" + "".join(cell.format(esc(c.strip())) for c in row) + "</tr>" for row in rows
        )
        out.append(f"{table}<tbody>{body}</tbody></table>")
    return "\n".join(out)


def html_body(page: str) -> str:
    """The report inside an HTML file: its #zoom div, else its <body>, else the fragment itself."""
    zoom = re.search(r"<div[^>]*\bid=[\"']zoom[\"'][^>]*>(.*)</div>\s*</body>", page, re.S | re.I)
    if zoom:
        return zoom.group(1)
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S | re.I)
    return body.group(1) if body else page


def declares_charset(data: bytes) -> bool:
    return bool(re.search(rb"charset\s*=", data[:4096], re.I))


def stable_zip(data: bytes, when: tuple[int, ...], comment: bytes = b"") -> bytes:
    """The same archive with fixed timestamps: python-docx stamps entries with the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
        target.comment = comment
    return out.getvalue()


def build_docx(text: str, title: str, day: str) -> bytes:
    """A Word attachment from plain text: a paragraph per line, tab rows as a Word table."""
    import docx  # python-docx, imported late: only building attachments needs it

    document = docx.Document()
    stamp = datetime.fromtimestamp(epoch(day), UTC).replace(tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "政务公开办", "政务公开办"
    props.created = props.modified = stamp
    props.revision = 1
    for kind, rows in text_blocks(text):
        if kind == "p":
            document.add_paragraph(rows[0][0].strip())
            continue
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for cells, row in zip(table.rows, rows, strict=True):
            for cell, value in zip(cells.cells, row, strict=False):
                cell.text = value.strip()
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), stamp.timetuple()[:6])


def revised(body: bytes, content_type: str, revision: int) -> bytes:
    """Changed bytes that are still a valid document of the same type (for touch())."""
    if content_type == DOCX:
        return stable_zip(body, (2026, 1, 1, 0, 0, 0), f"revision {revision}".encode())
    if content_type == PDF:
        return body + f"\n%revision {revision}\n".encode()  # readers look for startxref above
    return body + f"\n<!-- revision {revision} -->\n".encode()


# ------------------------------------------------------------------ page templates


def nav(home: str, section: str, contact: str) -> str:
    return (
        f'<div class="nav"><a href="{home}">首页</a> | <a href="{section}">政务公开</a> | '
        f'<a href="{contact}">联系我们</a></div>'
    )


def trs_page(title: str, head: str, content: str, variant: str) -> bytes:
    """A TRS WCM page in GBK; GB18030 encodes every character and equals GBK where GBK can."""
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
{GBK_META[variant]}
<title>{esc(title)}</title>
<meta name="SiteName" content="某某省人民政府" />
<meta name="ColumnName" content="政府信息公开年报" />
{head}
<script type="text/javascript" src="/js/createPageHTML.js"></script>
</head><body>
{nav("/", "/zwgk/", "/lxwm/")}
{content}
<div class="footer">主办：某某省人民政府办公厅　网站标识码：9900000001</div>
</body></html>"""
    return page.encode("gb18030")


def trs_list(entries: list[Entry], page: int, pages: int) -> bytes:
    """index.html / index_N.html: the page count only in inline createPageHTML script."""
    items = "\n".join(
        f'<li><a href="{esc(e.href)}" target="_blank" title="{esc(e.title)}">{esc(e.title)}</a>'
        f"<span>{e.date}</span></li>"
        for e in entries
    )
    pager = (
        f"createPageHTML('page_div', {pages}, {page}, 'index', 'html', 20);"
        if page == 1
        else f'createPageHTML({pages}, {page}, "index", "html");'
    )
    content = f"""<div class="crumb">当前位置：<a href="../../">首页</a> &gt; <a href="../">政务公开</a> &gt; 政府信息公开年报</div>
<ul class="list">
{items}
</ul>
<div id="page_div"></div><script type="text/javascript">{pager}</script>"""
    variant = GBK_VARIANTS[page % len(GBK_VARIANTS)]
    return trs_page("政府信息公开年报_某某省人民政府", "", content, variant)


def trs_article(title: str, day: str, body: str, variant: str) -> bytes:
    head = (
        f'<meta name="ArticleTitle" content="{esc(title)}" />\n'
        f'<meta name="PubDate" content="{day} 10:30" />\n'
        '<meta name="ContentSource" content="某某省人民政府办公厅" />'
    )
    content = f"""<div class="crumb">当前位置：<a href="../../../">首页</a> &gt; <a href="../../">政务公开</a> &gt; <a href="../">政府信息公开年报</a></div>
<div class="article"><h1>{esc(title)}</h1>
<div class="info">发布时间：{day}　来源：某某省人民政府办公厅</div>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
{body}
</div></div></div>"""
    return trs_page(f"{title}_政府信息公开年报_某某省人民政府", head, content, variant)


def hanweb_record(entry: Entry) -> str:
    # jcms lists cut long titles in the text; the full title is in the title attribute.
    text = entry.title if len(entry.title) <= 24 else entry.title[:24] + "..."
    return (
        f'<record><![CDATA[<li><a href="{esc(entry.href)}" title="{esc(entry.title)}" '
        f'target="_blank">{esc(text)}</a><span>{entry.date}</span></li>]]></record>'
    )


def hanweb_column(entries: list[Entry]) -> bytes:
    """/col/col1234/index.html: the first page inline; the pager script reads param_5678."""
    records = "\n".join(hanweb_record(e) for e in entries[:HANWEB_PERPAGE])
    webname = quote(HANWEB_SITE)
    nextgroup = (
        f"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={HANWEB_WEBID}&path=/"
        f"&columnid={HANWEB_COLUMN}&unitid={HANWEB_UNIT}&webname={webname}"
        "&permissiontype=0"
    )
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>政府信息公开年报 {HANWEB_SITE}</title>
<meta name="SiteName" content="{HANWEB_SITE}"><meta name="ColumnName" content="政府信息公开年报">
<script type="text/javascript" src="/script/0/jquery.min.js"></script>
</head><body>
{nav("/", "/col/col1001/index.html", "/col/col1099/index.html")}
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1001/index.html">政务公开</a> &gt; 政府信息公开年报</div>
<div class="list"><div id="{HANWEB_UNIT}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>
<recordset>
{records}
</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
var param_{HANWEB_UNIT} = {{col:1, webid:{HANWEB_WEBID}, columnid:{HANWEB_COLUMN}, unitid:'{HANWEB_UNIT}', webname:'{HANWEB_SITE}', path:'/', permissiontype:0, sourceContentType:1}};
var pageNum = {HANWEB_PERPAGE};
</script></div>
</body></html>"""
    return page.encode("utf-8")


def hanweb_datastore(entries: list[Entry], total: int, perpage: int) -> bytes:
    records = "\n".join(hanweb_record(e) for e in entries)
    pages = math.ceil(total / perpage) if perpage > 0 else 0
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<datastore><totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>"
        f"<recordset>\n{records}\n</recordset></datastore>"
    ).encode()


def hanweb_article(title: str, day: str, body: str) -> bytes:
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{esc(title)} {HANWEB_SITE}</title>
<meta name="SiteName" content="{HANWEB_SITE}"><meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{esc(title)}">
<meta name="PubDate" content="{day} 10:30"><meta name="ContentSource" content="{HANWEB_SITE}办公室">
</head><body>
{nav("/", "/col/col1001/index.html", "/col/col1099/index.html")}
<div class="main"><h1 class="title">{esc(title)}</h1>
<div class="info">发布日期：{day}　来源：{HANWEB_SITE}办公室　浏览次数：<span id="c">1024</span></div>
<div id="zoom"><meta name="ContentStart">
{body}
<meta name="ContentEnd"></div></div>
</body></html>"""
    return page.encode("utf-8")


def plain_list(entries: list[Entry], page: int, last: int) -> bytes:
    """list.html?page=N. Its 下一页 on the last page is the trap: it always points one further."""
    items = "\n".join(
        f'<li><a href="{esc(e.href)}" target="_blank">{esc(e.title)}</a><span>{e.date}</span></li>'
        for e in entries
    )
    previous = (
        f'<a href="list.html?page={page - 1}">上一页</a>' if page > 1 else "<span>上一页</span>"
    )
    pager = (
        f'<div class="pager">第{page}/{last}页 <a href="list.html?page=1">首页</a> {previous} '
        f'<a href="list.html?page={page + 1}">下一页</a> <a href="list.html?page={last}">尾页</a></div>'
    )
    return plain_page("政府信息公开年报", f'<ul class="news">\n{items}\n</ul>\n{pager}').encode()


def plain_page(title: str, content: str, charset: bool = True) -> str:
    meta = '<meta charset="utf-8">' if charset else ""
    return f"""<!DOCTYPE html><html><head>{meta}<title>{esc(title)}-某某区人民政府</title></head>
<body>{nav("/", "/xxgk/", "/lxwm/")}
<div class="crumb">您的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; <a href="{PLAIN_COLUMN}list.html">政府信息公开年报</a></div>
{content}
<div class="footer">某某区人民政府办公室主办</div></body></html>"""


def plain_article(title: str, day: str, body: str, charset: bool) -> bytes:
    content = (
        f'<div class="detail"><h2>{esc(title)}</h2><div class="meta">发布日期：{day}</div>\n'
        f'<div class="content">\n{body}\n</div></div>'
    )
    return plain_page(title, content, charset).encode("utf-8")


def notice_body(title: str, day: str) -> str:
    """What a 通知 or 政府工作报告 says: enough text to look like an article, no report tables."""
    return (
        "<p>各县（市、区）人民政府，各部门：</p>"
        f"<p>现将《{esc(title)}》有关事项通知如下，请结合实际认真贯彻落实。</p>"
        "<p>一、提高思想认识。二、压实工作责任。三、按时报送材料。</p>"
        f"<p>办公室</p><p>{day}</p>"
    )


def simple_page(title: str, links: dict[str, str]) -> bytes:
    items = "".join(f'<li><a href="{href}">{esc(text)}</a></li>' for text, href in links.items())
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
        f"<body><h1>{esc(title)}</h1><ul>{items}</ul></body></html>"
    ).encode()


# ------------------------------------------------------------------ the portal


class DemoPortal:
    """Three mock 年报 columns on one local HTTP server; see the module docstring."""

    def __init__(
        self,
        documents_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
    ):
        self.documents_dir = Path(documents_dir or DEFAULT_DOCUMENTS)
        self.host, self.port, self.latency = host, port, latency
        self.requests: list[tuple[str, str, dict]] = []
        # (time.monotonic(), method, path) of each request as it arrives: politeness tests
        # measure the spacing (a list of its own: `requests` keeps its three-tuples).
        self.request_times: list[tuple[float, str, str]] = []
        self._lock = threading.RLock()
        self._resources: dict[str, Resource] = {}
        self._entries: dict[str, list[Entry]] = {kind: [] for kind in KINDS}
        self._published: dict[str, list[tuple[str, str, str, str]]] = {k: [] for k in KINDS}
        self._next_id = {"trs": 105580, "hanweb": 90, "plain": 1001}
        self._revision = 0
        self._server: QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._build()

    # ---------------------------------------------------------- public API

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def column_urls(self) -> dict[str, str]:
        return {
            "trs": f"{self.base_url}{TRS_COLUMN}index.html",
            "hanweb": f"{self.base_url}/col/col{HANWEB_COLUMN}/index.html",
            "plain": f"{self.base_url}{PLAIN_COLUMN}list.html",
        }

    @property
    def reports(self) -> dict[str, list[PortalReport]]:
        """Every report per column, with absolute URLs (valid once start() chose the port)."""
        with self._lock:
            return {
                kind: [
                    PortalReport(title, self.base_url + page, self.base_url + doc, fmt)
                    for title, page, doc, fmt in published
                ]
                for kind, published in self._published.items()
            }

    def start(self) -> DemoPortal:
        self._server = QuietServer((self.host, self.port), self._handler_class())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        # Keep-alive connections would otherwise go on being served after stop().
        with self._lock:
            for connection in list(self._connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> DemoPortal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def touch(self, path: str, new_body: bytes | None = None) -> None:
        """Change the document at path: new bytes (given, or a harmless edit), a later date."""
        with self._lock:
            resource = self._resources[unquote(urlsplit(path).path)]
            self._revision += 1
            resource.body = (
                new_body
                if new_body is not None
                else revised(resource.body, resource.content_type, self._revision)
            )
            # Last-Modified has one-second resolution: make sure the new date is later.
            resource.modified = max(int(time.time()), resource.modified + 1)

    def add_report(
        self,
        kind: str,
        title: str,
        body: str | bytes,
        format: str = "html",
        date: str | None = None,
    ) -> PortalReport:
        """Publish one more report at the top of a column (a second crawl should find it).

        body: for "html", the report's plain text (lines, tab-separated table rows) or HTML
        bytes (UTF-8) for the article body; for "pdf"/"docx", the file's bytes (a str for
        "docx" is turned into a Word document as the seeds are).
        """
        if kind not in KINDS or format not in ("html", "pdf", "docx"):
            raise ValueError(f"unknown column {kind!r} or format {format!r}")
        day = date or datetime.now(UTC).date().isoformat()
        if format == "html":
            content: str | bytes = (
                seed_html(body, kind == "trs") if isinstance(body, str) else body.decode()
            )
        elif format == "docx" and isinstance(body, str):
            content = build_docx(body, title, day)
        else:
            content = body
        with self._lock:
            page, doc = self._publish(kind, title, day, format, content, charset=True)
            self._published[kind].insert(0, (title, page, doc, format))
        return self.reports[kind][0]

    # ---------------------------------------------------------- building the site

    def _build(self) -> None:
        for placement in self._placements():
            self._place(placement)
        for kind in KINDS:
            for title, day in NOT_REPORTS[kind]:
                self._publish(kind, title, day, "html", notice_body(title, day), charset=True)
        self._add_traps()
        self._add_site_pages()

    def _placements(self) -> list[Placement]:
        """The catalogue's files that exist, then any other file in the directory."""
        present = {p.name for p in self.documents_dir.iterdir() if p.is_file()}
        placements = [p for p in CATALOGUE if p.file in present]
        known = {p.file for p in CATALOGUE}
        extras = sorted(
            name
            for name in present - known
            if Path(name).suffix.lower() in (".html", ".htm", ".txt", ".pdf", ".docx")
        )
        for index, name in enumerate(extras):
            placements.append(self._extra_placement(KINDS[index % len(KINDS)], name))
        return placements

    def _extra_placement(self, kind: str, name: str) -> Placement:
        path = self.documents_dir / name
        suffix = path.suffix.lower().lstrip(".")
        title = path.stem
        if suffix in ("html", "htm", "txt"):
            text = path.read_bytes().decode("utf-8", "replace")
            found = re.search(r"ArticleTitle\" content=\"([^\"]+)|<title>([^<_]+)", text)
            lines = [line.strip() for line in text.splitlines() if line.strip()] or [title]
            title = next((g for g in found.groups() if g), title) if found else lines[0][:60]
        day = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
        fmt = suffix if suffix in ("pdf", "docx") else "html"
        return Placement(kind, name, title.strip(), day, fmt)

    def _place(self, placement: Placement) -> None:
        path = self.documents_dir / placement.file
        data = path.read_bytes()
        fmt, charset = placement.format, True
        if fmt == "raw":
            content: str | bytes = data
        elif fmt == "docx" and path.suffix.lower() == ".txt":
            content = build_docx(data.decode("utf-8"), placement.title, placement.date)
        elif fmt in ATTACHMENT_TYPES:
            content = data
        elif path.suffix.lower() == ".txt":
            content = seed_html(data.decode("utf-8"), word=placement.kind == "trs")
        else:
            # An HTML file without a charset keeps that difficulty on the page that wraps it.
            charset = declares_charset(data)
            content = html_body(data.decode("utf-8", "replace"))
        page, doc = self._publish(
            placement.kind, placement.title, placement.date, fmt, content, charset
        )
        shown = "html" if fmt == "raw" else fmt
        self._published[placement.kind].append((placement.title, page, doc, shown))

    def _publish(
        self, kind: str, title: str, day: str, fmt: str, content: str | bytes, charset: bool
    ) -> tuple[str, str]:
        """Add an article (and its attachment) to a column; returns (page path, document path)."""
        ident = self._next_id[kind]
        self._next_id[kind] += 1
        page, href, attachment, link = self._urls(kind, day, ident, fmt)
        modified = epoch(day)
        if fmt in ATTACHMENT_TYPES:
            self._resources[attachment] = Resource(content, ATTACHMENT_TYPES[fmt], modified)
            content = self._attachment_body(kind, title, fmt, link)
        self._resources[page] = self._article(kind, title, day, fmt, content, charset, ident)
        self._entries[kind].append(Entry(title, href, day))
        return page, attachment if fmt in ATTACHMENT_TYPES else page

    def _urls(self, kind: str, day: str, ident: int, fmt: str) -> tuple[str, str, str, str]:
        """(page path, list href, attachment path, attachment link) in the CMS's own shapes."""
        ymd, (y, m, d) = day.replace("-", ""), map(int, day.split("-"))
        if kind == "trs":
            name = f"{ymd[:6]}/t{ymd}_{ident}.html"
            attachment = f"P0{ymd}{digits(name, 12)}.{fmt}"
            folder = f"{TRS_COLUMN}{ymd[:6]}/"
            return TRS_COLUMN + name, f"./{name}", folder + attachment, f"./{attachment}"
        if kind == "hanweb":
            page = f"/art/{y}/{m}/{d}/art_{HANWEB_COLUMN}_{ident}.html"
            attachment = f"/picture/0/{ymd[2:]}{digits(page, 6)}{ident}.{fmt}"
            return page, page, attachment, attachment
        name = f"{ymd[:6]}/c{ident}.html"
        attachment = f"W0{ymd}{digits(name, 9)}.{fmt}"
        folder = f"{PLAIN_COLUMN}{ymd[:6]}/"
        return PLAIN_COLUMN + name, f"./{name}", folder + attachment, attachment

    def _attachment_body(self, kind: str, title: str, fmt: str, link: str) -> str:
        """How each CMS links the file: <a>, window.open(), or the pdf.js viewer."""
        label = esc(f"{title}.{fmt}")
        if kind == "trs":
            protect = "/protect" + link[1:]
            return f'<p>附件：<a href="{link}" OLDSRC="{protect}">{label}</a></p>'
        if kind == "hanweb" and fmt == "pdf":
            viewer = "/module/pdfjs/web/viewer.html?file=" + quote(link, safe="")
            return f'<iframe src="{viewer}" width="100%" height="800"></iframe>'
        if kind == "hanweb":
            return (
                f'<p>附件：<a href="javascript:void(0);" onclick="window.open(\'{link}\')">'
                f"{label}</a></p>"
            )
        return f'<p>附件下载：<a href="{link}">{label}</a></p>'

    def _article(
        self, kind: str, title: str, day: str, fmt: str, content, charset: bool, ident: int
    ) -> Resource:
        modified = epoch(day)
        if fmt == "raw":
            return Resource(content, HTML, modified)
        if kind == "trs":
            variant = GBK_VARIANTS[ident % len(GBK_VARIANTS)]
            return Resource(trs_article(title, day, content, variant), HTML, modified)
        if kind == "hanweb":
            return Resource(hanweb_article(title, day, content), HTML_UTF8, modified)
        return Resource(plain_article(title, day, content, charset), HTML, modified)

    def _add_traps(self) -> None:
        """Report-looking links a crawler meets and must survive; none is in `reports`."""
        # A 404: the list still links an article that was taken down.
        self._entries["trs"].append(
            Entry(
                "某某镇2021年政府信息公开工作年度报告",
                "./202201/t20220125_99871.html",
                "2022-01-25",
            )
        )
        # 瑞数: every request for this article gets the 412 challenge.
        blocked = f"{TRS_COLUMN}202401/t20240125_103377.html"
        self._resources[blocked] = Resource(RUISHU_412, HTML, epoch("2024-01-25"), status=412)
        self._resources[blocked].headers["Set-Cookie"] = (
            "FSSBBIl1UgzbN7NO=5lFfl1PWNEN3wqPDT0sJ7sZqRrGGWGhTXUEw0; Path=/; HttpOnly"
        )
        self._entries["trs"].append(
            Entry(
                "某某县2023年政府信息公开工作年度报告",
                "./202401/t20240125_103377.html",
                "2024-01-25",
            )
        )
        # An article moved to another site: following it leaves the portal.
        moved = f"/art/2024/1/30/art_{HANWEB_COLUMN}_88888.html"
        self._resources[moved] = Resource(b"", HTML, epoch("2024-01-30"), status=302)
        self._resources[moved].headers["Location"] = OFFSITE
        self._entries["hanweb"].append(
            Entry("某某区2023年度政府信息公开工作年度报告", moved, "2024-01-30")
        )
        # A draft under /private/, which robots.txt disallows.
        draft = "/private/ndbg/20250110_draft.html"
        text = notice_body("某某街道2024年政府信息公开工作年度报告（送审稿）", "2025-01-10")
        self._resources[draft] = Resource(
            plain_article("送审稿", "2025-01-10", text, True), HTML, epoch("2025-01-10")
        )
        self._entries["plain"].append(
            Entry("某某街道2024年政府信息公开工作年度报告（送审稿）", draft, "2025-01-10")
        )

    def _add_site_pages(self) -> None:
        """robots.txt, the 瑞数 script, and the navigation pages the lists link to."""
        stamp = epoch("2025-01-01")
        self._resources["/robots.txt"] = Resource(ROBOTS, "text/plain", stamp)
        self._resources["/abc/def.js"] = Resource(
            b"/* rotating-cookie bootstrap */", "application/javascript", stamp
        )
        home = {"政府信息公开年报（TRS WCM）": f"{TRS_COLUMN}index.html"}
        home["政府信息公开年报（Hanweb jcms）"] = f"/col/col{HANWEB_COLUMN}/index.html"
        home["政府信息公开年报（列表）"] = f"{PLAIN_COLUMN}list.html"
        self._resources["/"] = Resource(simple_page("演示门户", home), HTML_UTF8, stamp)
        for path, title in (
            ("/zwgk/", "政务公开"),
            ("/xxgk/", "政务公开"),
            ("/lxwm/", "联系我们"),
            ("/col/col1001/index.html", "政务公开"),
            ("/col/col1099/index.html", "联系我们"),
        ):
            self._resources[path] = Resource(simple_page(title, {"首页": "/"}), HTML_UTF8, stamp)

    # ---------------------------------------------------------- answering requests

    def answer(self, method: str, target: str, headers: dict, payload: bytes = b"") -> Answer:
        """The response to one request (the HTTP handler only moves bytes)."""
        parts = urlsplit(target)
        path, query = unquote(parts.path), parse_qs(parts.query)
        with self._lock:
            if path == "/module/web/jpage/dataproxy.jsp":
                return self._dataproxy(method, query, payload)
            if method == "POST":
                return Answer(405, {"Content-Type": HTML, "Allow": "GET, HEAD"}, b"")
            listing = self._listing(path, query)
            if listing is not None:
                return self._document(listing, headers)
            resource = self._resources.get(path) or self._resources.get(path + "index.html")
            if resource is None:
                return not_found()
            if resource.status != 200:
                return Answer(
                    resource.status,
                    {"Content-Type": resource.content_type, **resource.headers},
                    resource.body,
                )
            return self._document(resource, headers)

    def _document(self, resource: Resource, headers: dict) -> Answer:
        """200 with validators, or 304 when the client's copy is current."""
        etag = '"' + hashlib.sha1(resource.body).hexdigest() + '"'
        common = {"ETag": etag, "Last-Modified": formatdate(resource.modified, usegmt=True)}
        lowered = {k.lower(): v for k, v in headers.items()}
        if not_modified(lowered, etag, resource.modified):
            return Answer(304, common, b"")
        return Answer(200, {"Content-Type": resource.content_type, **common}, resource.body)

    def _sorted(self, kind: str) -> list[Entry]:
        """A column's entries newest first, as CMS lists show them."""
        return sorted(self._entries[kind], key=lambda e: e.date, reverse=True)

    def _listing(self, path: str, query: dict) -> Resource | None:
        """The list pages, rendered from the current entries (add_report changes them)."""
        modified = max(r.modified for r in self._resources.values())
        if path in (TRS_COLUMN, TRS_COLUMN + "index.html") or path.startswith(
            TRS_COLUMN + "index_"
        ):
            page = trs_page_number(path)
            if page is None or page >= TRS_PAGES:
                return None
            entries = self._sorted("trs")
            size = math.ceil(len(entries) / TRS_PAGES)
            body = trs_list(entries[page * size : (page + 1) * size], page, TRS_PAGES)
            return Resource(body, HTML, modified)
        if path in (f"/col/col{HANWEB_COLUMN}/", f"/col/col{HANWEB_COLUMN}/index.html"):
            return Resource(hanweb_column(self._sorted("hanweb")), HTML_UTF8, modified)
        if path in (PLAIN_COLUMN, PLAIN_COLUMN + "list.html"):
            entries = self._sorted("plain")
            last = max(1, math.ceil(len(entries) / PLAIN_PERPAGE))
            requested = first_int(query.get("page"), 1)
            shown = min(max(requested, 1), last)  # beyond the end: the last page, forever
            chunk = entries[(shown - 1) * PLAIN_PERPAGE : shown * PLAIN_PERPAGE]
            return Resource(plain_list(chunk, max(requested, 1), last), HTML, modified)
        return None

    def _dataproxy(self, method: str, query: dict, payload: bytes) -> Answer:
        """jcms's list endpoint: GET ?page=N, or POST ?startrecord&endrecord&perpage + form."""
        fields = dict(query)
        if method == "POST":
            fields.update(parse_qs(payload.decode("utf-8", "replace")))
        entries = self._sorted("hanweb")
        known = first_int(fields.get("columnid"), 0) == HANWEB_COLUMN and (
            (fields.get("unitid") or [""])[0] == HANWEB_UNIT
        )
        if not known:  # jcms answers an unknown column with an empty store, not an error
            body = hanweb_datastore([], 0, HANWEB_PERPAGE)
        elif "startrecord" in fields:
            start, end = (
                first_int(fields.get("startrecord"), 1),
                first_int(fields.get("endrecord"), 1),
            )
            perpage = first_int(fields.get("perpage"), HANWEB_PERPAGE)
            body = hanweb_datastore(entries[max(start, 1) - 1 : end], len(entries), perpage)
        else:
            page = max(first_int(fields.get("page"), 1), 1)
            chunk = entries[(page - 1) * HANWEB_PERPAGE : page * HANWEB_PERPAGE]
            body = hanweb_datastore(chunk, len(entries), HANWEB_PERPAGE)
        return Answer(200, {"Content-Type": XML_UTF8, "Cache-Control": "no-cache"}, body)

    def _record(self, method: str, path: str, headers: dict) -> None:
        arrived = time.monotonic()
        with self._lock:
            self.requests.append((method, path, headers))
            self.request_times.append((arrived, method, path))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(PortalHandler):
            pass

        Handler.portal = portal
        return Handler


def trs_page_number(path: str) -> int | None:
    """index.html → 0, index_N.html → N; anything else under the column is not a list page."""
    name = path.rsplit("/", 1)[1]
    if name in ("", "index.html"):
        return 0
    match = re.fullmatch(r"index_(\d+)\.html", name)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def first_int(values: list[str] | None, default: int) -> int:
    try:
        return int((values or [""])[0])
    except ValueError:
        return default


def not_modified(headers: dict[str, str], etag: str, modified: int) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    if "if-modified-since" in headers:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def not_found() -> Answer:
    body = (
        "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"
    )
    return Answer(404, {"Content-Type": HTML}, body.encode())


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-answer (a crawl killed, a timeout) are no error worth printing."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a bug in the portal: show it


class PortalHandler(BaseHTTPRequestHandler):
    """Moves bytes between the socket and DemoPortal.answer(); logs nothing."""

    portal: DemoPortal
    protocol_version = "HTTP/1.1"  # keep-alive, as real portals; every answer has a length
    server_version = "nginx"

    def version_string(self) -> str:
        return self.server_version  # no "Python/3.x": portals say nginx or Apache

    def setup(self) -> None:
        super().setup()
        with self.portal._lock:
            self.portal._connections.add(self.connection)

    def finish(self) -> None:
        with self.portal._lock:
            self.portal._connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args) -> None:
        pass  # tests and `make demo` keep stderr for their own messages

    def _serve(self, method: str) -> None:
        headers = dict(self.headers.items())
        self.portal._record(method, self.path, headers)
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length > 0 else b""
        if self.portal.latency:
            time.sleep(self.portal.latency)
        answer = self.portal.answer(method, self.path, headers, payload)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.status != 304:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if method != "HEAD" and answer.status != 304:
            self.wfile.write(answer.body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the demo 年报 portals in the foreground.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--documents", type=Path, default=None, help="reports to publish")
    args = parser.parse_args(argv)
    try:
        portal = DemoPortal(args.documents, host=args.host, port=args.port).start()
    except OSError as error:  # the port is taken, most often
        raise SystemExit(
            f"demo portal: cannot listen on {args.host}:{args.port}: {error}"
        ) from None
    print(f"demo portal at {portal.base_url}/ (Ctrl-C stops it)", flush=True)
    for kind, url in portal.column_urls.items():
        print(f"  {kind:<7} {url}  ({len(portal.reports[kind])} reports)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        portal.stop()


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
