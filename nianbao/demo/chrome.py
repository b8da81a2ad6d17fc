"""Site chrome of the mock portals: what real portals put around every page — the header
navigation (首页 / 政务公开 / 新闻 / 办事 / 互动), the 繁體 / 无障碍 / 手机版 switches, breadcrumbs,
footers — and the pages made of little else: home pages with their banners, section pages, 专题
pages (../shared/spec/portals.md).
"""

from __future__ import annotations

from html import escape as esc

from nianbao.demo.cms import HANWEB_COLUMN, PLAIN_COLUMN, TRS_COLUMN

Links = list[tuple[str, str]]  # (text, href)


def link_list(links: Links, css: str = "list", dates: list[str] | None = None) -> str:
    items = []
    for i, (text, href) in enumerate(links):
        date = f"<span>{dates[i]}</span>" if dates else ""
        items.append(f'<li><a href="{esc(href)}" title="{esc(text)}">{esc(text)}</a>{date}</li>')
    return f'<ul class="{css}">\n' + "\n".join(items) + "\n</ul>"


def banner(href: str, alt: str, image: str = "/images/banner.jpg") -> str:
    """A home-page banner: an image link whose words are only in the image's alt text."""
    return f'<div class="banner"><a href="{esc(href)}"><img src="{esc(image)}" alt="{esc(alt)}"></a></div>'


def chrome_page(
    title: str,
    site: str,
    nav: Links,
    content: str,
    crumbs: Links = (),
    tools: Links = (),
    head: str = "",
) -> bytes:
    """A whole page in UTF-8: tools bar, header navigation, breadcrumb, content, footer."""
    bar = " | ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in tools)
    menu = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in nav)
    trail = ""
    if crumbs:
        steps = [
            f'<a href="{esc(href)}">{esc(text)}</a>' if href else esc(text) for text, href in crumbs
        ]
        trail = f'<div class="crumb">当前位置：{" &gt; ".join(steps)}</div>'
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{esc(title)}_{esc(site)}</title>{head}</head><body>
<div class="tools">{bar}</div>
<div class="header"><h2>{esc(site)}</h2><ul class="nav">{menu}</ul></div>
{trail}
<div class="main">
{content}
</div>
<div class="footer">主办：{esc(site)}办公室　网站标识码：9900000099　<a href="/lxwm/">联系我们</a> <a href="/wzdt/">网站地图</a></div>
</body></html>"""
    return page.encode("utf-8")


def section_content(title: str, links: Links) -> str:
    return f'<div class="section"><h3>{esc(title)}</h3>\n{link_list(links, "menu")}\n</div>'


# ------------------------------------------------------------------ the demo portal's site

DEMO_SITE = "某某省人民政府"
DEMO_NAV = [
    ("首页", "/"),
    ("政务公开", "/zwgk/"),
    ("新闻", "/xwzx/"),
    ("办事", "/bsfw/"),
    ("互动", "/hdjl/"),
]
ZWGK_LINKS = [
    ("政府信息公开指南", "/zwgk/zn/"),
    ("政府信息公开制度", "/zwgk/zd/"),
    ("政府信息公开年报", f"{TRS_COLUMN}index.html"),
    ("政府信息公开", "/xxgk/"),
    ("法定主动公开内容", "/col/col1001/index.html"),
    ("依申请公开", "/zwgk/ysqgk/"),
]
XXGK_LINKS = [("政府信息公开指南", "/xxgk/zn/"), ("年度报告", f"{PLAIN_COLUMN}list.html")]
HANWEB_SECTION_LINKS = [
    ("机构职能", "/col/col1002/index.html"),
    ("政府信息公开年报", f"/col/col{HANWEB_COLUMN}/index.html"),
]
TOPIC_YEAR = "2025"
TOPIC_TITLE = f"{TOPIC_YEAR}年度政府信息公开工作年度报告集中公开专题"
TOPIC_PATH = f"/ztzl/{TOPIC_YEAR}nb/index.html"
NEWS = ("全省政务公开工作", "优化营商环境", "安全生产", "防汛抗旱", "乡村振兴")


def demo_site_pages(reports: Links) -> dict[str, bytes]:
    """path → page of the demo portal's pages around its columns (nianbao.demo.portal): a home
    page whose navigation leads to them (首页 → 政务公开 → 政府信息公开年报, or a step further), a
    专题 page linked from a banner listing this year's `reports` (title, page path), and the
    news, services and interaction a crawler must leave alone."""
    home, zwgk = ("首页", "/"), ("政务公开", "/zwgk/")
    topic = [(title, page) for title, page in reports if TOPIC_YEAR in title]
    news = [(f"某某省召开{t}会议", f"/xwzx/2025/n{i}.html") for i, t in enumerate(NEWS)]
    pages = {
        "/": ("首页", banner(TOPIC_PATH, TOPIC_TITLE) + link_list(news, "news"), []),
        "/zwgk/": ("政务公开", section_content("政务公开", ZWGK_LINKS), [home, ("政务公开", "")]),
        "/xxgk/": ("政府信息公开", section_content("政府信息公开", XXGK_LINKS), [home, zwgk]),
        "/col/col1001/index.html": (
            "法定主动公开内容",
            section_content("法定主动公开内容", HANWEB_SECTION_LINKS),
            [home, zwgk, ("法定主动公开内容", "")],
        ),
        TOPIC_PATH: (TOPIC_TITLE, link_list(topic), [home, (TOPIC_TITLE, "")]),
        "/xwzx/": ("新闻中心", link_list(news, "news"), [home, ("新闻中心", "")]),
    }
    pages |= {
        path: (title, f"<h1>{title}</h1><p>某某省人民政府召开会议，研究部署有关工作。</p>", [home])
        for title, path in news
    }
    for title, path in (("办事服务", "/bsfw/"), ("互动交流", "/hdjl/"), ("联系我们", "/lxwm/")):
        pages[path] = (title, section_content(title, [("首页", "/")]), [home, (title, "")])
    return {
        path: chrome_page(title, DEMO_SITE, DEMO_NAV, content, crumbs)
        for path, (title, content, crumbs) in pages.items()
    }
