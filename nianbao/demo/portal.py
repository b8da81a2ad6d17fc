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
path; an old column URL answers 301 with the column's new address. Every document carries
ETag/Last-Modified and answers conditional GETs with 304.

Options make it behave as other real portals do: `gzip` compresses text answers for clients
that accept it, `live_pages` renders Hanweb article pages per request (a view counter, the time,
a form token), `validators=False` sends no ETag/Last-Modified and never answers 304.

Standard library only (plus python-docx to build the DOCX attachments). The server binds to
the address it is given (loopback by default) and never connects anywhere. The CMSs' pages
are in nianbao.demo.cms, the HTTP plumbing in nianbao.demo.server.


    python -m nianbao.demo.portal [--port 8000] [--host 127.0.0.1] [--documents DIR]
"""

from __future__ import annotations

import argparse
import re
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from nianbao.demo.chrome import demo_site_pages
from nianbao.demo.cms import (
    ARTICLE_TYPES,
    ATTACHMENT_TYPES,
    DOCX,
    HANWEB_COLUMN,
    HTML,
    HTML_UTF8,
    KINDS,
    PDF,
    PLAIN_COLUMN,
    TRS_COLUMN,
    XML_UTF8,
    Entry,
    article,
    attachment_body,
    dataproxy,
    epoch,
    list_page,
    live_chrome,
    notice_body,
    plain_article,
    urls,
)
from nianbao.demo.render import seed_html
from nianbao.demo.server import Answer, Served, conditional_answer, not_found
from nianbao.demo.word import seed_docx, stable_zip

DEFAULT_DOCUMENTS = Path(__file__).resolve().parent / "documents"
OFFSITE = "http://offsite.invalid/x.html"
MOVED_COLUMN = "/zwgk/ndbg/"  # where the TRS column was before the site was redone

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
    live: bool = False  # a page the CMS renders per request (view counter): see live_pages


@dataclass(frozen=True)
class Placement:
    """Where a file of the documents directory is published, under which title."""

    kind: str
    file: str
    title: str
    date: str
    format: str = "html"  # html: wrapped in the portal's article page; raw: served as is; pdf/docx
    # Text replacements that make another report of the file (each must occur in it).
    edits: tuple[tuple[str, str], ...] = ()


SECOND_YEAR = (
    ("2019年", "2020年"),
    ("发布时间:2020-01-14", "发布时间:2021-01-12"),
    ("二、上年结转政府信息公开申请数量\n0\n0\n0\n0\n0\n0\n0", "二、上年结转政府信息公开申请数量\n2\n0\n0\n0\n0\n0\n2"),
)  # fmt: skip

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
    # The next year of 清流镇 (seed 001, 2019): its 上年结转 says 2 where the 2019 report
    # carried 0 forward, the mismatch the cross-year checks are there to show.
    Placement("hanweb", "001_24548c9bc9871823.txt", "安岳县清流镇人民政府2020年政府信息公开工作年度报告", "2021-01-12", edits=SECOND_YEAR),
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


def html_body(page: str) -> str:
    """The report inside an HTML file: its #zoom div, else its <body>, else the fragment itself."""
    zoom = re.search(r"<div[^>]*\bid=[\"']zoom[\"'][^>]*>(.*)</div>\s*</body>", page, re.S | re.I)
    if zoom:
        return zoom.group(1)
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S | re.I)
    return body.group(1) if body else page


def declares_charset(data: bytes) -> bool:
    return bool(re.search(rb"charset\s*=", data[:4096], re.I))


def revised(body: bytes, content_type: str, revision: int) -> bytes:
    """Changed bytes that are still a valid document of the same type (for touch())."""
    if content_type == DOCX:
        return stable_zip(body, (2026, 1, 1, 0, 0, 0), f"revision {revision}".encode())
    if content_type == PDF:
        return body + f"\n%revision {revision}\n".encode()  # readers look for startxref above
    return body + f"\n<!-- revision {revision} -->\n".encode()


# ------------------------------------------------------------------ the portal


