"""Reading a portal page as a person does on the way to the 年报: what it calls itself, what it
lists, and which of its links lead on (the words are parsers.navigation's).

A page is one of three kinds:
- a report: it prints the national tables, or its own title is one 年报's (and it lists fewer
  reports than a list would);
- a column: it lists reports — several among few other links, or some under a heading that
  names a 年报 column or 专题 (title, breadcrumb, ColumnName), or on a page with a pager;
- any other page of the site, whose navigation may lead to one.
The spider follows navigation from pages (crawler.spiders.annual_reports): column names first,
then 政务公开 and its like, within the hop and page budget of NIANBAO_DISCOVERY_* settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from parsel import Selector

from parsers.navigation import (
    NONE,
    STRONG,
    is_one_report,
    link_tier,
    names_a_year,
    names_collection,
    readable,
)

REPORT, COLUMN, PAGE = "report", "column", "page"

# A list: this many report links make a page a column when they are at least this share of its
# links (a home page may link two reports among three hundred links; a column lists them).
LIST_REPORTS = 3
LIST_SHARE = 0.1
# Fewer report links make a column when they are most of the page's links (a bare list page).
BARE_LIST_SHARE = 0.5

_TITLE_SEPARATOR = re.compile(r"[_|｜]| - | — |--")
_CRUMB_MARKERS = ("当前位置", "您的位置", "您现在的位置", "所在位置", "当前的位置")
_CRUMB_SEPARATOR = re.compile(r"[>»›→]|&gt;")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_CRUMB_XPATH = (
    "//*[text()["
    + " or ".join(f"contains(., '{m}')" for m in _CRUMB_MARKERS)
    + "]] | //*[contains(@class, 'crumb') or contains(@class, 'position')"
    " or contains(@class, 'location') or contains(@id, 'crumb') or contains(@id, 'position')]"
)


@dataclass
class Link:
    url: str
    text: str  # what a person reads: the anchor's text, its title, an image's alt text
    tier: int = NONE  # how strongly it leads to the 年报 (parsers.navigation.link_tier)
    report: bool = False  # titled as one 年报


@dataclass
class PageView:
    url: str
    links: list[Link] = field(default_factory=list)  # distinct URLs, in page order
    reports: list[Link] = field(default_factory=list)  # links titled as one 年报
    headings: list[str] = field(default_factory=list)  # what the page calls itself
    own_title: str | None = None  # the article title a page states (meta ArticleTitle, h1)
    has_pager: bool = False
    prints_tables: bool = False

    @property
    def names_collection(self) -> bool:
        return any(names_collection(heading) for heading in self.headings)

    @property
    def navigation(self) -> list[Link]:
        """Links worth following, strongest first (page order within a tier). On a page that
        names a 年报 column, a link that says only a year (2023年度) is one of its year
        sub-columns: as strong as the column's name."""
        report_urls = {link.url for link in self.reports}
        ahead = [link for link in self.links if link.url not in report_urls]
        if self.names_collection:
            for link in ahead:
                if names_a_year(link.text):
                    link.tier = STRONG
        return sorted((link for link in ahead if link.tier > NONE), key=lambda link: -link.tier)


def read_page(
    url: str, text: str, *, has_pager: bool = False, prints_tables: bool = False
) -> PageView:
    """The page at `url` (decoded `text`) as discovery sees it."""
    selector = Selector(text=text, base_url=url)
    view = PageView(url, has_pager=has_pager, prints_tables=prints_tables)
    seen: dict[str, Link] = {}
    fragments = [selector] + [Selector(text=f, base_url=url) for f in _CDATA.findall(text)]
    for fragment in fragments:
        for anchor in fragment.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
                continue
            target = urljoin(url, href)
            if target.split("#")[0] == url.split("#")[0] and "#" not in href:
                continue  # the page itself
            words = [
                " ".join(anchor.css("::text").getall()),
                anchor.attrib.get("title", ""),
                *anchor.css("img::attr(alt), img::attr(title)").getall(),
            ]
            _add(seen, target, [w.strip() for w in words if w.strip()])
    view.links = list(seen.values())
    view.reports = [link for link in view.links if link.report]
    view.headings = _headings(selector)
    view.own_title = _own_title(selector, view.headings)
    return view


def _add(seen: dict[str, Link], url: str, words: list[str]) -> None:
    """One Link per URL, read by the words that lead most strongly: its text, its title, an
    image's alt text (a banner), or another link's to the same page (a menu beside a crumb)."""
    words = words or [""]
    link = seen.setdefault(url, Link(url, words[0]))
    for text in words:
        tier, report = link_tier(text), is_one_report(text)
        if report and not link.report:
            link.text, link.report = text, True
        elif tier > link.tier and not link.report:
            link.text = text
        link.tier = max(link.tier, tier)


def _headings(selector: Selector) -> list[str]:
    """What the page calls itself: the pieces of its <title>, its ColumnName, the last step of
    its breadcrumb (当前位置：首页 > 政务公开 > 政府信息公开年报)."""
    title = " ".join(selector.css("title::text").getall())
    headings = [piece.strip() for piece in _TITLE_SEPARATOR.split(title) if piece.strip()]
    headings += selector.xpath(
        "//meta[translate(@name, 'COLUMNAME', 'columname')='columnname']/@content"
    ).getall()
    for crumb in selector.xpath(_CRUMB_XPATH)[:3]:
        steps = [s.strip() for s in _CRUMB_SEPARATOR.split(" ".join(crumb.css("*::text").getall()))]
        steps = [s for s in steps if readable(s)]
        if steps:
            headings.append(steps[-1])
    return headings


def _own_title(selector: Selector, headings: list[str]) -> str | None:
    """The title of the article a page shows, when it states one that names a 年报."""
    candidates = selector.xpath(
        "//meta[translate(@name, 'ARTICLETITLE', 'articletitle')='articletitle']/@content"
    ).getall()
    candidates += [" ".join(h.css("::text").getall()) for h in selector.css("h1")]
    candidates += headings[:1]
    return next((c.strip() for c in candidates if is_one_report(c)), None)


def page_kind(view: PageView) -> str:
    """REPORT, COLUMN or PAGE: what the page is, by what it prints and lists."""
    if view.prints_tables:
        return REPORT
    listed, links = len(view.reports), max(len(view.links), 1)
    if listed >= LIST_REPORTS and listed >= LIST_SHARE * links:
        return COLUMN
    if view.own_title:
        return REPORT
    if listed and (view.names_collection or view.has_pager or listed >= BARE_LIST_SHARE * links):
        return COLUMN
    # A column whose first page lists nothing yet, its reports behind the pager.
    return COLUMN if view.names_collection and view.has_pager else PAGE
