"""Reports degraded the ways real ones are still parse to what they print.

Each kind on its own, with the values asserted, then every fixture degraded by every kind
with a fixed seed (tests/degrade.py), scored as score_reports.py scores: at least 99% of the
cells, and no row lost without being named in missing_rows.
"""

import opencc
import pytest

from parsers import parse_bytes
from tests.conftest import FIXTURES, assert_matches_expected, load_expected
from tests.degrade import KINDS, Degrader, degrade_html, score_kind

PAGE = FIXTURES / "reports/synthetic-city-2025.html"
EXPECTED = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
TITLE = "测试市2025年政府信息公开工作年度报告"
SEED = 12  # fixed: the same degradations every run


def _parse(html: str) -> dict:
    return parse_bytes(html.encode("utf-8"), "degraded.html")


def _replace(html: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in html, old
        html = html.replace(old, new)
    return html


def test_a_label_that_lost_characters_lands_on_its_row():
    html = _replace(
        PAGE.read_text(encoding="utf-8"),
        ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),  # as a real district printed it
        ("<td>规章</td>", "<td>章</td>"),
        ("3.其他</td>", "3.他</td>"),
    )
    parsed = _parse(html)
    assert_matches_expected(parsed, EXPECTED)
    assert parsed["missing_rows"] == []
    assert (
        'applications.denied_prohibited_by_law: label "2.其他法律行政止公开" read as '
        '"2.其他法律行政法规禁止公开"' in parsed["warnings"]
    )
    assert 'active_disclosure.regulations: label "章" read as "规章"' in parsed["warnings"]
    assert 'applications.other_other: label "3.他" read as "3.其他"' in parsed["warnings"]


def test_an_agency_that_lost_a_character_in_the_title_is_read_as_the_text_prints_it():
    path = FIXTURES / "reports/shanghai-office-2019.html"
    title = "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    html = path.read_text(encoding="utf-8").replace(title, title.replace("办公厅", "办厅"), 1)
    parsed = _parse(html)
    assert parsed["agency"] == "上海市人民政府办公厅"
    assert (
        'agency: the title says "上海市人民政府办厅", the text "上海市人民政府办公厅"'
        in (parsed["warnings"])
    )


def test_ocr_look_alikes_are_read_as_the_characters_they_stand_for():
    html = _replace(
        PAGE.read_text(encoding="utf-8"),
        ("<title>测试市2025年", "<title>测试市入民政府2O25年"),
        ("2025年", "本年"),  # the title alone says the year
        ("（一）予以公开", "（一）子以公开"),
        ("重新出具已获取信息", "重新出具己获取信息"),
        ("尚未审结", "尚末审结"),
    )
    parsed = _parse(html)
    assert_matches_expected(parsed, EXPECTED)
    assert parsed["year"] == 2025 and parsed["agency"] == "测试市人民政府"
    assert (
        'applications.granted: label "（一）子以公开" read as "（一）予以公开"'
        in (parsed["warnings"])
    )


def test_a_garbled_value_cell_is_null_and_keeps_its_column():
    html = _replace(PAGE.read_text(encoding="utf-8"), ("<td>5345</td>", "<td>53O5</td>"))
    parsed = _parse(html)
    granted = parsed["applications"]["granted"]
    assert granted == {**EXPECTED["applications"]["granted"], "natural_person": None}
    assert "applications.granted: unreadable value '53O5' taken as blank" in parsed["warnings"]


def test_spaces_inside_words_and_full_width_digits_are_read():
    html = _replace(
        PAGE.read_text(encoding="utf-8"),
        ("一、本年新收政府信息公开申请数量", "一、本 年 新收政府信息 公开申请数量"),
        ("<td>13612</td>", "<td>１３６１２</td>"),
        ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府 信息公开申请情况"),
        ("<td>行政许可</td>", "<td>行政　许可</td>"),
    )
    parsed = _parse(html)
    assert_matches_expected(parsed, EXPECTED)
    assert parsed["warnings"] == []  # nothing was guessed: the words are all there


@pytest.mark.parametrize("config", ["s2t", "s2twp"])
def test_a_page_in_traditional_characters_reads_like_the_simplified_one(config):
    html = opencc.OpenCC(config).convert(PAGE.read_text(encoding="utf-8"))
    assert "開" in html and "开" not in html
    parsed = _parse(html)
    assert_matches_expected(parsed, EXPECTED)
    assert parsed["missing_rows"] == []
    assert "text: converted from traditional characters" in parsed["warnings"]
    assert parsed["agency"] == "测试市"  # stored in simplified characters
    assert parsed["title"].startswith("测试市2025年政府") and "開" not in parsed["title"]


def test_merged_cells_split_into_blank_cells_keep_every_value():
    """Table 二 of the 2019 page merges value cells (colspan=2): split, each leaves a blank
    cell beside its value, and the row has more cells than fields."""
    path = FIXTURES / "reports/shanghai-office-2019.html"
    html = degrade_html(path.read_bytes(), Degrader(["unmerged"], SEED, path.name))
    assert b"colspan" not in html
    parsed = parse_bytes(html, "unmerged.html")
    assert_matches_expected(parsed, load_expected(path.with_name(path.stem + ".expected.json")))
    assert (
        "active_disclosure.regulations: 4 cells where 3 belong; the blank ones taken as the "
        "rest of merged cells" in parsed["warnings"]
    )


def test_a_table_of_contents_is_not_taken_for_the_sections():
    """The six headings on consecutive lines before the report's own: the sections are the
    text under the report's headings, not the empty spans between the contents' lines."""
    html = degrade_html(PAGE.read_bytes(), Degrader(["contents"], SEED, PAGE.name))
    assert html.count("二、主动公开政府信息情况".encode()) == 2
    parsed = parse_bytes(html, "contents.html")
    assert_matches_expected(parsed, EXPECTED)
    assert parsed["sections"]["overview"].startswith("2025年，全市各级行政机关")
    assert parsed["sections"]["problems"].startswith("对照新要求新任务")
    assert parsed["sections"]["other"].startswith("依据《政府信息公开信息处理费管理办法》")


@pytest.fixture(scope="module")
def layouts() -> dict:
    return {}  # the PDF is read once for every kind


@pytest.mark.parametrize("kind", [*KINDS, "all"])
def test_degraded_fixtures_keep_their_cells_and_name_every_lost_row(kind, layouts):
    result = score_kind([kind], SEED, layouts)
    assert result["correct"] >= 0.99 * result["total"], "\n".join(result["diffs"])
    assert result["silent"] == []
