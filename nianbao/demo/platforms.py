"""Mock portals on the publishing platforms whose pages script fills in (../shared/spec/portals.md),
on virtual hosts (nianbao.demo.vhosts), each entered by its home page:

- a 广东-style 政府信息公开平台 (gkmlpt): 首页 → 政务公开 → 政府信息公开年报, a link to
  `/gkmlpt/annualreport#<catalogue id>`, an empty page whose script (`SID: '<site id>'`) loads
  `/gkmlpt/api/all/<catalogue id>?page=N&sid=<site id>` — JSON lists, a few articles a page;
- an Epoint (新点) WebBuilder site: the column is a plain list of
  `showinfo.html?infoGuid=<uuid>` pages, empty shells whose script POSTs
  `params={"infoid": …}` to `<project>/rest/…/getGovInfoDetail`; the JSON answer holds the
  report's HTML (custom.infocontent) or its PDF and DOCX attachments (custom.pdflist).
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from nianbao.demo.chrome import Links, chrome_page, esc, link_list, section_content
from nianbao.demo.cms import DOCX, PDF
from nianbao.demo.portal import DEFAULT_DOCUMENTS
from nianbao.demo.render import seed_html
from nianbao.demo.server import Answer
from nianbao.demo.sitegen import seed_texts
from nianbao.demo.vhosts import VirtualHosts
from nianbao.demo.word import seed_docx

JSON = "application/json;charset=UTF-8"
NAV_WORDS = ("首页", "政务公开", "新闻", "办事", "互动")


@dataclass
class PlatformSite:
    hosts: VirtualHosts
    home: str
    reports: set[str] = field(default_factory=set)  # document URLs a complete crawl stores
    column: str = ""  # the 年报 column's URL


def json_answer(data) -> Answer:
    return Answer(200, {"Content-Type": JSON}, json.dumps(data, ensure_ascii=False).encode())


def platform_site(
    hosts: VirtualHosts | None, domain: str, site: str, column_name: str, column_path: str
) -> tuple[PlatformSite, Links]:
    """A site on www.<domain> whose 政务公开 page links its 年报 column; and its navigation."""
    hosts = hosts or VirtualHosts()
    www = f"http://www.{domain}"
    nav = site_frame(hosts, www, site, (column_name, www + column_path))
    return PlatformSite(hosts, www + "/", column=www + column_path), nav


def site_frame(hosts: VirtualHosts, www: str, site: str, column: tuple[str, str]) -> Links:
    """Home, 政务公开 and the noise beside them; returns the navigation."""
    paths = ("/", "/zwgk/", "/xwzx/", "/bsfw/", "/hdjl/")
    nav = [(word, www + path) for word, path in zip(NAV_WORDS, paths, strict=True)]
    news = [(f"召开第{i}次常务会议", f"{www}/xwzx/{i}.html") for i in range(1, 13)]
    hosts.add(www + "/", chrome_page("首页", site, nav, link_list(news, "news")))
    hosts.add(www + "/xwzx/", chrome_page("新闻", site, nav, link_list(news, "news")))
    for title, url in news:
        hosts.add(
            url, chrome_page(title, site, nav, f"<h1>{esc(title)}</h1><p>会议研究有关事项。</p>")
        )
    for title, path in (("办事服务", "/bsfw/"), ("互动交流", "/hdjl/")):
        hosts.add(www + path, chrome_page(title, site, nav, section_content(title, [])))
    section = [("政府信息公开指南", www + "/zwgk/zn/"), column, ("机构职能", www + "/zwgk/jgzn/")]
    hosts.add(
        www + "/zwgk/", chrome_page("政务公开", site, nav, section_content("政务公开", section))
    )
    return nav


# ------------------------------------------------------------------ gkmlpt

GKMLPT_SID, GKMLPT_CATALOGUE, GKMLPT_PER_PAGE = "175", "2629", 3


def gkmlpt_site(hosts: VirtualHosts | None = None, domain: str = "mock-gd.gov.cn") -> PlatformSite:
    site = "某某市人民政府"
    column = f"/gkmlpt/annualreport#{GKMLPT_CATALOGUE}"
    result, nav = platform_site(hosts, domain, site, "政府信息公开年报", column)
    hosts, www = result.hosts, result.home.rstrip("/")
    shell = (
        '<div id="app"></div><script>window._CONFIG = {SID: \''
        + GKMLPT_SID
        + "', ROOT: '/gkmlpt/', SITE_NAME: '某某市人民政府'};</script>"
        '<script src="/gkmlpt/static/js/app.js"></script>'
    )
    hosts.add(f"{www}/gkmlpt/annualreport", chrome_page("政府信息公开年报", site, nav, shell))
    articles = []
    pdf = (DEFAULT_DOCUMENTS / "huaian-2024.pdf").read_bytes()
    for index, (title, text) in enumerate(seed_texts()):
        post = f"{www}/gkmlpt/content/4/{4680 + index}/post_{4688990 + index}.html"
        if index == 1:  # the report as a PDF attachment
            attachment = f"{www}/attachment/0/{500 + index}/{500 + index}123.pdf"
            hosts.add(attachment, pdf, PDF)
            body, document = f'<p>附件：<a href="{attachment}">{esc(title)}.pdf</a></p>', attachment
        elif index == 2:  # a DOCX attachment
            attachment = f"{www}/attachment/0/{500 + index}/{500 + index}456.docx"
            hosts.add(attachment, seed_docx(text, title, "2024-01-20"), DOCX)
            body, document = (
                f'<p>附件：<a href="{attachment}">{esc(title)}.docx</a></p>',
                attachment,
            )
        else:
            body, document = seed_html(text), post
        content = f'<div class="article-content"><h1>{esc(title)}</h1>{body}</div>'
        hosts.add(post, chrome_page(title, site, nav, content))
        result.reports.add(document)
        articles.append(
            {"id": 4688990 + index, "title": title, "url": post, "create_time": 1705700000 + index}
        )
    notice = f"{www}/gkmlpt/content/1/1/post_1.html"
    hosts.add(notice, chrome_page("年度报告编制说明", site, nav, "<p>按国家统一格式编制。</p>"))
    articles.append(
        {"id": 1, "title": "政府信息公开工作年度报告编制说明", "url": notice, "create_time": 1}
    )

    def api(method: str, query: str, payload: bytes) -> Answer:
        fields = parse_qs(query)
        if fields.get("sid") != [GKMLPT_SID]:
            return json_answer({"articles": [], "total": 0})
        page = int((fields.get("page") or ["1"])[0])
        chunk = articles[(page - 1) * GKMLPT_PER_PAGE : page * GKMLPT_PER_PAGE]
        return json_answer({"articles": chunk, "total": len(articles), "page": page})

    hosts.handle(f"{www}/gkmlpt/api/all/{GKMLPT_CATALOGUE}", api)
    return result


# ------------------------------------------------------------------ Epoint WebBuilder

EPOINT_PROJECT = "/EpointWebBuilder"
EPOINT_ACTION = "/rest/frontAppNotNeedLoginAction/getGovInfoDetail"


def epoint_shell(guid: str, site: str, inline_endpoint: bool) -> str:
    """A showinfo.html page: nothing but the script that fetches the body."""
    call = (
        f"url: siteInfo.projectName + '{EPOINT_ACTION}'"
        if inline_endpoint
        else "url: getGovInfoDetailUrl()"  # the endpoint in a script of its own
    )
    return (
        '<div class="ewb-article"><h3 id="info_title"></h3><div id="info_spnContent"></div></div>'
        f"<script>var siteInfo = {{siteGuid: '{uuid.uuid5(uuid.NAMESPACE_URL, site)}', "
        f"projectName: '{EPOINT_PROJECT}'}};\n"
        f"var infoGuid = '{guid}';\n"
        f"$.ajax({{type: 'post', {call}, data: {{params: JSON.stringify({{infoid: infoGuid}})}},"
        " success: function (msg) { $('#info_spnContent').html(msg.custom.infocontent); }});"
        "</script>"
    )


def epoint_site(hosts: VirtualHosts | None = None, domain: str = "mock-ep.gov.cn") -> PlatformSite:
    site = "某某区人民政府"
    column_path = "/xxgk/008004/008004001/moreinfo.html"
    result, nav = platform_site(hosts, domain, site, "政府信息公开年度报告", column_path)
    hosts, www, column = result.hosts, result.home.rstrip("/"), result.column
    answers: dict[str, dict] = {}
    entries: Links = []
    pdf = (DEFAULT_DOCUMENTS / "huaian-2024.pdf").read_bytes()
    for index, (title, text) in enumerate(seed_texts()):
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{domain}/{index}"))
        page = f"{www}/xxgk/008004/008004001/{guid[:8]}/showinfo.html?infoGuid={guid}"
        custom: dict = {"title": title, "infodate": "2024-01-20", "infocontent": "", "pdflist": []}
        if index == 1:
            attachment = f"{www}{EPOINT_PROJECT}/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid={guid}"
            hosts.add(attachment, pdf, PDF)
            custom["pdflist"] = [{"attachname": f"{title}.pdf", "attachurl": attachment}]
            result.reports.add(attachment)
        elif index == 2:
            attachment = f"/EpointWebBuilder/attach/{guid[:8]}.docx"
            hosts.add(www + attachment, seed_docx(text, title, "2024-01-20"), DOCX)
            custom["pdflist"] = [{"attachname": f"{title}.docx", "attachurl": attachment}]
            result.reports.add(www + attachment)
        else:
            custom["infocontent"] = seed_html(text)
            result.reports.add(page)
        answers[guid] = {"custom": custom, "status": {"code": 200, "text": ""}}
        shell = epoint_shell(guid, site, inline_endpoint=index != 3)
        if index == 3:  # the endpoint is only in a helper script: the page says it is Epoint
            shell += "<script src='/EpointWebBuilder/js/webbuilderCommon.js'></script>"
        hosts.add(page, chrome_page(title, site, nav, shell))
        entries.append((title, page))
    entries.insert(2, ("关于做好政府信息公开工作年度报告编制工作的通知", f"{www}/xxgk/tz/1.html"))
    hosts.add(entries[2][1], chrome_page(entries[2][0], site, nav, "<p>通知如下。</p>"))
    pages = math.ceil(len(entries) / 3)
    for number in range(pages):
        chunk = entries[number * 3 : (number + 1) * 3]
        pager = f'<a href="{number + 2}.html">下一页</a>' if number + 1 < pages else ""
        url = column if number == 0 else column.replace("moreinfo.html", f"{number + 1}.html")
        crumbs = [("首页", www + "/"), ("政务公开", www + "/zwgk/"), ("政府信息公开年度报告", "")]
        hosts.add(
            url, chrome_page("政府信息公开年度报告", site, nav, link_list(chunk) + pager, crumbs)
        )

    def detail(method: str, query: str, payload: bytes) -> Answer:
        if method != "POST":
            return Answer(405, {"Content-Type": JSON}, b'{"status": {"code": 405}}')
        try:
            params = json.loads(parse_qs(payload.decode("utf-8"))["params"][0])
        except (KeyError, ValueError):
            return json_answer({"custom": {}, "status": {"code": 400, "text": "params"}})
        answer = answers.get(params.get("infoid", ""))
        return json_answer(answer or {"custom": {}, "status": {"code": 404, "text": "no info"}})

    hosts.handle(f"{www}{EPOINT_PROJECT}{EPOINT_ACTION}", detail)
    return result
