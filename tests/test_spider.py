"""How the spider tells a detail page's report attachment from its other links."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.spiders.annual_reports import AnnualReportsSpider

PAGE = """<html><body><div class="TRS_Editor"><p>2023年度报告全文见附件。</p>
<p>附件：<a href="./P020240115389173513281.pdf">2023年度报告.pdf</a></p>
<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=2306211.docx">下载</a></p>
<p><a href="/download.do?id=8812">附件：某局2023年政府信息公开工作年度报告.wps</a></p>
<p><iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2Fnb2023.pdf"></iframe></p>
<p>扫描件：<a href="/uploads/nb2023-p1.JPG">第1页</a> <a href="/uploads/nb2023.tif?v=2">全文</a></p>
<p><a href="/xxgk/index.html">政务公开</a> <a href="javascript:void(0)">打印</a>
<a href="/download.do?id=77">办事指南</a></p>
</div></body></html>"""


def test_attachments_are_found_by_path_query_link_text_and_viewer():
    url = "http://www.example.gov.cn/zwgk/zfxxgknb/202401/t20240115_83547561.html"
    response = HtmlResponse(url, body=PAGE.encode(), encoding="utf-8")
    spider = AnnualReportsSpider(start_urls="http://www.example.gov.cn/zwgk/zfxxgknb/")
    found = list(spider.attachment_links(response, PAGE))
    assert found == [
        "http://www.example.gov.cn/zwgk/zfxxgknb/202401/P020240115389173513281.pdf",
        "http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=2306211.docx",
        "http://www.example.gov.cn/download.do?id=8812",
        "http://www.example.gov.cn/uploads/nb2023-p1.JPG",
        "http://www.example.gov.cn/uploads/nb2023.tif?v=2",
        "http://www.example.gov.cn/uploads/nb2023.pdf",
    ]
