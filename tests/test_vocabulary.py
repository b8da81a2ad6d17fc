"""The domain vocabulary read by the spider and the parser, on pages in traditional
characters and on degraded text."""

import opencc
from scrapy.http import HtmlResponse, Request

from crawler.items import ReportDocument
from crawler.spiders.annual_reports import AnnualReportsSpider
from parsers.hanzi import SIMPLIFIED_MARKS, TRADITIONAL_MARKS, is_traditional
from tests.conftest import FIXTURES

COLUMN = "http://www.example.gov.cn/gate/big5/zwgk/zfxxgknb/"
LIST_PAGE = """<html><body><ul class="list">
<li><a href="./t20240115_1.html">某區2023年政府信息公開工作年度報告</a></li>
<li><a href="./t20230112_2.html">某區2022年政府信息公工作年度報告</a></li>
<li><a href="./t20220110_3.html" title="某區2021年政府資訊公開工作年度 報告">某區2021年…</a></li>
<li><a href="./t20210301_4.html">某區政府信息公開指南</a></li>
<li><a href="./t20210302_5.html">關於印發《政府信息公開申請辦理規範》的通知</a></li>
</ul></body></html>"""


def _spider() -> AnnualReportsSpider:
    return AnnualReportsSpider(start_urls=COLUMN)


def _detail(url: str, page: str) -> HtmlResponse:
    """A detail page as the spider receives it, tied to the request the list page made."""
    request = Request(url, meta={"title": "年度报告", "column": COLUMN, "portal": None})
    return HtmlResponse(url, body=page.encode("utf-8"), encoding="utf-8", request=request)


def test_the_spider_reads_report_titles_on_a_traditional_list_page():
    response = HtmlResponse(COLUMN, body=LIST_PAGE.encode("utf-8"), encoding="utf-8")
    links = list(_spider().report_links(response, LIST_PAGE))
    assert [url.rsplit("/", 1)[1] for url, _ in links] == [
        "t20240115_1.html",
        "t20230112_2.html",  # 公開 lost a character
        "t20220110_3.html",  # Taiwan wording (資訊), a space inside 年度 報告
    ]


def test_a_traditional_detail_page_with_the_tables_is_the_report_not_its_attachment():
    page = opencc.OpenCC("s2t").convert(
        (FIXTURES / "reports/synthetic-city-2025.html").read_text(encoding="utf-8")
    )
    page = page.replace("</body>", '<p>附件：<a href="/files/nb2025.pdf">年報.pdf</a></p></body>')
    out = list(_spider().parse_detail(_detail(COLUMN + "202601/t20260120_1.html", page)))
    assert len(out) == 1 and isinstance(out[0], ReportDocument)


def test_a_page_that_only_mentions_the_tables_leads_to_its_attachment():
    page = (
        "<html><body><table><tr><td>导航</td></tr></table><p>全年未发生行政复议、行政诉讼。"
        '报告全文见附件。</p><p><a href="/files/nb2025.pdf">2025年度报告.pdf</a></p></body></html>'
    )
    out = list(_spider().parse_detail(_detail(COLUMN + "202601/t20260120_2.html", page)))
    assert [request.url for request in out] == ["http://www.example.gov.cn/files/nb2025.pdf"]


def test_the_script_marks_are_what_opencc_converts_them_to():
    converters = [opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk")]
    forms = {c.convert(s) for c in converters for s in SIMPLIFIED_MARKS}
    assert set(TRADITIONAL_MARKS) == forms - set(SIMPLIFIED_MARKS)
    page = (FIXTURES / "reports/pingtan-2025.html").read_text(encoding="utf-8")
    assert not is_traditional(page)
    assert all(is_traditional(c.convert(page)) for c in converters)
