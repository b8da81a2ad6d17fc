"""The mock portals answer as real ones do: layouts, encodings, HTTP caching and traps."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from nianbao.demo.portal import DOCX, NOT_REPORTS, PDF, DemoPortal
from nianbao.demo.render import Table, text_blocks


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at the 302 itself; following it would leave 127.0.0.1


# No proxy from the environment: the portal is on loopback and nothing else may be contacted.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body), errors included: 304, 404 and 412 are answers under test."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def links(body: str) -> list[str]:
    return re.findall(r'<li><a href="([^"]+)"', body)


@pytest.fixture(scope="module")
def portal():
    with DemoPortal() as running:
        yield running


@pytest.fixture
def own_portal():
    """A portal this test may change (touch, add_report)."""
    with DemoPortal() as running:
        yield running


def test_every_column_page_answers(portal):
    assert set(portal.column_urls) == {"trs", "hanweb", "plain"}
    for url in portal.column_urls.values():
        status, _, body = fetch(url)
        assert status == 200 and body
    assert fetch(portal.base_url + "/col/col1234/index_1.html")[0] == 404


def test_trs_pages_are_gbk_with_the_page_count_in_script(portal):
    declarations = []
    for page in ("index.html", "index_1.html", "index_2.html"):
        status, headers, body = fetch(f"{portal.base_url}/zwgk/zfxxgknb/{page}")
        assert status == 200 and headers["Content-Type"] == "text/html"  # no charset
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode("gb18030")
        assert "createPageHTML(" in text and links(text)
        declarations.append(re.search(r"<meta[^>]*charset=(\w+)", text))
    assert [m and m.group(1) for m in declarations] == ["gb2312", "gbk", None]
    assert fetch(f"{portal.base_url}/zwgk/zfxxgknb/index_3.html")[0] == 404


def test_hanweb_lists_further_pages_only_through_dataproxy(portal):
    column = fetch(portal.column_urls["hanweb"])[2].decode()
    assert "var param_5678 = {col:1, webid:18, columnid:1234" in column
    first = set(re.findall(r'href="(/art/[^"]+)"', column))
    proxy = f"{portal.base_url}/module/web/jpage/dataproxy.jsp"
    get = fetch(f"{proxy}?page=2&appid=1&webid=18&path=/&columnid=1234&unitid=5678")[2].decode()
    assert "<totalpage>3</totalpage>" in get
    second = set(re.findall(r'href="(/art/[^"]+)"', get))
    assert second and not second & first
    form = b"col=1&appid=1&webid=18&path=/&columnid=1234&sourceContentType=1&unitid=5678"
    status, _, body = fetch(f"{proxy}?startrecord=1&endrecord=45&perpage=15", data=form)
    every = set(re.findall(r'href="(/art/[^"]+)"', body.decode()))
    records = len(portal.reports["hanweb"]) + len(NOT_REPORTS["hanweb"]) + 1  # and a trap
    assert status == 200 and f"<totalrecord>{records}</totalrecord>" in body.decode()
    assert first | second <= every and len(every) == records


def test_plain_list_repeats_its_last_page_forever(portal):
    url = portal.column_urls["plain"]
    last = fetch(url + "?page=2")[2].decode()
    beyond = fetch(url + "?page=7")[2].decode()
    assert links(beyond) == links(last) and links(last) != links(fetch(url + "?page=1")[2].decode())
    assert '<a href="list.html?page=8">下一页</a>' in beyond


def test_conditional_get_answers_304_and_touch_changes_the_validators(own_portal):
    report = own_portal.reports["trs"][0]
    status, headers, body = fetch(report.document_url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.strip('"') and modified
    assert fetch(report.document_url, headers={"If-None-Match": etag})[0] == 304
    assert fetch(report.document_url, headers={"If-Modified-Since": modified})[0] == 304
    own_portal.touch(urlsplit(report.document_url).path)
    status, changed, new_body = fetch(report.document_url, headers={"If-None-Match": etag})
    assert status == 200 and new_body != body and changed["ETag"] != etag
    assert fetch(report.document_url, headers={"If-Modified-Since": modified})[0] == 200


def test_traps_block_redirect_off_site_and_hide_behind_robots(portal):
    trs = "".join(
        fetch(f"{portal.base_url}/zwgk/zfxxgknb/{p}")[2].decode("gb18030")
        for p in ("index.html", "index_1.html", "index_2.html")
    )
    blocked = re.search(r'href="\./([^"]+)"[^>]*>某某县2023年', trs).group(1)
    status, _, body = fetch(f"{portal.base_url}/zwgk/zfxxgknb/{blocked}")
    assert status == 412 and b"$_ts" in body
    missing = re.search(r'href="\./([^"]+)"[^>]*>某某镇2021年', trs).group(1)
    assert fetch(f"{portal.base_url}/zwgk/zfxxgknb/{missing}")[0] == 404
    status, headers, _ = fetch(f"{portal.base_url}/art/2024/1/30/art_1234_88888.html")
    assert status == 302 and urlsplit(headers["Location"]).hostname == "offsite.invalid"
    assert b"Disallow: /private/" in fetch(portal.base_url + "/robots.txt")[2]
    assert any(
        h.startswith("/private/") for h in links(fetch(portal.column_urls["plain"])[2].decode())
    )


def test_every_report_document_is_served_with_its_type(portal):
    formats = set()
    for kind, reports in portal.reports.items():
        assert len(reports) >= 3, kind
        for report in reports:
            status, headers, body = fetch(report.document_url)
            assert status == 200, report.document_url
            assert fetch(report.page_url)[0] == 200
            expected = {"pdf": PDF, "docx": DOCX}.get(report.format)
            if expected:
                assert headers["Content-Type"] == expected
                assert body.startswith(b"%PDF-" if report.format == "pdf" else b"PK")
            else:
                assert headers["Content-Type"].startswith("text/html")
            formats.add(report.format)
    assert formats == {"html", "pdf", "docx"}
    documents = {r.document_url for reports in portal.reports.values() for r in reports}
    assert not [u for u in documents if "/private/" in u or "88888" in u or "103377" in u]


def test_requests_are_recorded_and_add_report_publishes_at_the_top(own_portal):
    report = own_portal.add_report(
        "plain", "某某乡2025年政府信息公开工作年度报告", "一、总体情况\n规章\t0\t0"
    )
    assert own_portal.reports["plain"][0] == report
    first_page = fetch(own_portal.column_urls["plain"] + "?page=1")[2].decode()
    assert urlsplit(report.page_url).path.endswith(links(first_page)[0].lstrip("."))
    assert "<td>规章</td>" in fetch(report.document_url)[2].decode()
    method, path, headers = own_portal.requests[-1]
    assert method == "GET" and path == urlsplit(report.document_url).path
    assert "Python-urllib" in headers["User-Agent"]


def test_flattened_tables_become_rows_again():
    assert text_blocks("标题\n规章\t0\t1\n\n") == ["标题", Table.of([["规章", "0", "1"]]), ""]
    one_cell_per_line = "\t三、本年\n度办理结果\n\t0\n\n\t规章\n\t5\n"
    assert text_blocks(one_cell_per_line) == [
        Table.of([["三、本年度办理结果", "0"], ["规章", "5"]])
    ]
