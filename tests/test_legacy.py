"""Reports before 2019: the old 统计表 read into `legacy_figures`, in every shape it comes in,
and figures stated only in sentences (report-json.md, `legacy_figures`)."""

from __future__ import annotations

import asyncio
import re

import pytest
import yaml
from datasette.app import Datasette

from archive.database import close_database, open_database, store_report
from archive.provenance import Provenance
from nianbao.agencypage import agency_page
from nianbao.serve import METADATA
from parsers import parse_bytes, parse_path
from parsers.legacy_labels import match_label
from parsers.report import is_report
from tests.conftest import FIXTURES, load_expected
from tests.degrade import KINDS
from tests.legacy_variants import (
    HEADERS,
    PREFACE,
    Variant,
    all_variants,
    document,
    fixture_score,
    score,
)

PRE2019 = FIXTURES / "reports/pre2019"
DOCUMENTS = sorted(p for p in PRE2019.iterdir() if p.suffix in (".html", ".txt", ".docx", ".pdf"))


def by_key(parsed: dict) -> dict:
    return {f["key"] or ("label", f["label"]): f for f in parsed["legacy_figures"]}


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_every_fixture_reads_to_its_expected_figures(path):
    expected = load_expected(path.with_name(path.name + ".expected.json"))
    parsed = parse_path(path)
    assert (parsed["year"], parsed["template"]) == (expected["year"], expected["template"])
    assert expected["agency"] in parsed["agency"]
    got = by_key(parsed)
    for want in expected["legacy_figures"]:
        have = got[want["key"]]
        assert have["value"] == pytest.approx(want["value"]), want["key"]
        assert ("cumulative" in have) == ("cumulative" in want), want["key"]
        if "cumulative" in want:
            assert have["cumulative"] == pytest.approx(want["cumulative"]), want["key"]
    assert len(got) == len(expected["legacy_figures"])  # no row read twice, none invented


def test_money_in_yuan_is_given_in_wanyuan():
    data, name = document(Variant("guotu", "html"))  # 收费减免金额 | 元 | 1200 | 5600
    fees = by_key(parse_bytes(data, name))["fees"]
    assert (fees["unit"], fees["value"], fees["cumulative"]) == ("万元", 0.12, 0.56)


