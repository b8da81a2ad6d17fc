"""A whole portal site made from a seed, built the way real ones are (../shared/spec/portals.md),
to test that a crawl started at its home page finds every 年报 and nothing else.

What varies with the seed: the registrable domain, the words of the navigation (政务公开 /
政府信息公开 / 信息公开, an optional 法定主动公开内容 step, the column's own name), every path
(unusual, never zfxxgknb), the host of the column (www or the 政府信息公开 platform's host), and
the column's CMS (TRS static pages with createPageHTML, a plain list with 下一页, or year
sub-columns under a page that lists none).

What every site has: a home page with 首页 / 政务公开 / 新闻 / 办事 / 互动 navigation and a banner
to a 专题 page; 120 news pages, and service and interaction pages, as noise; a column two or
three steps from the home page listing reports as HTML articles and with DOCX and XLSX
attachments on a sibling file host (the DOCX behind an extensionless download URL linked as
附件下载), beside notices about 年报 that are not reports, one report's title cut short by the
list (…2020...) and a year sub-column named in Chinese numerals (二〇二四年度); the 专题
listing departments' reports with PDF and DOCX attachments, one of them only through the 繁體
gateway and one through the mobile host (also in the column); and on every page the 繁體 /
无障碍 / 手机版 switches, served as real mirrors (/gate/big5/<host>/…, /wza/…, m.<domain>).
"""

from __future__ import annotations

import functools
import random
import re
import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nianbao.demo.chrome import Links, banner, chrome_page, esc, link_list, section_content
from nianbao.demo.cms import DOCX, PDF
from nianbao.demo.portal import CATALOGUE, DEFAULT_DOCUMENTS
from nianbao.demo.render import seed_html, text_blocks
from nianbao.demo.vhosts import HTML, VirtualHosts, page_answer
from nianbao.demo.word import seed_docx, xlsx_bytes

SECTION_WORDS = ("政务公开", "政府信息公开", "信息公开")
MIDDLE_WORDS = (None, "法定主动公开内容", "政府信息公开目录")
COLUMN_NAMES = ("政府信息公开年报", "政府信息公开工作年度报告", "年度报告", "信息公开年报")
PLACES = ("东川", "西岭", "南湖", "北固", "青山", "白水", "云溪", "石门", "金沙", "玉泉")
DEPARTMENTS = ("财政局", "教育局", "民政局", "交通运输局", "卫生健康委员会", "市场监督管理局")
NEWS_TOPICS = (
    "安全生产", "防汛抗旱", "乡村振兴", "营商环境", "招商引资", "文明城市", "森林防火",
    "农业生产", "城市更新", "就业创业", "生态环境", "民生实事",
)  # fmt: skip
NEWS_PAGES, NEWS_PER_PAGE = 10, 12
PER_PAGE = 4  # column items per list page
CUT_ENTRY, CUT_AFTER = 3, 18  # the column entry whose title the list cuts short, and where
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class GeneratedSite:
    hosts: VirtualHosts
    home: str
    reports: set[str] = field(default_factory=set)  # document URLs a complete crawl stores
    way: list[str] = field(default_factory=list)  # pages from the home page to every report
    listed: set[str] = field(default_factory=set)  # what the lists link: pages, attachments
    noise: set[str] = field(default_factory=set)  # news, services, interaction
    mirrors: tuple[str, ...] = ()  # URL prefixes of the mirror copies
    offsite: set[str] = field(default_factory=set)  # reports on other sites, linked


def seed_texts() -> list[tuple[str, str]]:
    """(title, flattened text) of the bundled seed reports, titled as the demo portal lists
    them."""
    titles = {p.file: p.title for p in CATALOGUE}
    return [
        (titles[path.name], path.read_text(encoding="utf-8"))
        for path in sorted(DEFAULT_DOCUMENTS.glob("*.txt"))
        if path.name in titles
    ]


