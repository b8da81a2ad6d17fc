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


# Table 四 as some reports print it: one row per kind, then its five outcomes.
_REVIEW_BY_KIND = (
    "<table><tr><td colspan='2'></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td>"
    "<td>尚未审结</td><td>总计</td></tr>"
    "<tr><td colspan='2'>行政复议</td><td>376</td><td>97</td><td>196</td><td>121</td><td>790</td></tr>"
    "<tr><td rowspan='2'>行政诉讼</td><td>未经复议直接起诉</td>"
    "<td>16</td><td>1</td><td>12</td><td>27</td><td>56</td></tr>"
    "{after_review}</table>"
)
_AFTER_REVIEW = (
    "<tr><td>复议后起诉</td><td>74</td><td>1</td><td>30</td><td>51</td><td>156</td></tr>"
)


def _with_review_table(table: str) -> str:
    page = (FIXTURES / "reports/synthetic-city-2025.html").read_text(encoding="utf-8")
    start = page.index("<table>", page.index("四、政府信息公开行政复议"))
    return page[:start] + table + page[page.index("</table>", start) + len("</table>") :]


def test_a_review_table_printed_one_row_per_kind_is_read_by_its_row_labels():
    page = _with_review_table(_REVIEW_BY_KIND.format(after_review=_AFTER_REVIEW))
    parsed = parse_bytes(page.encode(), "by-kind.html")
    assert_matches_expected(
        parsed, load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    )
    assert parsed["warnings"] == []


def test_a_kind_the_review_table_does_not_print_is_named_not_filled():
    parsed = parse_bytes(
        _with_review_table(_REVIEW_BY_KIND.format(after_review="")).encode(), "x.html"
    )
    review = parsed["review_litigation"]
    assert review["litigation_direct"] == {
        "upheld": 16,
        "corrected": 1,
        "other": 12,
        "pending": 27,
        "total": 56,
    }
    assert review["litigation_after_review"] == dict.fromkeys(review["review"])
    assert parsed["missing_rows"] == ["review_litigation.litigation_after_review"]
    assert "review_litigation.litigation_after_review: not found" in parsed["warnings"]


def test_tables_printed_after_the_text_as_appendices_are_read():
    """附表 at the end: each section says 详见附表, the tables follow the last section."""
    page = (FIXTURES / "reports/synthetic-city-2025.html").read_text(encoding="utf-8")
    tables = []
    for n in (1, 2, 3):
        start = page.index("<table>")
        end = page.index("</table>", start) + len("</table>")
        tables.append(page[start:end])
        page = page[:start] + f"<p>（详见附表{n}）</p>" + page[end:]
    captions = ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况")
    appendix = "".join(
        f"<p>附表{n}：{caption}统计表</p>{table}"
        for n, (caption, table) in enumerate(zip(captions, tables, strict=True), 1)
    )
    page = page.replace("</div>", appendix + "</div>")
    parsed = parse_bytes(page.encode(), "appendix.html")
    expected = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    assert_matches_expected(parsed, expected)
    assert parsed["warnings"] == []


def test_a_review_table_printed_as_two_tables_keeps_each_kind_in_its_place():
    """行政复议 as one table (five columns), 行政诉讼 as the next (ten)."""
    outcomes = "".join(
        f"<td>{o}</td>" for o in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    )
    review = "".join(f"<td>{v}</td>" for v in (376, 97, 196, 121, 790))
    suits = "".join(f"<td>{v}</td>" for v in (16, 1, 12, 27, 56, 74, 1, 30, 51, 156))
    tables = (
        f"<table><tr><td colspan='5'>行政复议</td></tr><tr>{outcomes}</tr><tr>{review}</tr></table>"
        "<table><tr><td colspan='10'>行政诉讼</td></tr><tr><td colspan='5'>未经复议直接起诉</td>"
        f"<td colspan='5'>复议后起诉</td></tr><tr>{outcomes}{outcomes}</tr><tr>{suits}</tr></table>"
    )
    parsed = parse_bytes(_with_review_table(tables).encode(), "two-tables.html")
    expected = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    assert_matches_expected(parsed, expected)
    assert parsed["warnings"] == []


def test_sections_printed_out_of_the_forms_order_are_found():
    """四 (heading and table) printed before 三."""
    page = (FIXTURES / "reports/synthetic-city-2025.html").read_text(encoding="utf-8")
    three = page.index("<p>三、收到和处理")
    four = page.index("<p>四、政府信息公开行政复议")
    five = page.index("<p>五、")
    page = page[:three] + page[four:five] + page[three:four] + page[five:]
    parsed = parse_bytes(page.encode(), "out-of-order.html")
    assert_matches_expected(
        parsed, load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    )
    assert parsed["warnings"] == []
