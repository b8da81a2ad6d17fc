"""One generic spider for 年报 columns: TRS WCM, Hanweb jcms, plain paginated lists, gkmlpt.

    scrapy crawl annual_reports -a start_urls=URL[,URL] [-a portal=NAME]

No per-site code. A start URL may be a column or any page of the site (its home page): a page
that lists reports is a column; from any other, the spider follows the site's navigation by
its words to the columns (crawler.spiders.discovery), and remembers them for the next crawl
(the columns table). In a column, report links are told from navigation by their text,
pagination is read from the CMS's own markers (createPageHTML, Hanweb's datastore and
dataproxy.jsp, 下一页 links, gkmlpt's list API), and a detail page whose report is an
attachment — or, on Epoint sites, in a script-loaded answer — leads to it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urljoin, urlparse

import scrapy
from parsel import Selector
from scrapy.http import FormRequest, Request, Response

from crawler.items import ColumnPage, ReportDocument
from crawler.sites import canonical_page, registrable_domain, same_site
from crawler.spiders.discovery import COLUMN, PAGE, REPORT, PageView, page_kind, read_page
from crawler.spiders.platforms import (
    epoint_content,
    epoint_detail,
    gkmlpt_articles,
    gkmlpt_list_url,
    gkmlpt_pages,
)
from crawler.store import CrawlStore
from parsers.html import decode_html
from parsers.navigation import STRONG, is_cut_report_title, names_collection, says_download
from parsers.vocabulary import is_report_title, prints_tables

ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|xlsx?|jpe?g|png|tiff?)(?:$|[?#])", re.I)
NEXT_PAGE_TEXT = re.compile(r"^\s*(下一?页|后一?页|尾页|末页|next|>|»)\s*$", re.I)
PAGE_PARAM = re.compile(r"[?&](page|pageNo|pageIndex|currentPage|curPage)=\d+", re.I)
TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*"
    r"['\"]([\w\-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
HANWEB_PARAM = re.compile(r"var\s+param_(\w+)\s*=\s*\{(.*?)\}", re.S)
HANWEB_FIELD = re.compile(r"(\w+)\s*:\s*['\"]?([^,'\"}]*)['\"]?")
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
WINDOW_OPEN = re.compile(r"window\.open\(\s*['\"]([^'\"]+)['\"]")
HANWEB_WINDOW = 3  # pages a dataproxy POST asks for at once, as the jcms pager does
BINARY_DOCUMENT = (b"%PDF-", b"PK", b"\xd0\xcf\x11\xe0")  # PDF, zip (DOCX, XLSX), OLE (DOC, XLS)
LIST_META = ("column", "portal", "found_by", "entry")  # what every page of a column carries


class Entry(NamedTuple):
    """Where a crawl starts: a column or any page of a portal's site."""

    url: str
    portal: str | None
    found_by: str  # "start-url" or "registry": what a column found right there records
    fallback: str | None = None  # the portal's home page, where to look when this fails


class AnnualReportsSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(
        self, start_urls: str = "", portal: str | None = None, portals: str = "", **kwargs
    ):
        super().__init__(**kwargs)
        self.entries = [Entry(u.strip(), portal, "start-url") for u in start_urls.split(",")]
        self.entries = [e for e in self.entries if e.url]
        # `portals` is JSON from the registry: [{name, columns, home, info}]
        self.portal_info: dict[str, dict] = {}
        for entry in json.loads(portals) if portals else []:
            home = entry.get("home")
            self.entries += [
                Entry(url, entry["name"], "registry", home if home != url else None)
                for url in entry["columns"]
            ]
            self.portal_info[entry["name"]] = entry.get("info") or {}
        if not self.entries:
            raise ValueError("annual_reports needs -a start_urls=URL[,URL] or -a portals=JSON")
        self.start_urls = [e.url for e in self.entries]
        starts = self.start_urls + [e.fallback for e in self.entries if e.fallback]
        self.own_hosts = frozenset(urlparse(u).hostname or "" for u in starts)
        # Off-site links and redirects are dropped by Scrapy's OffsiteMiddleware; sibling hosts
        # of the registrable domain (file.x.gov.cn beside www.x.gov.cn) are the same site.
        self.domains = frozenset(registrable_domain(host) for host in self.own_hosts)
        self.allowed_domains = sorted(self.domains)
        # (column, list fingerprint) → URL of the first page that listed those links. A dict
        # here; a distributed crawl shares it in Redis (crawler.distributed.SharedListings).
        self.listing_fingerprints: dict[tuple[str, str], str] = {}
        self.pages_requested: set[str] = set()  # navigation pages asked for, in this process
        self.discovery_pages: Counter[str] = Counter()  # per start page

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        """Each start page, or the columns an earlier crawl found from it and saw listing
        reports: those are visited instead, and the start page again only if they fail."""
        store = CrawlStore.of(self.crawler)
        for entry in self.entries:
            known = store.live_columns(entry.portal, entry.url)
            for url in known:
                fallback = entry.url if url != entry.url else entry.fallback
                request = self.page_request(url, entry.portal, entry.url, 0, fallback=fallback)
                request.meta["remembered"] = True
                yield request
            if not known:
                yield self.page_request(
                    entry.url, entry.portal, entry.url, 0, entry.found_by, entry.fallback
                )

    # -------------------------------------------------------------- any page: what is it?

    def page_request(
        self,
        url: str,
        portal: str | None,
        entry: str,
        hops: int,
        found_by: str | None = None,
        fallback: str | None = None,
        tier: int = 0,
    ) -> Request:
        """A page that may be a column, a report or a step on the way to them, reached by a
        link of `tier` (parsers.navigation.link_tier): stronger links are fetched first."""
        self.pages_requested.add(url)
        fragment = urlparse(url).fragment
        meta = {"portal": portal, "entry": entry, "hops": hops, "found_by": found_by}
        meta |= {"fallback": fallback, "fragment": fragment, "tier": tier}
        # A script-routed page (gkmlpt's annualreport#<id>) is one page per fragment, which
        # Scrapy's duplicate filter would take for the same.
        return Request(
            url,
            callback=self.parse_page,
            errback=self.page_failed,
            meta=meta,
            priority=10 * tier - hops,
            dont_filter=bool(fragment),
        )

    def parse_page(self, response: Response):
        if response.body.startswith(BINARY_DOCUMENT):  # a link that named a column led to a file
            yield from _some(
                self.detail_request(response.url, None, response.meta, dont_filter=True)
            )
            return
        text = decode_html(response.body)
        api = gkmlpt_list_url(response.url, response.meta.get("fragment") or "", text)
        if api:
            column = response.url.split("#")[0] + "#" + response.meta["fragment"]
            meta = {**self._list_meta(response), "column": column}
            yield Request(api, callback=self.parse_gkmlpt, meta=meta)
            return
        view = self.read(response, text)
        kind = page_kind(view)
        if kind == PAGE and response.meta.get("tier") == STRONG:
            # named as the 年报 (年度报告, 2023年报) and a page with attachments: a report's
            kind = REPORT if any(True for _ in self.attachment_links(response, text)) else PAGE
        if kind == REPORT:  # asked for again as a document, so the archive says what it is
            own = self.detail_request(response.url, view.own_title, response.meta, dont_filter=True)
            yield from _some(own)
        elif kind == COLUMN:
            response.meta["column"] = response.url
            yield from self.parse_list(response, title=_column_title(view))
        else:
            yield from self.column_lost(response.meta, response.url, "lists no reports")
        yield from self.discover(response, view, kind)

    def page_failed(self, failure):
        request = failure.request
        yield from self.column_lost(request.meta, request.url, f"failed ({failure.value})")

    def column_lost(self, meta: dict, url: str, why: str):
        """A start page or a remembered column that no longer answers or lists reports: it
        is remembered as listing none, and the columns are looked for again from the page it
        was found from (the portal's home page)."""
        if meta.get("remembered"):
            yield ColumnPage(meta.get("portal"), url, 0)
        if meta.get("fallback"):
            fallback = meta["fallback"]
            self.logger.info("%s %s: finding the columns again from %s", url, why, fallback)
            self.crawler.stats.inc_value("nianbao/rediscoveries")
            found_by = "registry" if meta.get("portal") in self.portal_info else "start-url"
            yield self.page_request(fallback, meta.get("portal"), fallback, 0, found_by)

    def read(self, response: Response, text: str) -> PageView:
        return read_page(
            response.url,
            text,
            has_pager=self.has_pager(response, text),
            prints_tables=_has_report_tables(text),
        )

    def discover(self, response: Response, view: PageView, kind: str) -> Iterator[Request]:
        """Follow the page's navigation towards the 年报, within the start page's budget:
        column and 专题 names from any page, 政务公开 and the like from pages that are neither
        column nor report, never beyond NIANBAO_DISCOVERY_MAX_HOPS links from the start."""
        meta = response.meta
        hops, entry = meta.get("hops", 0), meta.get("entry") or response.url
        # Reports it links: from a home or section page, or a list's in 繁體 or with spaces.
        for link in view.reports:
            yield from _some(self.detail_request(link.url, link.text, meta, listed_on=response.url))
        max_hops = self.settings.getint("NIANBAO_DISCOVERY_MAX_HOPS")
        budget = self.settings.getint("NIANBAO_DISCOVERY_MAX_PAGES")
        for link in view.navigation:
            strong = link.tier >= STRONG
            if (kind != PAGE and not strong) or hops + (1 if strong else 2) > max_hops:
                continue
            url = self.follow(link.url)
            if url is None or url in self.pages_requested or not same_site(url, self.domains):
                continue
            if _names_a_document(url):
                yield from _some(self.detail_request(url, link.text, meta, listed_on=response.url))
                continue
            if self.discovery_pages[entry] >= budget:
                if self.discovery_pages[entry] == budget:  # said once
                    self.crawler.stats.inc_value("nianbao/discovery_budget_spent")
                    self.logger.info("discovery from %s stops at %d pages", entry, budget)
                    self.discovery_pages[entry] += 1
                return
            self.discovery_pages[entry] += 1
            self.crawler.stats.inc_value("nianbao/discovery_pages")
            yield self.page_request(
                url,
                meta.get("portal"),
                entry,
                hops + 1,
                f"discovered from {response.url}",
                tier=link.tier,
            )

    def follow(self, url: str) -> str | None:
        """The URL to fetch for a link: a 繁體 gateway copy's original, nothing for the
        accessibility, print and mobile views of a page."""
        return canonical_page(url, self.own_hosts)

    def has_pager(self, response: Response, text: str) -> bool:
        if TRS_PAGER.search(text) or "<datastore" in text:
            return True
        return any(True for _ in self.linked_pages(response, text, column=response.url))

    # -------------------------------------------------------------- list pages

    def parse_list(self, response: Response, title: str | None = None):
        text = decode_html(response.body)
        links = list(self.report_links(response, text))
        if self.pagination_loop(response, links):
            return
        yield from self.listed(response, links, title)
        yield from self.next_pages(response, text)

    def pagination_loop(self, response: Response, links: list[tuple[str, str]]) -> bool:
        """The same list again under another URL: a pagination loop, to stop at. (The same
        URL again is a page fetched twice, by a process that took over a dead one's.)"""
        column = response.meta["column"]
        fingerprint = hashlib.sha1("\n".join(sorted(u for u, _ in links)).encode()).hexdigest()
        first = self.listing_fingerprints.setdefault((column, fingerprint), response.url)
        if links and first != response.url:
            self.logger.info("pagination loop at %s: same reports as an earlier page", response.url)
            self.crawler.stats.inc_value("nianbao/pagination_loops")
            return True
        return False

    def listed(self, response: Response, links: list[tuple[str, str]], title: str | None = None):
        """The reports one page of a column lists, and the column's sighting."""
        meta = response.meta
        requests = [
            self.detail_request(url, text, meta, column=meta["column"], listed_on=response.url)
            for url, text in links
        ]
        requests = [request for request in requests if request]
        yield ColumnPage(
            meta.get("portal"),
            meta["column"],
            len(requests),
            title,
            meta.get("found_by"),
            meta.get("entry"),
        )
        yield from requests

    def detail_request(
        self,
        url: str,
        title: str | None,
        meta: dict,
        column: str | None = None,
        listed_on: str | None = None,
        page_url: str | None = None,
        dont_filter: bool = False,
    ) -> Request | None:
        """A report's page or document (`listed_on` the page that linked it); None for a
        mirror's copy of one."""
        url = self.follow(url)
        if url is None:
            return None
        return Request(
            url,
            callback=self.parse_detail,
            dont_filter=dont_filter,
            meta={
                "document": True,
                "title": title,
                "page_url": page_url or url,
                "column": column,
                "portal": meta.get("portal"),
                "entry": meta.get("entry"),
                "listed_on": listed_on,
                "handle_httpstatus_list": [304],
            },
        )

    def report_links(self, response: Response, text: str) -> Iterator[tuple[str, str]]:
        """(url, title) of every link on a list page whose text names a 年报."""
        fragments = [text] + CDATA.findall(text)  # Hanweb lists live in CDATA records
        for fragment in fragments:
            selector = Selector(text=fragment, base_url=response.url)
            for anchor in selector.css("a[href]"):
                title = anchor.attrib.get("title") or " ".join(anchor.css("::text").getall())
                title = re.sub(r"\s+", "", title)
                href = anchor.attrib["href"].strip()
                if href.startswith(("javascript:", "#", "mailto:")):
                    continue
                if is_report_title(title) or is_cut_report_title(title):
                    yield response.urljoin(href), title

    def next_pages(self, response: Response, text: str) -> Iterator[Request]:
        yield from self.trs_pages(response, text)
        yield from self.hanweb_pages(response, text)
        yield from self.linked_pages(response, text)

    def _list_meta(self, response: Response) -> dict:
        return {key: response.meta.get(key) for key in LIST_META}

    def _list_request(self, url: str, response: Response, callback=None, **kwargs) -> Request:
        return Request(
            url, callback=callback or self.parse_list, meta=self._list_meta(response), **kwargs
        )

    def trs_pages(self, response: Response, text: str) -> Iterator[Request]:
        """TRS WCM static pages: createPageHTML(count, current, "index", "html")."""
        match = TRS_PAGER.search(text)
        if not match:
            return
        count, name, ext = int(match.group(1)), match.group(3), match.group(4)
        for page in range(min(count, self.settings.getint("NIANBAO_MAX_LIST_PAGES"))):
            filename = f"{name}.{ext}" if page == 0 else f"{name}_{page}.{ext}"
            yield self._list_request(urljoin(response.url, filename), response)

    def hanweb_pages(self, response: Response, text: str) -> Iterator[Request]:
        """Hanweb jcms: POST dataproxy.jsp with the column's param_<unitid> fields, or GET pages."""
        if "<datastore" not in text:
            return
        total = re.search(r"<totalrecord>\s*(\d+)", text)
        param = HANWEB_PARAM.search(text)
        if param and not total:
            fields = dict(HANWEB_FIELD.findall(param.group(2)))
            fields.setdefault("unitid", param.group(1))
            perpage = text.count("<record") or 15
            yield self._dataproxy(response, fields, 1, perpage * HANWEB_WINDOW, perpage)
            return
        if total and response.meta.get("hanweb"):
            fields, perpage, end = response.meta["hanweb"]
            last = min(
                int(total.group(1)), perpage * self.settings.getint("NIANBAO_MAX_LIST_PAGES")
            )
            for start in range(end + 1, last + 1, perpage * HANWEB_WINDOW):
                yield self._dataproxy(
                    response, fields, start, start + perpage * HANWEB_WINDOW - 1, perpage
                )
            return
        nextgroup = re.search(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)", text, re.S)
        pages = re.search(r"<totalpage>\s*(\d+)", text)
        if nextgroup:
            url = response.urljoin(nextgroup.group(1))
            last = int(pages.group(1)) if pages else 2
            for page in range(1, min(last, self.settings.getint("NIANBAO_MAX_LIST_PAGES")) + 1):
                yield self._list_request(re.sub(r"page=\d+", f"page={page}", url), response)

    def _dataproxy(self, response, fields: dict, start: int, end: int, perpage: int) -> Request:
        url = response.urljoin(
            f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={perpage}"
        )
        formdata = {k: str(v) for k, v in fields.items()}
        return FormRequest(
            url,
            formdata=formdata,
            callback=self.parse_list,
            meta={**self._list_meta(response), "hanweb": (fields, perpage, end)},
        )

    def linked_pages(
        self, response: Response, text: str, column: str | None = None
    ) -> Iterator[Request]:
        """Plain lists: 下一页 / 尾页 links and ?page=N links within the column."""
        selector = Selector(text=text, base_url=response.url)
        column_path = urlparse(column or response.meta["column"]).path.rsplit("/", 1)[0]
        for anchor in selector.css("a[href]"):
            href = anchor.attrib["href"].strip()
            label = "".join(anchor.css("::text").getall()).strip()
            url = self.follow(response.urljoin(href))
            same_column = url is not None and urlparse(url).path.startswith(column_path)
            if same_column and (NEXT_PAGE_TEXT.match(label) or PAGE_PARAM.search(href)):
                yield self._list_request(url, response)

    def parse_gkmlpt(self, response: Response):
        """A page of a gkmlpt catalogue's JSON list: its 年报, then its further pages."""
        articles = gkmlpt_articles(response.body)
        if articles is None:
            self.logger.warning("not a gkmlpt list: %s", response.url)
            return
        links = [
            (urljoin(response.url, url), re.sub(r"\s+", "", title))
            for url, title in articles
            if is_report_title(title)
        ]
        if self.pagination_loop(response, links):
            return
        yield from self.listed(response, links)
        for url in gkmlpt_pages(response.url, response.body):
            yield self._list_request(url, response, callback=self.parse_gkmlpt)

    # -------------------------------------------------------------- detail pages and attachments

    def parse_detail(self, response: Response):
        if response.status == 304:
            self.crawler.stats.inc_value("nianbao/unchanged")
            return
        if not response.body.startswith(BINARY_DOCUMENT):
            text = decode_html(response.body)
            # A page that prints the tables is the report, whatever it links: its links are
            # read (an lxml parse of the page) only when it does not.
            if not _has_report_tables(text):
                attachments = list(self.attachment_links(response, text))
                meta = response.meta
                for url in attachments:
                    request = self.detail_request(
                        url, meta.get("title"), meta, meta.get("column"), page_url=response.url
                    )
                    yield from _some(request)
                if attachments:
                    return
                epoint = epoint_detail(response.url, text)
                if epoint:  # the body comes from the platform's detail service
                    yield self.epoint_request(response, *epoint)
                    return
                yield from self.listing_in_detail(response, text)
        yield self.document(response, response.url)

    def listing_in_detail(self, response: Response, text: str):
        """A link titled as a report that led to a list of them (a 专题, a year's column)."""
        view = self.read(response, text)
        if page_kind(view) != COLUMN:
            return
        listed_on = response.meta.get("listed_on")
        response.meta["column"] = response.url
        response.meta["found_by"] = f"discovered from {listed_on or response.url}"
        yield from self.parse_list(response, title=_column_title(view))

    def document(self, response: Response, url: str) -> ReportDocument:
        return ReportDocument(
            url=url,
            page_url=response.meta.get("page_url"),
            title=response.meta.get("title"),
            body=response.body,
            fetch_id=response.meta.get("fetch_id"),
            portal=response.meta.get("portal"),
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
        )

    def epoint_request(self, response: Response, endpoint: str, form: dict) -> Request:
        meta = {**response.meta, "page_url": response.url}
        keep = ("document", "title", "page_url", "column", "portal", "entry", "listed_on")
        return FormRequest(
            endpoint,
            formdata=form,
            callback=self.parse_epoint,
            meta={key: meta.get(key) for key in keep},
        )

    def parse_epoint(self, response: Response):
        """An Epoint detail answer: the report's HTML, else the PDFs it lists. The report is
        cited by its page's URL: every answer comes from the same endpoint."""
        content = epoint_content(response.body)
        page = response.meta["page_url"]
        if content is None:
            self.logger.warning("no Epoint detail in the answer for %s", page)
            return
        html, files = content
        if files and not _has_report_tables(html):
            for path in files:
                title = response.meta.get("title")
                request = self.detail_request(
                    urljoin(page, path), title, response.meta, page_url=page
                )
                yield from _some(request)
            return
        if html.strip():
            yield self.document(response, page)
        else:
            self.logger.warning("an Epoint answer with no report body or file for %s", page)

    def attachment_links(self, response: Response, text: str) -> Iterator[str]:
        """Links to the report as a document: by the file name in the URL's path or query
        (`downfile.jsp?filename=….pdf`), or by the link's text on an extensionless download
        URL (`附件：…年度报告.pdf`, or just 附件下载)."""
        selector = Selector(text=text, base_url=response.url)
        candidates = [
            (link.attrib.get("href", ""), " ".join(link.css("::text").getall()))
            for link in selector.css("a[href]")
        ]
        candidates += [
            (src, "") for src in selector.css("iframe::attr(src), embed::attr(src)").getall()
        ]
        candidates += [(src, "") for src in selector.css("object::attr(data)").getall()]
        candidates += [(src, "") for src in WINDOW_OPEN.findall(text)]
        seen = set()
        for href, label in candidates:
            if not href.strip() or href.strip().lower().startswith(("javascript:", "mailto:")):
                continue
            url = _unwrap_viewer(response.urljoin(href.strip()))
            by_label = ATTACHMENT.search(label.strip()) or says_download(label)
            if url not in seen and (_names_a_document(url) or by_label):
                seen.add(url)
                yield url


def _names_a_document(url: str) -> bool:
    parsed = urlparse(url)
    if ATTACHMENT.search(parsed.path + "?"):
        return True
    return any(
        ATTACHMENT.search(value + "?")
        for values in parse_qs(parsed.query).values()
        for value in values
    )


def _unwrap_viewer(url: str) -> str:
    """pdfjs/web/viewer.html?file=<encoded path> → the file's URL."""
    parsed = urlparse(url)
    if "viewer" in parsed.path:
        target = parse_qs(parsed.query).get("file")
        if target:
            return urljoin(url, unquote(target[0]))
    return url


def _some(request: Request | None) -> Iterator[Request]:
    if request is not None:
        yield request


def _column_title(view: PageView) -> str | None:
    """What a column calls itself: the heading that names it, else its first."""
    named = [h for h in view.headings if names_collection(h)]
    return next(iter(named + view.headings), None)


def _has_report_tables(text: str) -> bool:
    return "<table" in text.lower() and prints_tables(text)