class SiteBuilder:
    def __init__(self, seed: int, hosts: VirtualHosts):
        self.rng = random.Random(seed)
        self.hosts = hosts
        self.used: set[str] = set()
        # mock-…: no real host is ever named, should a request miss the proxy
        domain = f"mock-{self.token(5)}.gov.cn"
        self.www, self.files, self.mobile = (f"http://{h}.{domain}" for h in ("www", "file", "m"))
        self.column_host = self.rng.choice([self.www, f"http://xxgk.{domain}"])
        self.place = self.rng.choice(PLACES)
        self.site = f"{self.place}市人民政府"
        self.section_word = self.rng.choice(SECTION_WORDS)
        self.middle_word = self.rng.choice(MIDDLE_WORDS)
        self.column_name = self.rng.choice(COLUMN_NAMES)
        self.cms = self.rng.choice(["trs", "plain", "years"])
        self.paths = {
            name: "/" + self.token(3) + "/"
            for name in ("section", "middle", "news", "services", "interaction", "topic")
        }
        self.paths["column"] = self.paths["middle"] + self.token(4) + "/"
        self.result = GeneratedSite(hosts, self.www + "/")
        self.result.mirrors = (f"{self.mobile}/", "/gate/big5/", "/wza/")

    def token(self, length: int) -> str:
        while True:
            word = "".join(self.rng.choice(string.ascii_lowercase) for _ in range(length))
            if word not in self.used:
                self.used.add(word)
                return word

    # ------------------------------------------------------------------ pages

    @property
    def nav(self) -> Links:
        return [
            ("首页", self.www + "/"),
            (self.section_word, self.www + self.paths["section"]),
            ("新闻", self.www + self.paths["news"]),
            ("办事", self.www + self.paths["services"]),
            ("互动", self.www + self.paths["interaction"]),
        ]

    def page(self, url: str, title: str, content: str, crumbs: Links = ()) -> str:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        tools = [
            ("繁體", f"/gate/big5/{parts.netloc}{path}"),
            ("无障碍", f"/wza{path}"),
            ("手机版", self.mobile + path),
        ]
        home = [("首页", self.www + "/")]
        body = chrome_page(title, self.site, self.nav, content, home + list(crumbs), tools)
        self.hosts.add(url, body)
        return url

    def article(self, url: str, title: str, body: str, crumbs: Links) -> str:
        parts = urlsplit(url)
        content = (
            f'<div class="article"><h1>{esc(title)}</h1><div class="info">来源：{self.site}办公室'
            f'</div><div class="TRS_Editor">{body}</div>'
            f'<p class="big5"><a href="/gate/big5/{parts.netloc}{parts.path}">【繁體版】</a></p></div>'
        )
        head = f'<meta name="ArticleTitle" content="{esc(title)}">'
        tools = [
            ("繁體", f"/gate/big5/{parts.netloc}{parts.path}"),
            ("手机版", self.mobile + parts.path),
        ]
        page = chrome_page(title, self.site, self.nav, content, crumbs, tools, head)
        self.hosts.add(url, page)
        return url

    def attachment(
        self, title: str, data: bytes, suffix: str, content_type: str, download: bool = False
    ) -> str:
        """A document on the file host, linked by its name, or (`download`) by 附件下载 on a
        URL that does not name the file."""
        folder, number = f"{self.files}/{self.token(4)}", self.rng.randrange(10**11, 10**12)
        url = (
            f"{folder}/download.do?fileId={number}" if download else f"{folder}/P0{number}.{suffix}"
        )
        self.hosts.add(url, data, content_type)
        self.result.reports.add(url)
        self.result.listed.add(url)
        if download:
            return f'<p><a href="{esc(url)}">附件下载</a></p>'
        return f'<p>附件：<a href="{url}">{esc(title)}.{suffix}</a></p>'

    # ------------------------------------------------------------------ the site

    def build(self) -> GeneratedSite:
        seeds = seed_texts()
        self.build_column(seeds)
        self.build_topic(seeds)
        news = self.build_news()
        self.build_home(news)
        self.build_sections()
        self.hosts.mirrors.append(self.mirror)
        return self.result

    def column_crumbs(self) -> Links:
        crumbs = [(self.section_word, self.www + self.paths["section"])]
        if self.middle_word:
            crumbs.append((self.middle_word, self.column_host + self.paths["middle"]))
        column = self.list_page_url(self.column_host + self.paths["column"], 0)
        return crumbs + [(self.column_name, column)]

    def build_column(self, seeds: list[tuple[str, str]]) -> None:
        """The column: reports as articles (one with a DOCX, one with an XLSX of its tables),
        and notices about 年报 that are not reports, newest first."""
        folder = self.column_host + self.paths["column"]
        entries: Links = []
        for index, (title, text) in enumerate(seeds):
            url = f"{folder}{self.token(6)}/t{2021 + index}0120_{self.rng.randrange(10**5, 10**6)}.html"
            if index == 1:
                body = "<p>报告全文见附件。</p>" + self.attachment(
                    title, seed_docx(text, title, "2024-01-20"), "docx", DOCX, download=True
                )
            elif index == 2:
                lines = "\n".join(line for line in text.splitlines() if "\t" not in line)
                body = seed_html(lines) + self.attachment(
                    title + "统计表", xlsx_bytes(text_blocks(text)), "xlsx", XLSX
                )
            else:
                body = seed_html(text, word=True)
                self.result.reports.add(url)
            self.article(url, title, body, self.column_crumbs())
            entries.append((cut_title(title) if index == CUT_ENTRY else title, url))
        for title in (
            f"关于做好{2020 + self.rng.randrange(5)}年度政府信息公开工作年度报告编制发布工作的通知",
            f"{self.place}市{2020 + self.rng.randrange(5)}年政府工作报告",
        ):
            url = f"{folder}{self.token(6)}/t{self.rng.randrange(10**7, 10**8)}.html"
            self.article(
                url,
                title,
                "<p>各县（市、区）人民政府，市政府各部门：现将有关事项通知如下。</p>",
                self.column_crumbs(),
            )
            entries.insert(self.rng.randrange(len(entries)), (title, url))
        self.result.listed.update(url for _, url in entries)
        self.column_entries = entries
        pages = [entries[i : i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)]
        if self.cms == "years":
            self.build_years(folder, pages)
            return
        for number, chunk in enumerate(pages):
            url = self.list_page_url(folder, number)
            self.page(
                url,
                self.column_name,
                self.list_content(chunk, number, len(pages)),
                self.column_crumbs()[:-1] + [(self.column_name, "")],
            )
            self.result.way.append(url)

    def build_years(self, folder: str, pages: list[Links]) -> None:
        """A column of year sub-columns: its own page lists none, only 2024年度, 2023年度 …"""
        years = [(f"{2024 - n}年度", f"{folder}{2024 - n}/index.html") for n in range(len(pages))]
        years[0] = (f"{chinese_numerals(2024)}年度", years[0][1])
        crumbs = self.column_crumbs()
        root = self.list_page_url(folder, 0)
        self.page(
            root,
            self.column_name,
            link_list(years, "years"),
            crumbs[:-1] + [(self.column_name, "")],
        )
        self.result.way.append(root)
        for (year, url), chunk in zip(years, pages, strict=True):
            self.page(
                url,
                f"{year}_{self.column_name}",
                link_list(chunk),
                crumbs + [(year, "")],
            )
            self.result.way.append(url)

    def list_page_url(self, folder: str, number: int) -> str:
        if self.cms == "trs":
            return folder + ("index.html" if number == 0 else f"index_{number}.html")
        return folder + ("list.html" if number == 0 else f"list.html?page={number + 1}")

    def list_content(self, chunk: Links, number: int, pages: int) -> str:
        items = link_list(chunk, "list", dates=[f"2024-0{1 + i}-15" for i in range(len(chunk))])
        if self.cms == "trs":
            return (
                items
                + f'<div id="page_div"></div><script>createPageHTML({pages}, {number}, "index", "html");</script>'
            )
        pager = [("首页", "list.html")]
        if number + 1 < pages:
            pager.append(("下一页", f"list.html?page={number + 2}"))
        pager.append(("尾页", f"list.html?page={pages}"))
        return (
            items
            + '<div class="pager">'
            + " ".join(f'<a href="{h}">{t}</a>' for t, h in pager)
            + "</div>"
        )

    def build_topic(self, seeds: list[tuple[str, str]]) -> None:
        """The 专题: every department's report, PDF and DOCX attachments on the file host; one
        linked only through the 繁體 gateway, one through the mobile host (also in the column)."""
        year = 2024
        url = self.www + self.paths["topic"] + f"{year}nb/index.html"
        self.topic_title = f"{year}年度政府信息公开工作年度报告集中公开专题"
        pdf = (DEFAULT_DOCUMENTS / "huaian-2024.pdf").read_bytes()
        departments = self.rng.sample(DEPARTMENTS, 3)
        entries: Links = []
        for index, department in enumerate(departments):
            title = f"{self.place}市{department}{year}年政府信息公开工作年度报告"
            page = f"{self.www}/bm/{self.token(4)}/{year}nb.html"
            if index == 0:
                body = self.attachment(title, pdf, "pdf", PDF)
            else:
                seed_title, text = seeds[(index * 2) % len(seeds)]
                body = self.attachment(
                    title, seed_docx(text, seed_title, "2025-01-20"), "docx", DOCX
                )
            self.article(
                page,
                title,
                "<p>现将本部门年度报告全文公布如下。</p>" + body,
                [(self.topic_title, url)],
            )
            self.result.listed.add(page)
            if index == 2:  # written by someone browsing the 繁體 copy
                host = urlsplit(page)
                page = f"{self.www}/gate/big5/{host.netloc}{host.path}"
                title = to_traditional(title)
            entries.append((title, page))
        # The province's report, on the province's own site: another site, never followed.
        other = f"http://www.mock-{self.token(6)}.gov.cn/zwgk/ndbg/{year}.html"
        province = f"某某省人民政府{year}年政府信息公开工作年度报告"
        self.article(other, province, seed_html(seeds[0][1]), [])
        self.result.offsite.add(other)
        entries.append((province, other))
        title, column_report = self.column_entries_report(0)
        entries.append((title, self.mobile + urlsplit(column_report).path))
        entries.append(self.column_entries_report(1))
        self.page(url, self.topic_title, link_list(entries), [(self.topic_title, "")])
        self.result.way.append(url)

    def column_entries_report(self, index: int) -> tuple[str, str]:
        reports = [
            (t, u)
            for t, u in self.column_entries
            if "政府信息公开工作年度报告" in t and "通知" not in t
        ]
        return reports[index]

    def build_news(self) -> Links:
        """120 news articles over 10 list pages linked by 下一页, and their 繁體 links."""
        folder = self.www + self.paths["news"]
        news: Links = []
        for index in range(NEWS_PAGES * NEWS_PER_PAGE):
            topic = NEWS_TOPICS[index % len(NEWS_TOPICS)]
            title = f"{self.place}市召开{topic}工作会议（{index + 1}）"
            if index == 5:
                title = f"{self.place}市{self.section_word}工作要点"
            url = f"{folder}{2024 - index // 40}/n{index}.html"
            self.article(
                url, title, f"<p>{title}。会议要求，各地各部门要抓好落实。</p>", [("新闻", folder)]
            )
            news.append((title, url))
        self.result.noise.update(url for _, url in news)
        for page in range(NEWS_PAGES):
            chunk = news[page * NEWS_PER_PAGE : (page + 1) * NEWS_PER_PAGE]
            url = folder + ("index.html" if page == 0 else f"index_{page}.html")
            pager = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < NEWS_PAGES else ""
            self.page(url, "新闻中心", link_list(chunk, "news") + pager, [("新闻", "")])
            self.result.noise.add(url)
        return news

    def build_home(self, news: Links) -> None:
        content = (
            banner(self.www + self.paths["topic"] + "2024nb/index.html", self.topic_title)
            + link_list(news[:8], "news")
            + link_list(
                [("English", self.www + "/en/"), ("政府信息公开指南", self.www + "/zn/")], "links"
            )
        )
        self.page(self.www + "/", "首页", content)
        self.result.way.insert(0, self.www + "/")

    def build_sections(self) -> None:
        """政务公开 (and 法定主动公开内容) on the way to the column; 办事 and 互动 beside it."""
        column = (
            self.column_name,
            self.column_host + self.paths["column"] + self.list_page_url("", 0),
        )
        section = [("政府信息公开指南", self.www + "/zn/"), ("政府信息公开制度", self.www + "/zd/")]
        section += [("依申请公开", self.www + "/ysq/"), ("机构职能", self.www + "/jgzn/")]
        if self.middle_word:
            middle_url = self.column_host + self.paths["middle"]
            section.insert(2, (self.middle_word, middle_url))
            inner = [("规划计划", middle_url + "ghjh/"), column, ("财政资金", middle_url + "czzj/")]
            self.page(
                middle_url,
                self.middle_word,
                section_content(self.middle_word, inner),
                self.column_crumbs()[:1] + [(self.middle_word, "")],
            )
            self.result.way.insert(1, middle_url)
        else:
            section.insert(2, column)
        url = self.www + self.paths["section"]
        self.page(
            url,
            self.section_word,
            section_content(self.section_word, section),
            [(self.section_word, "")],
        )
        self.result.way.insert(1, url)
        for name, title in (("services", "办事服务"), ("interaction", "互动交流")):
            folder = self.www + self.paths[name]
            items = [(f"{title}事项{i}", f"{folder}s{i}.html") for i in range(10)]
            for text, item in items:
                self.page(item, text, f"<p>{text}</p>", [(title, folder)])
            self.page(folder, title, link_list(items), [(title, "")])
            self.result.noise.update([folder, *(u for _, u in items)])

    # ------------------------------------------------------------------ mirrors

    def mirror(self, url: str):
        """The 繁體 gateway's copy (traditional characters, links kept inside the gateway), the
        accessibility view and the mobile host's copy of any page."""
        parts = urlsplit(url)
        gateway = re.match(r"^/gate/big5/([^/]+)(/.*)$", parts.path)
        if gateway:
            original = self.hosts.pages.get(f"http://{gateway[1]}{gateway[2]}")
            return page_answer(big5_copy(original[0], gateway[1])) if original else None
        if parts.path.startswith("/wza/"):
            original = self.hosts.pages.get(f"{parts.scheme}://{parts.netloc}{parts.path[4:]}")
            return page_answer(original[0]) if original else None
        if url.startswith(self.mobile + "/"):
            original = self.hosts.pages.get(self.www + url[len(self.mobile) :])
            return page_answer(original[0]) if original else None
        return None


def cut_title(title: str) -> str:
    """A title as list templates cut a long one: its first characters and "..."."""
    return title[:CUT_AFTER] + "..." if len(title) > CUT_AFTER + 2 else title


def chinese_numerals(year: int) -> str:
    """2024 → 二〇二四."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


@functools.cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → traditional, as a 繁體 gateway converts (OpenCC s2t)."""
    return _s2t().convert(text)


def big5_copy(page: bytes, host: str) -> bytes:
    """A page as the 繁體 gateway serves it: traditional characters, its links rewritten into
    the gateway (/gate/big5/<host>/…)."""
    if not page.lstrip().startswith(b"<"):
        return page
    text = to_traditional(page.decode("utf-8"))
    text = re.sub(r'href="/(?!gate/)', f'href="/gate/big5/{host}/', text)
    text = re.sub(r'href="http://([^/"]+)/', r'href="/gate/big5/\1/', text)
    return text.encode("utf-8")


def generate_site(seed: int, hosts: VirtualHosts | None = None) -> GeneratedSite:
    """The site of `seed`, published on `hosts` (a new VirtualHosts when None)."""
    return SiteBuilder(seed, hosts or VirtualHosts()).build()


__all__ = ["GeneratedSite", "HTML", "generate_site"]