class DemoPortal(Served):
    """Three mock 年报 columns on one local HTTP server; see the module docstring."""

    def __init__(
        self,
        documents_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        gzip: bool = False,
        live_pages: bool = False,
        validators: bool = True,
    ):
        self.documents_dir = Path(documents_dir or DEFAULT_DOCUMENTS)
        self.host, self.port, self.latency = host, port, latency
        self.gzip, self.live_pages, self.validators = gzip, live_pages, validators
        self._visits: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict]] = []
        # (time.time(), method, path) of each request as it arrives: politeness tests compare
        # it with the start times a crawl books in Redis, whose TIME reads the same wall
        # clock (a list of its own: `requests` keeps its three-tuples).
        self.request_times: list[tuple[float, str, str]] = []
        self._lock = threading.RLock()
        self._resources: dict[str, Resource] = {}
        self._entries: dict[str, list[Entry]] = {kind: [] for kind in KINDS}
        self._published: dict[str, list[tuple[str, str, str, str]]] = {k: [] for k in KINDS}
        self._next_id = {"trs": 105580, "hanweb": 90, "plain": 1001}
        self._revision = 0
        self._build()

    # ---------------------------------------------------------- public API

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def home_url(self) -> str:
        """The home page: a crawl started here finds the columns by the site's navigation."""
        return f"{self.base_url}/"

    @property
    def column_urls(self) -> dict[str, str]:
        return {
            "trs": f"{self.base_url}{TRS_COLUMN}index.html",
            "hanweb": f"{self.base_url}/col/col{HANWEB_COLUMN}/index.html",
            "plain": f"{self.base_url}{PLAIN_COLUMN}list.html",
        }

    @property
    def moved_column_url(self) -> str:
        """A column's old address: it answers 301 with the TRS column's new one."""
        return f"{self.base_url}{MOVED_COLUMN}"

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
            content = seed_docx(body, title, day)
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
        for old, new in placement.edits:
            if old.encode() not in data:
                raise ValueError(f"{path}: catalogue edit {old!r} not found")
            data = data.replace(old.encode(), new.encode())
        fmt, charset = placement.format, True
        if fmt == "raw":
            content: str | bytes = data
        elif fmt == "docx" and path.suffix.lower() == ".txt":
            content = seed_docx(data.decode("utf-8"), placement.title, placement.date)
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
        page, href, attachment, link = urls(kind, day, ident, fmt)
        modified = epoch(day)
        if fmt in ATTACHMENT_TYPES:
            self._resources[attachment] = Resource(content, ATTACHMENT_TYPES[fmt], modified)
            content = attachment_body(kind, title, fmt, link)
        self._resources[page] = self._article(kind, title, day, fmt, content, charset, ident)
        self._entries[kind].append(Entry(title, href, day))
        return page, attachment if fmt in ATTACHMENT_TYPES else page

    def _article(
        self, kind: str, title: str, day: str, fmt: str, content, charset: bool, ident: int
    ) -> Resource:
        modified = epoch(day)
        if fmt == "raw":
            return Resource(content, HTML, modified)
        page = article(kind, title, day, content, charset, ident)
        return Resource(page, ARTICLE_TYPES[kind], modified, live=kind == "hanweb")

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
        # The column's old address, moved for good.
        self._resources[MOVED_COLUMN] = Resource(b"", HTML, epoch("2023-06-01"), status=301)
        self._resources[MOVED_COLUMN].headers["Location"] = f"{TRS_COLUMN}index.html"
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
        """robots.txt, the 瑞数 script, and the site around the columns: a home page whose
        navigation leads to them (首页 → 政务公开 → 政府信息公开年报, or one step further), a
        专题 page linked from a banner, and the news, services and interaction a crawler must
        leave alone."""
        stamp = epoch("2025-01-01")
        self._resources["/robots.txt"] = Resource(ROBOTS, "text/plain", stamp)
        self._resources["/abc/def.js"] = Resource(
            b"/* rotating-cookie bootstrap */", "application/javascript", stamp
        )
        reports = [(title, page) for kind in KINDS for title, page, _, _ in self._published[kind]]
        for path, page in demo_site_pages(reports).items():
            self._resources[path] = Resource(page, HTML_UTF8, stamp)

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
            return self._document(resource, headers, path)

    def _document(self, resource: Resource, headers: dict, path: str = "") -> Answer:
        body = resource.body
        if self.live_pages and resource.live:
            self._visits[path] = self._visits.get(path, 1023) + 1
            moment = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
            body = live_chrome(body, self._visits[path], moment, secrets.token_hex(16))
        if not self.validators:
            return Answer(200, {"Content-Type": resource.content_type}, body)
        return conditional_answer(body, resource.content_type, resource.modified, headers)

    def _listing(self, path: str, query: dict) -> Resource | None:
        """The list pages, rendered from the current entries (add_report changes them)."""
        newest_first = {
            kind: sorted(entries, key=lambda e: e.date, reverse=True)
            for kind, entries in self._entries.items()
        }
        page = list_page(path, query, newest_first)
        if page is None:
            return None
        modified = max(r.modified for r in self._resources.values())
        return Resource(*page, modified)

    def _dataproxy(self, method: str, query: dict, payload: bytes) -> Answer:
        entries = sorted(self._entries["hanweb"], key=lambda e: e.date, reverse=True)
        body = dataproxy(method, query, payload, entries)
        return Answer(200, {"Content-Type": XML_UTF8, "Cache-Control": "no-cache"}, body)

    def record(self, method: str, path: str, headers: dict) -> None:
        """Keep a request as it arrives (the server calls this before answering)."""
        arrived = time.time()
        with self._lock:
            self.requests.append((method, path, headers))
            self.request_times.append((arrived, method, path))


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
    print(f"demo portal at {portal.home_url} (Ctrl-C stops it)", flush=True)
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
