"""Flattened text in every shape real extraction produces → the report contract."""

import pytest

from nianbao.demo import render
from parsers import parse_bytes
from parsers.layout import layout_from_text
from tests.conftest import (
    FIXTURES,
    NOT_PRINTED,
    assert_matches_expected,
    differences,
    expected_as_printed,
    load_expected,
)

SEEDS = sorted(FIXTURES.glob("seeds/*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_seed_reports_parse_to_their_expected_objects(path):
    parsed = parse_bytes(path.read_bytes(), str(path))
    assert_matches_expected(parsed, expected_as_printed(path))
    for cell in NOT_PRINTED.get(path.stem, ()):
        row, column = cell.split(".")[1:]
        assert f"applications.{row}: 6 values where 7 belong; {column} taken as missing" in (
            " ".join(parsed["warnings"])
        )


def _report(name: str) -> dict:
    """A real report's values (expected JSON) with a title to print above its tables."""
    report = load_expected(FIXTURES / name)
    report["title"] = f"{report['agency']}{report['year']}年政府信息公开工作年度报告"
    return report


REAL = {
    "2019-blanks": "reports/shanghai-office-2019.expected.json",  # blank cells, 元 amounts
    "2019-extras": "seeds/003_8e92e5233c244faa.expected.json",  # 行政检查 / 行政确认 rows
    "2021": "reports/synthetic-city-2025.expected.json",
    "2021-pdf": "reports/huaian-2024.expected.json",
}


@pytest.mark.parametrize("shape", ["as_tab_rows", "as_indented_cells"])
@pytest.mark.parametrize("which", REAL)
def test_every_shape_carries_every_value(shape, which):
    report = _report(REAL[which])
    text = getattr(render, shape)(render.report_blocks(report))
    parsed = parse_bytes(text.encode("utf-8"), f"{which}.txt")
    assert_matches_expected(parsed, report)
    assert parsed["title"] == report["title"]


@pytest.mark.parametrize("which", ["2019-extras", "2021", "2021-pdf"])
def test_one_cell_per_line(which):
    report = _report(REAL[which])  # no blank cells: this shape drops them
    parsed = parse_bytes(render.as_cell_per_line(render.report_blocks(report)).encode(), "x.txt")
    assert_matches_expected(parsed, report)


def test_labels_broken_over_lines_are_joined():
    report = _report(REAL["2021"])
    text = render.as_indented_cells(
        render.report_blocks(report), width=3
    )  # 本年新 / 收政府 / 信息公 ...
    assert "本年新收政府信息公开申请数量" not in text  # every label is broken
    parsed = parse_bytes(text.encode(), "broken.txt")
    assert parsed["applications"]["new_received"]["total"] == 14069
    assert parsed["applications"]["other_unpaid_fee"]["social_welfare"] == 1


UNITS = """某县人民政府2020年政府信息公开工作年度报告
一、总体情况
概述。
二、主动公开政府信息情况
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规　章\t１２\t1,234\t—
规范性文件\t无\t/\t--
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t5\t+410\t-3
行政处罚\t0\t0\t0
信息内容\t采购项目数量\t采购总金额（元）\t
政府集中采购\t1个\t251000\t
"""


def test_units_signs_and_blank_markers():
    parsed = parse_bytes(UNITS.encode("gb18030"), "units.txt")
    active = parsed["active_disclosure"]
    assert active["regulations"] == {"new_made": 12, "new_published": 1234, "total_published": None}
    assert active["normative_documents"] == {
        "new_made": 0,
        "new_published": None,
        "total_published": None,
    }
    assert active["licensing"] == {"previous_year": 5, "change": 410, "decisions": -3}
    assert active["procurement"] == {"projects": 1, "amount": 25.1}  # 元 under the header → 万元
    assert active["coercion"] == {"previous_year": None, "change": None, "decisions": None}
    assert parsed["template"] == "2019" and parsed["year"] == 2020


def with_granted_row(cells: str) -> dict:
    """The 2021 report as tab rows, its （一）予以公开 row printing `cells` instead."""
    text = render.as_tab_rows(render.report_blocks(_report(REAL["2021"])))
    printed = "（一）予以公开\t5345\t129\t0\t41\t19\t14\t5548"
    assert printed in text
    return parse_bytes(text.replace(printed, "（一）予以公开" + cells).encode(), "changed.txt")


def test_a_row_short_of_a_cell_keeps_it_null_with_a_warning():
    """Six values where seven belong: the seventh is null, named in a warning, and the row's
    total check cannot pass. (Before issue 12 the parser filled in the sum of the six.)"""
    # Shift one row by an empty cell and lose its total: 6 values where 7 belong.
    parsed = with_granted_row("\t\t5345\t129\t0\t41\t19\t14\t")
    granted = parsed["applications"]["granted"]
    assert granted["natural_person"] == 5345 and granted["other_org"] == 14
    assert granted["total"] is None
    assert "applications.granted: 6 values where 7 belong; total taken as missing" in " ".join(
        parsed["warnings"]
    )
    checks = {c["name"]: c["ok"] for c in parsed["checks"]}
    assert checks["row_total_granted"] is None
    assert checks["processed_total_total"] is None


def test_a_row_with_a_value_too_many_takes_none_of_them():
    """Eight values where seven belong (a label's own number read as a value, 1 of
    1．属于国家秘密 wrapped onto the numbers' line): which one is extra is unknown, so the
    row's cells are null with a warning, none moved into another column."""
    parsed = with_granted_row("\t1\t5345\t129\t0\t41\t19\t14\t5548")
    assert set(parsed["applications"]["granted"].values()) == {None}
    assert "applications.granted: 8 values where 7 belong; none taken" in " ".join(
        parsed["warnings"]
    )


def test_checks_report_tables_that_do_not_add_up():
    report = _report(REAL["2021"])
    report["applications"]["granted"]["total"] = 9999
    parsed = parse_bytes(render.as_tab_rows(render.report_blocks(report)).encode(), "bad-sum.txt")
    checks = {c["name"]: c["ok"] for c in parsed["checks"]}
    assert checks["row_total_granted"] is False
    assert checks["processed_total_total"] is False
    assert checks["row_total_new_received"] is True
    assert checks["balance_total"] is True
    assert checks["review_total"] is True
    assert parsed["applications"]["granted"]["total"] == 9999  # printed values are kept


def test_blank_tables_are_null_not_zero(fixtures):
    path = next(fixtures.glob("seeds/000_*.txt"))
    parsed = parse_bytes(path.read_bytes(), str(path))
    assert parsed["applications"]["new_received"]["total"] is None
    assert parsed["active_disclosure"]["procurement"] == {"projects": 1, "amount": 16}
    sums = [c for c in parsed["checks"] if c["name"] != "template_rows_present"]
    assert all(c["ok"] is None for c in sums)


def test_sections_title_and_agency_of_a_broken_title(fixtures):
    path = next(fixtures.glob("seeds/002_*.txt"))
    parsed = parse_bytes(path.read_bytes(), str(path))
    assert parsed["title"] == "索镇人民政府2020年度政府信息公开工作年度报告"
    assert parsed["agency"] == "索镇人民政府"
    assert parsed["sections"]["problems"].startswith("网站信息更新不够及时")
    assert parsed["sections"]["other"] == "无"


def test_a_sentence_about_the_report_is_not_its_title(fixtures):
    """A converter lost the title line: the first line that names the report is a sentence
    (本年度报告根据《…政府信息公开条例》…编制，全文), not a title, and no agency comes of it."""
    path = next(fixtures.glob("seeds/002_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    sentence = (
        "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求编制，全文"
    )
    text = "\n".join([sentence] + [line for line in lines if "年度报告" not in line])
    parsed = parse_bytes(text.encode(), "untitled.txt")
    assert parsed["title"] is None and parsed["agency"] is None
    assert "no title found" in parsed["warnings"]


NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


@pytest.mark.parametrize("seed", ["002", "003"])
def test_a_title_with_its_year_in_chinese_numerals(fixtures, seed):
    """二〇二〇年 in the title, the title broken after the agency (003): the same agency and
    year as the title in digits, the title as printed."""
    path = next(fixtures.glob(f"seeds/{seed}_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    head = [line.replace("2020年", "2020年".translate(NUMERALS)) for line in lines[:5]]
    text = "\n".join(head + lines[5:])
    parsed = parse_bytes(text.encode(), str(path))
    in_digits = parse_bytes(path.read_bytes(), str(path))
    assert (parsed["agency"], parsed["year"]) == (in_digits["agency"], 2020)
    assert parsed["title"] == in_digits["title"].replace("2020", "二〇二〇")


PRE2019 = """北京市某区人民政府2017年政府信息公开工作年度报告
本报告根据《中华人民共和国政府信息公开条例》要求编制。
一、概述
2017年，我区继续深化政府信息公开工作。
二、主动公开政府信息的情况
全年主动公开政府信息1523条。
三、依申请公开政府信息情况
全年共受理申请45件。
"""


def test_a_report_before_2019_has_no_tables():
    parsed = parse_bytes(PRE2019.encode(), "old.txt")
    assert parsed["template"] == "pre2019"
    assert parsed["year"] == 2017
    assert parsed["agency"] == "北京市某区人民政府"
    assert parsed["applications"] == {} and parsed["active_disclosure"] == {}
    assert parsed["checks"] == []


def test_layout_of_indented_cells_keeps_empty_cells():
    layout = layout_from_text("\t规章\n\t0\n\t\n\t3\n\n")
    assert [[c.text for c in row] for row in layout.rows] == [["规章", "0", "", "3"]]


def test_differences_helper_sees_a_change():
    expected = {"applications": {"granted": {"total": 2}}}
    parsed = {"applications": {"granted": {"total": 1}}}
    assert differences(parsed, expected) == ["applications.granted.total: expected 2, parsed 1"]


def test_the_repository_carries_its_fixtures():
    """Every shared report and its expected JSON is in tests/fixtures: a clone with nothing
    beside it still tests against all of them."""
    expected = sorted(p.name for p in FIXTURES.rglob("*.expected.json"))
    assert len(list(FIXTURES.glob("seeds/*.expected.json"))) == 5
    assert len(list(FIXTURES.glob("reports/*.expected.json"))) == 4
    assert len(list(FIXTURES.glob("reports/scans/*.expected.json"))) == 1
    assert len(list(FIXTURES.glob("reports/pre2019/*.expected.json"))) == 6
    for name in expected:
        document = name.removesuffix(".expected.json")
        assert list(FIXTURES.rglob(document + "*")), f"{name} has no document beside it"


def test_a_row_printed_without_values_is_named_not_taken_as_blank():
    report = _report(REAL["2021"])
    text = render.as_tab_rows(render.report_blocks(report))
    text = text.replace("2.重复申请\t147\t1\t0\t0\t0\t0\t148", "2.重复申请")
    text = text.replace("行政强制\t166105", "行政强制")
    assert "2.重复申请\n" in text and "行政强制\n" in text
    parsed = parse_bytes(text.encode(), "lost-cells.txt")
    assert parsed["applications"]["rejected_repeated"] == dict.fromkeys(
        parsed["applications"]["granted"]
    )
    assert parsed["missing_rows"] == [
        "active_disclosure.coercion",
        "applications.rejected_repeated",
    ]
    assert (
        'applications.rejected_repeated: label "2.重复申请" printed without values'
        in (parsed["warnings"])
    )
    assert (
        'active_disclosure.coercion: label "行政强制" printed without values'
        in (parsed["warnings"])
    )


def test_a_row_added_under_a_heading_with_dashes_is_kept_null():
    path = next(FIXTURES.glob("seeds/003_*.txt"))
    text = path.read_text(encoding="utf-8")
    row = "\t行政检查\n\t0\n\t0\n\t0\n"
    assert row in text
    parsed = parse_bytes(text.replace(row, "\t行政检查\n\t—\n\t—\n\t/\n").encode(), "dashes.txt")
    extras = {e["label"]: e for e in parsed["active_disclosure_extra"]}
    assert extras["行政检查"] == {
        "label": "行政检查",
        "parent": "other_services",
        "values": {"previous_year": None, "change": None, "decisions": None},
    }
    assert extras["行政确认"]["values"]["decisions"] == 0
    assert parsed["missing_rows"] == []


def test_numbers_a_narrow_gap_keeps_apart_are_never_joined():
    """A PDF table without rules, columns set close: two numbers in one cell, and a number
    touching its label. 13612 252 is two cells, not 13612252."""
    report = _report(REAL["2021"])
    text = render.as_tab_rows(render.report_blocks(report))
    for old, new in (
        ("\t13612\t252\t", "\t13612 252\t"),
        ("行政规范性文件\t564\t", "行政规范性文件564\t"),
        ("\t32\t14069", "\t32\u300014069"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    parsed = parse_bytes(text.encode(), "close-columns.txt")
    assert_matches_expected(parsed, report)
