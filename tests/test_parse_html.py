"""HTML reports: span-aware grids, blank cells, broken labels, any charset, whole portal pages."""

import lxml.html
import pytest

from nianbao.demo import render
from parsers import parse_bytes
from parsers.html import decode_html, table_rows
from tests.conftest import FIXTURES, assert_matches_expected, load_expected

HTML_REPORTS = sorted(FIXTURES.glob("reports/*.html"))


@pytest.mark.parametrize("path", HTML_REPORTS, ids=[p.stem for p in HTML_REPORTS])
def test_real_html_reports_parse_to_their_expected_objects(path):
    expected = load_expected(path.with_name(path.stem + ".expected.json"))
    parsed = parse_bytes(path.read_bytes(), str(path))
    assert_matches_expected(parsed, expected)
    assert parsed["format"] == "html"
    assert parsed["warnings"] == []


def test_blank_nbsp_cells_are_null_and_yuan_becomes_wanyuan(fixtures):
    parsed = parse_bytes((fixtures / "reports/shanghai-office-2019.html").read_bytes(), "sh.html")
    granted = parsed["applications"]["granted"]
    assert granted["natural_person"] == 258
    assert granted["research"] is None  # &nbsp;
    assert granted["total"] is None  # the 总计 column left blank
    assert parsed["active_disclosure"]["procurement"]["amount"] == 25.1  # 251000元
    assert parsed["title"] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_portal_page_title_comes_from_meta_not_site_chrome(fixtures):
    parsed = parse_bytes((fixtures / "reports/pingtan-2025.html").read_bytes(), "pt.html")
    assert parsed["title"] == "平潭综合实验区2025年度政府信息公开工作年度报告"
    assert parsed["year"] == 2025  # reported on, though published in 2026
    assert "扫一扫" not in (parsed["sections"]["other"] or "")
    assert parsed["sections"]["overview"].startswith("2025年，平潭综合实验区")


def test_rowspan_and_colspan_grid_columns():
    table = lxml.html.fragment_fromstring(
        "<table><tr><td rowspan='3'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>"
        "<td>5</td></tr><tr><td rowspan='3'>（三）不予公开</td><td>1.属于国家秘密</td><td>2</td></tr>"
        "<tr><td>2.其他法律行政法规禁止公开</td><td>3</td></tr></table>"
    )
    rows = [[(c.text, c.col, c.span) for c in row] for row in table_rows(table)]
    assert rows == [
        [("三、本年度办理结果", 0, 1), ("（一）予以公开", 1, 2), ("5", 3, 1)],
        [("（三）不予公开", 1, 1), ("1.属于国家秘密", 2, 1), ("2", 3, 1)],
        [("2.其他法律行政法规禁止公开", 2, 1), ("3", 3, 1)],
    ]


def _report() -> dict:
    report = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    report["title"] = "测试市2025年政府信息公开工作年度报告"
    return report


@pytest.mark.parametrize("charset", ["gbk", "gb2312", None, 'GBK"', "utf-8"])
def test_gbk_pages_with_and_without_a_declared_charset(charset):
    report = _report()
    page = render.html_page(render.report_blocks(report), report["title"], charset=charset)
    if charset == 'GBK"':  # a malformed meta tag: stray quote, no closing
        page = page.replace('charset=GBK"">', "charset=GBK\"'>")
    data = page.encode("utf-8" if charset == "utf-8" else "gbk")
    parsed = parse_bytes(data, "page.html")
    assert_matches_expected(parsed, report)
    assert parsed["title"] == report["title"]


def test_labels_split_by_br_are_read_whole():
    report = _report()
    page = render.html_page(render.report_blocks(report), report["title"], br_every=4)
    assert "本年新收政府信息公开申请数量" not in page  # the labels are broken by <br/>
    parsed = parse_bytes(page.encode(), "br.html")
    assert_matches_expected(parsed, report)


def test_decode_html_prefers_declared_charset_then_utf8_then_gb18030():
    text = "政府信息公开"
    assert decode_html(text.encode("gbk")) == text
    assert decode_html(text.encode("utf-8")) == text
    assert decode_html(b'<meta charset="gb2312">' + text.encode("gb18030")).endswith(text)
