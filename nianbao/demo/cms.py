"""The three CMSs the demo portal imitates: their URL shapes, list pages and article pages.

TRS WCM (GBK pages, page count in script), Hanweb jcms (`<datastore>` XML, dataproxy.jsp) and a
plain paged list, as ../shared/spec/portals.md describes them.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
from dataclasses import dataclass
from html import escape as esc
from urllib.parse import parse_qs, quote

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

# The three ways a GBK page tells (or fails to tell) its charset; cycled over TRS pages.
GBK_META = {
    "gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
    "malformed": '<meta httpequiv="ContentType" content="text/html; charset=gbk">',
    "none": "",
}
GBK_VARIANTS = tuple(GBK_META)


@dataclass
class Entry:
    """One line of a column list: a report, a non-report article or a trap."""

    title: str
    href: str  # as the list writes it (TRS: relative, others: root-relative)
    date: str  # YYYY-MM-DD


# ------------------------------------------------------------------ small helpers


def epoch(day: str) -> int:
    """10:30 Beijing time on that day: a stable Last-Modified for what was published then."""
    year, month, dom = map(int, day.split("-"))
    return calendar.timegm((year, month, dom, 2, 30, 0))


def digits(text: str, width: int) -> str:
    """Stable pseudo-random digits, for CMS file names that look generated."""
    return str(int(hashlib.sha1(text.encode()).hexdigest(), 16))[:width]


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


# The view counter of a Hanweb article page, as hanweb_article prints it.
VIEW_COUNTER = re.compile(rb'(<span id="c">)\d+(</span>)')


def live_chrome(page: bytes, visits: int, moment: str, token: str) -> bytes:
    """An article page as a CMS renders it per request: the view counter counts this visit,
    the page says when it was generated and carries a fresh form token."""
    counter = VIEW_COUNTER.sub(rb"\g<1>%d\g<2>" % visits, page, count=1)
    stamp = f"　更新时间：{moment}</div>".encode()
    counter = counter.replace(b"</span></div>", b"</span>" + stamp, 1)
    field = f'<input type="hidden" name="__RequestVerificationToken" value="{token}">'
    return counter.replace(b"</body>", field.encode() + b"</body>", 1)


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


# ------------------------------------------------------------------ URLs and list pages


def urls(kind: str, day: str, ident: int, fmt: str) -> tuple[str, str, str, str]:
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


def attachment_body(kind: str, title: str, fmt: str, link: str) -> str:
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


def article(kind: str, title: str, day: str, body: str, charset: bool, ident: int) -> bytes:
    """An article page of the column `kind`, in its CMS's page and encoding."""
    if kind == "trs":
        return trs_article(title, day, body, GBK_VARIANTS[ident % len(GBK_VARIANTS)])
    if kind == "hanweb":
        return hanweb_article(title, day, body)
    return plain_article(title, day, body, charset)


ARTICLE_TYPES = {"trs": HTML, "hanweb": HTML_UTF8, "plain": HTML}


def list_page(path: str, query: dict, entries: dict[str, list[Entry]]) -> tuple[bytes, str] | None:
    """(body, content type) of the list page at path, from each column's entries newest first."""
    if path in (TRS_COLUMN, TRS_COLUMN + "index.html") or path.startswith(TRS_COLUMN + "index_"):
        page = trs_page_number(path)
        if page is None or page >= TRS_PAGES:
            return None
        size = math.ceil(len(entries["trs"]) / TRS_PAGES)
        return trs_list(entries["trs"][page * size : (page + 1) * size], page, TRS_PAGES), HTML
    if path in (f"/col/col{HANWEB_COLUMN}/", f"/col/col{HANWEB_COLUMN}/index.html"):
        return hanweb_column(entries["hanweb"]), HTML_UTF8
    if path in (PLAIN_COLUMN, PLAIN_COLUMN + "list.html"):
        last = max(1, math.ceil(len(entries["plain"]) / PLAIN_PERPAGE))
        requested = first_int(query.get("page"), 1)
        shown = min(max(requested, 1), last)  # beyond the end: the last page, forever
        chunk = entries["plain"][(shown - 1) * PLAIN_PERPAGE : shown * PLAIN_PERPAGE]
        return plain_list(chunk, max(requested, 1), last), HTML
    return None


def dataproxy(method: str, query: dict, payload: bytes, entries: list[Entry]) -> bytes:
    """jcms's list endpoint: GET ?page=N, or POST ?startrecord&endrecord&perpage + form."""
    fields = dict(query)
    if method == "POST":
        fields.update(parse_qs(payload.decode("utf-8", "replace")))
    known = first_int(fields.get("columnid"), 0) == HANWEB_COLUMN and (
        (fields.get("unitid") or [""])[0] == HANWEB_UNIT
    )
    if not known:  # jcms answers an unknown column with an empty store, not an error
        return hanweb_datastore([], 0, HANWEB_PERPAGE)
    if "startrecord" in fields:
        start, end = first_int(fields.get("startrecord"), 1), first_int(fields.get("endrecord"), 1)
        perpage = first_int(fields.get("perpage"), HANWEB_PERPAGE)
        return hanweb_datastore(entries[max(start, 1) - 1 : end], len(entries), perpage)
    page = max(first_int(fields.get("page"), 1), 1)
    chunk = entries[(page - 1) * HANWEB_PERPAGE : page * HANWEB_PERPAGE]
    return hanweb_datastore(chunk, len(entries), HANWEB_PERPAGE)


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