# One variant of each kind the old table comes in; each must be read whole.
VARIANTS = {
    "one cell per line": Variant("guotu", "lines"),
    "flattened into one line": Variant("guotu", "oneline"),
    "cells apart by spaces": Variant("wide", "spaced", cumulative=False),
    "tab rows, no 历年累计": Variant("guotu", "tabs", cumulative=False),
    "channels split, 否决/申诉, unit in label": Variant("split", "html", cumulative=False),
    "2014 table: headings, rows the vocabulary lacks": Variant("wide", "tabs", cumulative=False),
    "headers 项目/单位/本年/累计": Variant("guotu", "oneline", header=HEADERS["short"]),
    "no headers": Variant("guotu", "html", header=()),
    "no headers, blank unit cells": Variant("split", "tabs", cumulative=False, header=()),
    "lost characters": Variant("guotu", "html", degrade=("lost",), seed=1),
    "spaces in labels, one line": Variant("split", "oneline", False, degrade=("spaces",)),
    "full-width digits": Variant("wide", "lines", False, degrade=("fullwidth",)),
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_each_table_variant_is_read_whole(variant):
    parsed = parse_bytes(*document(variant))
    right, total, misses = score(variant, parsed)
    assert misses == [] and right == total
    assert (parsed["year"], parsed["template"]) == (2013, "pre2019")
    if not variant.cumulative:
        assert all("cumulative" not in f for f in parsed["legacy_figures"])


def test_rows_the_vocabulary_lacks_keep_their_label_and_no_key():
    parsed = parse_bytes(*document(Variant("wide", "html", cumulative=False)))
    got = by_key(parsed)
    assert got[("label", "3.政务微博公开政府信息数")]["value"] == 600
    assert got[("label", "1.政府网站在线访谈次数")]["value"] == 4  # not proactive_website
    assert got[("label", "其中：主动公开规范性文件数")]["value"] == 41  # not proactive
    assert got["proactive"]["value"] == 1523
    assert got[("label", "一、主动公开情况")]["value"] is None  # a heading, no number invented


def test_a_group_cell_over_its_rows_is_not_part_of_their_labels():
    table = (
        "<table><tr><td colspan=2>指标名称</td><td>计量单位</td><td>本年度</td></tr>"
        "<tr><td rowspan=2>一、主动公开情况</td><td>主动公开政府信息数</td><td>条</td><td>9</td></tr>"
        "<tr><td>政务微博公开数</td><td>条</td><td>3</td></tr></table>"
    )
    parsed = parse_bytes(f"<p>{TITLE}</p>{table}".encode(), "x.html")
    assert [(f["key"], f["label"]) for f in parsed["legacy_figures"]] == [
        ("proactive", "主动公开政府信息数"),
        (None, "政务微博公开数"),
    ]


def test_a_label_read_by_similarity_is_warned():
    parsed = parse_bytes(*document(Variant("guotu", "tabs", degrade=("lost",), seed=1)))
    assert any('read as "' in w for w in parsed["warnings"] if w.startswith("legacy_figures."))


def test_degraded_variants_are_read():
    """The old table in 5 shapes x 3 kinds x 4 headers, with lost characters, look-alikes,
    spaces, full-width digits and traditional characters (`python -m tests.legacy_variants`
    prints every miss)."""
    right = total = 0
    for variant in all_variants(seeds=1):
        r, t, _ = score(variant, parse_bytes(*document(variant)))
        right, total = right + r, total + t
    assert right / total >= 0.99, f"{right}/{total}"


def test_the_fixtures_degraded_as_real_reports_are_still_read():
    """The pre-2019 fixtures (HTML, lines, DOCX, PDF, sentences) degraded by tests.degrade:
    every kind, and all of them at once."""
    layouts: dict = {}
    right = total = 0
    for kinds in [(kind,) for kind in KINDS] + [KINDS]:
        r, t, misses = fixture_score(kinds, 0, layouts)
        assert r / t >= 0.97, misses
        right, total = right + r, total + t
    assert right / total >= 0.99, f"{right}/{total}"


# ---------------------------------------------------------------- figures in sentences

TITLE = "某县卫生局2015年政府信息公开工作年度报告\n一、概述\n"


def test_figures_stated_in_sentences_keep_their_sentence():
    parsed = parse_path(PRE2019 / "legacy-guotu-2013-prose.html")
    applications = by_key(parsed)["applications"]
    assert applications["source"] == "text" and applications["value"] == 37
    assert "全年共受理政府信息公开申请37件" in applications["sentence"]
    assert "cumulative" not in applications
    assert "fees" not in by_key(parsed)  # 本年度未收取任何费用: no figure, not 0
    assert any(
        w.startswith("legacy_figures.applications: taken from text") for w in parsed["warnings"]
    )


def values_stated(text: str) -> dict:
    """The figures a report of a title and these sentences states, by key."""
    return {k: f["value"] for k, f in by_key(parse_bytes((TITLE + text).encode(), "x.txt")).items()}


def test_a_sentence_with_two_numbers_is_not_misread():
    assert values_stated(
        "自2008年以来累计受理政府信息公开申请164件，2015年共受理政府信息公开申请37件，"
        "比上年增加5件，同比增长20%。因申请引发行政复议、行政诉讼3件，其中行政复议2件、"
        "行政诉讼1件。收取检索、复制费用120元。"
    ) == {
        "applications": 37,
        "reviews": 2,
        "lawsuits": 1,
        "fees": 0.012,
    }


def test_the_year_from_the_statistics_period_when_no_title_says_it():
    text = "本报告所列数据的统计期限自2014年1月1日起至2014年12月31日止。\n一、概述\n全年共受理政府信息公开申请5件。"
    parsed = parse_bytes(text.encode(), "untitled.txt")
    assert (parsed["year"], parsed["template"]) == (2014, "pre2019")
    assert by_key(parsed)["applications"]["value"] == 5


def test_no_table_and_no_statement_invents_nothing():
    text = TITLE + "2015年，本局未收到政府信息公开申请，未发生行政复议和行政诉讼。"
    parsed = parse_bytes(text.encode(), "x.txt")
    assert parsed["template"] == "pre2019"
    assert parsed["legacy_figures"] == []
    assert not [w for w in parsed["warnings"] if w.startswith("legacy_figures")]


def test_a_report_with_a_table_takes_nothing_from_its_sentences():
    parsed = parse_path(PRE2019 / "pingtan-2016.html")  # also says 主动公开政府信息3460条
    assert {f["source"] for f in parsed["legacy_figures"]} == {"table"}


def test_national_reports_have_no_legacy_figures():
    parsed = parse_path(FIXTURES / "reports/synthetic-city-2025.html")
    assert parsed["template"] == "2021" and parsed["legacy_figures"] == []


# ---------------------------------------------------------------- year and template


def test_a_report_flattened_into_one_line_has_its_title_and_year():
    parsed = parse_bytes(*document(Variant("guotu", "oneline")))
    assert parsed["title"] == PREFACE[0]
    assert (parsed["year"], parsed["template"]) == (2013, "pre2019")
    assert parsed["agency"] == "宿城市国土资源局"
    assert is_report(parsed)  # no section headings of its own: its 统计表 says what it is


def test_the_year_from_the_table_header_when_nothing_else_says_it():
    page = PRE2019 / "legacy-guotu-2013.html"
    # No title, no heading, no year in the text: only the table's 2013年度 column says it.
    body = re.sub(r"<title>.*?</title>|<h1>.*?</h1>", "", page.read_text(encoding="utf-8"))
    body = re.sub(r"2013年(?!度</td>)", "本年", body)
    assert "2013年度</td>" in body and body.count("2013") == 1
    parsed = parse_bytes(body.encode(), "untitled.html")
    assert (parsed["year"], parsed["template"]) == (2013, "pre2019")
    assert "year: 2013, from the 统计表's column header" in parsed["warnings"]
    assert by_key(parsed)["reviews"]["value"] == 2


def test_a_table_header_naming_another_year_is_warned():
    page = PRE2019 / "legacy-guotu-2013.html"
    body = page.read_text(encoding="utf-8").replace("2013年度</td>", "2012年度</td>")
    parsed = parse_bytes(body.encode(), "other-year.html")
    assert parsed["year"] == 2013  # the title's
    assert any("column header says 2012" in w for w in parsed["warnings"])


def test_the_old_table_tells_the_template_when_no_year_is_printed():
    lines = ["政府信息公开情况统计表", "指标名称\t计量单位\t本年度\t历年累计"]
    lines += ["受理依申请公开信息总数\t条\t3\t9", "行政复议数\t件\t0\t1"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    assert parsed["template"] == "pre2019" and parsed["year"] is None
    assert by_key(parsed)["applications"]["cumulative"] == 9
    assert any(w.startswith("template: pre2019") for w in parsed["warnings"])


# ---------------------------------------------------------------- labels and columns


@pytest.mark.parametrize(
    ("label", "unit", "group", "key"),
    [
        ("2.同意分公开答复数", "条", None, "replies_partly_granted"),  # 部分公开 lost 部
        ("接受行政诉讼、报数", "件", None, "complaints"),  # holds 诉讼, lost 举
        ("其中：1.面申请数", "条", None, "applications_in_person"),  # also 申请总数 less 总
        ("行政复数", "件", None, "reviews"),
        ("（6）其它形式请数", "件", None, "applications_other"),
        ("3、否决公开答复数", "件", None, "replies_denied"),
        ("4、其他", "件", "replies", "replies_other"),
        ("4、其他", "件", None, None),
        ("主动公开范性文件数", "条", None, None),  # 规范性文件 with 规 lost: not proactive
        ("政府网站在线访数", "次", None, None),  # counted in 次: no count of documents
        ("主动公开政府信息数", "人", None, None),
    ],
)
def test_labels_are_read_by_meaning(label, unit, group, key):
    assert match_label(label, unit, group).key == key


def test_a_table_without_headers_keeps_a_blank_cell_in_its_column():
    lines = [TITLE.strip(), "受理依申请公开信息总数\t条\t3\t9", "行政复议数\t件\t\t1"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert (got["reviews"]["value"], got["reviews"]["cumulative"]) == (None, 1)
    assert (got["applications"]["value"], got["applications"]["cumulative"]) == (3, 9)


HEADERS_OF_TWO_ROWS = (
    "<table><tr><td rowspan=2>指标名称</td><td rowspan=2>计量单位</td><td colspan=2>数量</td></tr>"
    "<tr><td>本年度</td><td>历年累计</td></tr>"
    "<tr><td>受理依申请公开信息总数</td><td>条</td><td>3</td><td>9</td></tr>"
    "<tr><td>行政复议数</td><td>件</td><td>0</td><td>1</td></tr></table>"
)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (f"<p>{TITLE}</p>{HEADERS_OF_TWO_ROWS}", "two-rows.html"),
        (
            TITLE + "指标名称\n计量单位\n数量\n本年度\n历年累计\n受理依申请公开信息总数\n条\n3\n9\n"
            "行政复议数\n件\n0\n1",
            "two-rows-lines.txt",
        ),
        (
            TITLE
            + "指标名称\t计量单位\t本年度\t上年度\t历年累计\n受理依申请公开信息总数\t条\t3\t5\t9\n"
            "行政复议数\t件\t0\t2\t1",
            "previous-year.txt",
        ),
        (
            TITLE
            + "指标名称\n计量单位\n本年度\n上年度\n历年累计\n受理依申请公开信息总数\n条\n3\n5\n9\n"
            "行政复议数\n件\n0\n2\n1",
            "previous-year-lines.txt",
        ),
    ],
)
def test_columns_are_told_by_their_headers(text, name):
    parsed = parse_bytes(text.encode(), name)
    got = {k: (f["value"], f["cumulative"]) for k, f in by_key(parsed).items()}
    assert got == {"applications": (3, 9), "reviews": (0, 1)}
    if "上年度" in text:
        assert (
            'legacy_figures: column "上年度" not read (not the year reported on)'
            in parsed["warnings"]
        )


def test_a_header_printed_with_letter_spacing_is_a_header():
    lines = [TITLE.strip(), "指 标 名 称\t计 量 单 位\t2 0 1 5 年 度\t历 年 累 计"]
    lines += ["受理依申请公开信息总数\t条\t3\t9", "行政复议数\t件\t0\t1"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    assert by_key(parsed)["applications"]["cumulative"] == 9
    assert not any("no column headers" in w for w in parsed["warnings"])


def test_a_label_as_close_to_two_rows_takes_the_one_no_other_label_names():
    lines = [TITLE.strip(), "指标名称\t计量单位\t本年度", "3.信函、传申请数\t件\t4"]
    lines += ["行政申诉数\t件\t1", "行政诉数\t件\t2"]  # 行政诉数: 行政诉讼数 or 行政申诉数?
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    got = by_key(parsed)
    assert got["applications_letter_fax"]["value"] == 4  # not 信函 alone
    assert (got["complaints"]["value"], got["lawsuits"]["value"]) == (1, 2)
    assert any(w.startswith("legacy_figures.lawsuits:") for w in parsed["warnings"])


# ---------------------------------------------------------------- database


def _store(db, parsed: dict, agency: str, year: int, url: str) -> int:
    parsed = {**parsed, "agency": agency, "year": year}
    provenance = Provenance(url, None, url[-8:], "2026-01-01T00:00:00+00:00")
    return store_report(db, parsed, "", provenance)


# Datasette run in-process leaves its facet coroutines to the closing event loop: not ours.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_the_database_keeps_legacy_figures_and_the_agency_series(tmp_path):
    """An agency's 2013 (old table), 2014 (sentences) and 2021 (national tables) reports,
    side by side where the figures mean the same."""
    db = open_database(tmp_path / "nianbao.db")
    table = parse_path(PRE2019 / "legacy-guotu-2013.html")
    prose = parse_path(PRE2019 / "legacy-guotu-2013-prose.html")
    national = parse_path(FIXTURES / "reports/synthetic-city-2025.html")
    first = _store(db, table, "某局", 2013, "http://x/2013.html")
    _store(db, prose, "某局", 2014, "http://x/2014.html")
    _store(db, national, "某局", 2021, "http://x/2021.html")
    wide = parse_bytes(*document(Variant("wide", "html", cumulative=False)))
    _store(db, wide, "另一局", 2015, "http://x/wide.html")  # rows the vocabulary lacks

    rows = list(
        db.query("select * from legacy_figures where report_id = ? order by position", [first])
    )
    assert len(rows) == 16 and rows[0]["label"] == "主动公开政府信息数"
    fees = next(r for r in rows if r["key"] == "fees")
    assert (fees["unit"], fees["value"], fees["source"]) == ("万元", 0, "table")
    counts = db.execute("select typeof(value) from legacy_figures where key = 'reviews'")
    assert {t for (t,) in counts} == {"integer"}  # a count stays a count, not 2.0
    # facets on key show the row's Chinese label (the lookup table's foreign key)
    label = db.execute("select label from legacy_rows where key = 'reviews'").fetchone()
    assert label == ("行政复议数",)
    assert db.execute("select count(*) from legacy_rows where key is null").fetchone() == (0,)
    unkeyed = db.execute("select count(*) from legacy_figures where key is null").fetchone()[0]
    assert unkeyed == sum(1 for f in wide["legacy_figures"] if f["key"] is None) > 0

    series = {r["year"]: r for r in db.query("select * from agency_series where agency = '某局'")}
    assert (series[2013]["requests_received"], series[2013]["reviews"]) == (37, 2)
    assert (series[2013]["lawsuits"], series[2013]["source"]) == (1, "table")
    assert (series[2014]["requests_received"], series[2014]["source"]) == (37, "text")
    review = national["review_litigation"]
    assert series[2021]["requests_received"] == national["applications"]["new_received"]["total"]
    assert series[2021]["reviews"] == review["review"]["total"]
    assert series[2021]["lawsuits"] == (
        review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    )
    close_database(db)
    # What a journalist opens: the canned query over the view, in Datasette with our metadata,
    # and the agency's page, its 2013 and 2014 figures in the columns of the later years'.
    rows, page = asyncio.run(_in_datasette(tmp_path / "nianbao.db", "某局", series[2013]))
    assert [(r["year"], r["requests_received"], r["template"]) for r in rows] == [
        (2013, 37, "pre2019"),
        (2014, 37, "pre2019"),
        (2021, series[2021]["requests_received"], "2021"),
    ]
    by_year = {r["year"]: r for r in page["reports"]}
    assert (by_year[2013]["new_received"], by_year[2013]["review_total"]) == (37, 2)
    assert by_year[2014]["litigation_total"] == 1 and page["legacy"]
    assert [y["year"] for y in page["chart"]["years"]] == [2013, 2014, 2021]


async def _in_datasette(path, agency: str, row: dict) -> tuple[list[dict], dict]:
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    datasette = Datasette([str(path)], metadata=metadata, settings={"suggest_facets": False})
    await datasette.invoke_startup()
    response = await datasette.client.get(
        f"/nianbao/agency_over_the_years.json?agency={agency}&_shape=array"
    )
    assert response.status_code == 200, response.text
    page = await agency_page(datasette.get_database("nianbao"), row["agency_id"])
    return response.json(), page


def test_a_label_as_close_to_two_rows_by_their_words_waits_for_the_others():
    # 3.予公开答复数 lost 不: 不予公开 or 予以公开 less a character; 同意公开 is printed above
    lines = [TITLE.strip(), "指标名称\t计量单位\t本年度", "其中：1.同意公开答复数\t件\t5"]
    lines += ["2.同意部分公开答复数\t件\t1", "3.予公开答复数\t件\t2"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert (got["replies_granted"]["value"], got["replies_denied"]["value"]) == (5, 2)


def test_words_a_taiwan_style_page_uses_are_read():
    lines = [TITLE.strip(), "指标名称\t计量单位\t本年度", "依申请公开资讯总数\t件\t3"]
    lines += ["行政复议数\t件\t1", "本局共主动公开政府资讯412条。"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert got["applications"]["value"] == 3
    text = TITLE + "本局共主动公开政府资讯412条。"
    assert by_key(parse_bytes(text.encode(), "x.txt"))["proactive"]["value"] == 412


def test_a_numbered_label_is_not_split_at_its_number():
    lines = [TITLE.strip(), "指标名称", "计量单位", "本年度", "政府网站公开数", "条", "398"]
    lines += ["2 政府公报公开数", "条", "14"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    assert by_key(parsed)["proactive_gazette"]["value"] == 14
    assert not [w for w in parsed["warnings"] if "numbers where" in w]


def test_a_year_header_that_lost_a_digit_still_heads_the_years_column():
    lines = [TITLE.strip(), "指标名称\t计量单位\t213年度\t历年累计"]
    lines += ["受理依申请公开信息总数\t条\t3\t9", "行政复议数\t件\t\t7"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    got = by_key(parsed)
    assert (got["reviews"]["value"], got["reviews"]["cumulative"]) == (None, 7)
    assert not [w for w in parsed["warnings"] if "no column headers" in w]


def test_a_serial_number_column_is_not_read_as_a_value():
    lines = [TITLE.strip(), "1\t主动公开政府信息数\t条\t412\t2875", "2\t行政复议数\t件\t2\t7"]
    lines += ["3\t行政诉讼数\t件\t1\t4"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert (got["reviews"]["value"], got["reviews"]["cumulative"]) == (2, 7)
    assert got["proactive"]["value"] == 412


def test_a_heading_is_no_row_though_it_holds_a_rows_words():
    lines = [TITLE.strip(), "指标名称\t计量单位\t本年度", "三、行政复议情况\t—\t—"]
    lines += ["（一）维持具体行政行为数\t件\t1", "四、行政诉讼数量\t件\t0"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert "reviews" not in got and got[("label", "三、行政复议情况")]["value"] is None
    assert got["lawsuits"]["value"] == 0


def test_units_printed_with_the_numbers():
    lines = [TITLE.strip(), "指标名称\t本年度\t历年累计", "受理依申请公开信息总数\t3件\t9件"]
    lines += ["收取费用\t120元\t300元", "行政复议数\t0\t1"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert (got["applications"]["unit"], got["applications"]["value"]) == ("件", 3)
    assert (got["fees"]["unit"], got["fees"]["value"], got["fees"]["cumulative"]) == (
        "万元",
        0.012,
        0.03,
    )


def test_an_amount_printed_in_qianyuan_is_read():
    """千元 is a money unit like 元 and 亿元 (parsers.values.MONEY_TO_WANYUAN): 5千元 is 0.5
    万元, not an unreadable cell."""
    lines = [TITLE.strip(), "指标名称\t本年度", "收取费用\t5千元", "行政复议数\t1"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    fees = by_key(parsed)["fees"]
    assert (fees["unit"], fees["value"]) == ("万元", 0.5)
    assert not [w for w in parsed["warnings"] if "unreadable" in w]


def test_a_unit_printed_over_the_table_heads_no_column():
    lines = [TITLE.strip(), "单位：件", "项目\t本年度\t累计", "受理依申请公开信息总数\t3\t9"]
    lines += ["行政复议数\t0\t1"]
    got = by_key(parse_bytes("\n".join(lines).encode(), "x.txt"))
    assert {k: (f["unit"], f["value"], f["cumulative"]) for k, f in got.items()} == {
        "applications": ("件", 3, 9),
        "reviews": ("件", 0, 1),
    }


def test_headers_naming_the_period_and_since_when_tell_the_columns():
    # 累计 printed first: the headers, not the columns' order, say which is which
    lines = [TITLE.strip(), "指标名称\t计量单位\t自2008年5月1日以来累计\t2015年1月1日至12月31日"]
    lines += ["受理依申请公开信息总数\t件\t9\t3", "行政复议数\t件\t1\t0"]
    parsed = parse_bytes("\n".join(lines).encode(), "x.txt")
    got = {k: (f["value"], f["cumulative"]) for k, f in by_key(parsed).items()}
    assert got == {"applications": (3, 9), "reviews": (0, 1)}
    assert not [w for w in parsed["warnings"] if "no column headers" in w]


def test_sentences_in_chinese_numerals_and_after_a_share_are_read():
    assert values_stated(
        "全年主动公开政府信息共计156条，同比增长12%，其中通过政府网站公开148条。"
        "共收到政府信息公开申请四十五件，其中网上申请二十件，当面申请数十件，"
        "信函申请15个工作日内答复。发生行政复议两起。"
    ) == {
        "proactive": 156,
        "proactive_website": 148,
        "applications": 45,
        "applications_online": 20,
        "reviews": 2,
    }
