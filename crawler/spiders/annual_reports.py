"""One generic spider for 年报 columns: TRS WCM, Hanweb jcms and plain paginated lists.

    scrapy crawl annual_reports -a start_urls=URL[,URL] [-a portal=NAME]

No per-site code: report links are told from navigation by their text, pagination is read
from the CMS's own markers (createPageHTML, Hanweb's datastore and dataproxy.jsp, 下一页
links), and a detail page whose report is an attachment leads to the attachment.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urljoin, urlparse

import scrapy
from parsel import Selector
from scrapy.http import FormRequest, Request, Response

from crawler.items import ReportDocument
from parsers.html import decode_html
from parsers.vocabulary import is_report_title, prints_tables

ATTACHMENT = re.compile(r"\.(pdf|docx?|wps)(?:$|[?#])", re.I)
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


class AnnualReportsSpider(scrapy.Spider):
    name = "annual_reports"

    def __init__(
        self, start_urls: str = "", portal: str | None = None, portals: str = "", **kwargs
    ):
        super().__init__(**kwargs)
        # (column URL, portal name); `portals` is JSON from the registry: [{name, columns, info}]
        self.columns = [(u.strip(), portal) for u in start_urls.split(",") if u.strip()]
        self.portal_info: dict[str, dict] = {}
        for entry in json.loads(portals) if portals else []:
            self.columns += [(url, entry["name"]) for url in entry["columns"]]
            self.portal_info[entry["name"]] = entry.get("info") or {}
        if not self.columns:
            raise ValueError("annual_reports needs -a start_urls=URL[,URL] or -a portals=JSON")
        self.start_urls = [url for url, _ in self.columns]
        # Off-site links and redirects are dropped by Scrapy's OffsiteMiddleware.
        self.allowed_domains = sorted({urlparse(u).hostname for u in self.start_urls})
        # (column, list fingerprint) → URL of the first page that listed those links. A dict
        # here; a distributed crawl shares it in Redis (crawler.distributed.SharedListings).
        self.listing_fingerprints: dict[tuple[str, str], str] = {}

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        for url, portal in self.columns:
            yield Request(url, callback=self.parse_list, meta={"column": url, "portal": portal})

    # -------------------------------------------------------------- list pages

    def parse_list(self, response: Response) -> Iterator[Request]:
        text = decode_html(response.body)
        links = list(self.report_links(response, text))
        column = response.meta["column"]
        fingerprint = hashlib.sha1("\n".join(sorted(u for u, _ in links)).encode()).hexdigest()
        first = self.listing_fingerprints.setdefault((column, fingerprint), response.url)
        if links and first != response.url:
            # The same list again under another URL: a pagination loop. Stop here. (The same
            # URL again is a page fetched twice, by a process that took over a dead one's.)
            self.logger.info("pagination loop at %s: same reports as an earlier page", response.url)
            self.crawler.stats.inc_value("nianbao/pagination_loops")
            return
        for url, title in links:
            yield Request(
                url,
                callback=self.parse_detail,
                meta={
                    "document": True,
                    "title": title,
                    "page_url": url,
                    "column": column,
                    "portal": response.meta.get("portal"),
                    "handle_httpstatus_list": [304],
                },
            )
        yield from self.next_pages(response, text)

    def report_links(self, response: Response, text: str) -> Iterator[tuple[str, str]]:
        """(url, title) of every link on a list page whose text names a 年报."""
        fragments = [text] + CDATA.findall(text)  # Hanweb lists live in CDATA records
        for fragment in fragments:
            selector = Selector(text=fragment, base_url=response.url)
            for anchor in selector.css("a[href]"):
                title = anchor.attrib.get("title") or " ".join(anchor.css("::text").getall())
                title = re.sub(r"\s+", "", title)
                href = anchor.attrib["href"].strip()
                if href.startswith(("javascript:", "#", "mailto:")) or not is_report_title(title):
                    continue
                yield response.urljoin(href), title

    def next_pages(self, response: Response, text: str) -> Iterator[Request]:
        yield from self.trs_pages(response, text)
        yield from self.hanweb_pages(response, text)
        yield from self.linked_pages(response, text)

    def _list_request(self, url: str, response: Response, **kwargs) -> Request:
        return Request(
            url,
            callback=self.parse_list,
            meta={"column": response.meta["column"], "portal": response.meta.get("portal")},
            **kwargs,
        )

    def trs_pages(self, response: Response, text: str) -> Iterator[Request]:
        """TRS WCM static pages: createPageHTML(count, current, "index", "html")."""
        match = TRS_PAGER.search(text)
        if not match:
            return
        count, name, ext = int(match.group(1)), match.group(3), match.group(4)
        limit = self.settings.getint("NIANBAO_MAX_LIST_PAGES", 500)
        for page in range(min(count, limit)):
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
            for start in range(end + 1, int(total.group(1)) + 1, perpage * HANWEB_WINDOW):
                yield self._dataproxy(
                    response, fields, start, start + perpage * HANWEB_WINDOW - 1, perpage
                )
            return
        nextgroup = re.search(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)", text, re.S)
        pages = re.search(r"<totalpage>\s*(\d+)", text)
        if nextgroup:
            url = response.urljoin(nextgroup.group(1))
            last = int(pages.group(1)) if pages else 2
            for page in range(1, min(last, 500) + 1):
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
            meta={
                "column": response.meta["column"],
                "portal": response.meta.get("portal"),
                "hanweb": (fields, perpage, end),
            },
        )

    def linked_pages(self, response: Response, text: str) -> Iterator[Request]:
        """Plain lists: 下一页 / 尾页 links and ?page=N links within the column."""
        selector = Selector(text=text, base_url=response.url)
        column_path = urlparse(response.meta["column"]).path.rsplit("/", 1)[0]
        for anchor in selector.css("a[href]"):
            href = anchor.attrib["href"].strip()
            label = "".join(anchor.css("::text").getall()).strip()
            url = response.urljoin(href)
            same_column = urlparse(url).path.startswith(column_path)
            if same_column and (NEXT_PAGE_TEXT.match(label) or PAGE_PARAM.search(href)):
                yield self._list_request(url, response)

    # -------------------------------------------------------------- detail pages and attachments

    def parse_detail(self, response: Response):
        if response.status == 304:
            self.crawler.stats.inc_value("nianbao/unchanged")
            return
        if response.body[:5] != b"%PDF-" and not response.body.startswith(b"PK"):
            text = decode_html(response.body)
            attachments = list(self.attachment_links(response, text))
            if attachments and not _has_report_tables(text):
                for url in attachments:
                    yield Request(
                        url,
                        callback=self.parse_detail,
                        meta={
                            "document": True,
                            "title": response.meta.get("title"),
                            "page_url": response.url,
                            "column": response.meta.get("column"),
                            "portal": response.meta.get("portal"),
                            "handle_httpstatus_list": [304],
                        },
                    )
                return
        yield ReportDocument(
            url=response.url,
            page_url=response.meta.get("page_url"),
            title=response.meta.get("title"),
            body=response.body,
            fetch_id=response.meta.get("fetch_id"),
            portal=response.meta.get("portal"),
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
        )

    def attachment_links(self, response: Response, text: str) -> Iterator[str]:
        """Links to the report as a document: by the file name in the URL's path or query
        (`downfile.jsp?filename=….pdf`), or by the link's text (`附件：…年度报告.pdf` on an
        extensionless download URL)."""
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
            if url not in seen and (_names_a_document(url) or ATTACHMENT.search(label.strip())):
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


def _has_report_tables(text: str) -> bool:
    return "<table" in text.lower() and prints_tables(text)
