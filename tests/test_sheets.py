"""Spreadsheet attachments (.xls, .xlsx) and script-rendered answers (JSON holding the page's
HTML) are read to the same values as the report's other forms."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from nianbao.demo.render import seed_html, text_blocks
from nianbao.demo.word import sheet_cells, xlsx_bytes
from parsers import ParseError, parse_bytes
from parsers.formats import sniff_format
from parsers.sheets import layout_from_xlsx
from tests.conftest import FIXTURES, differences

SEED = "001_24548c9bc9871823"


def seed_blocks():
    return text_blocks((FIXTURES / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8"))


def expected() -> dict:
    return json.loads((FIXTURES / "seeds" / f"{SEED}.expected.json").read_text(encoding="utf-8"))


def xls_bytes(blocks) -> bytes:
    """An Excel 97-2003 file, as portals attach them (xlwt writes BIFF8)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("统计表")
    for row, column, rows, columns, text in sheet_cells(blocks):
        if rows > 1 or columns > 1:
            sheet.write_merge(row, row + rows - 1, column, column + columns - 1, text)
        else:
            sheet.write(row, column, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assert_values(report: dict) -> None:
    want = expected()
    assert report["year"] == want["year"] and report["template"] == want["template"]
    for section in ("active_disclosure", "applications", "review_litigation"):
        assert differences(report[section], want[section]) == [], section


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_a_spreadsheet_of_the_tables_reads_to_the_reports_values(kind):
    data = (xls_bytes if kind == "xls" else xlsx_bytes)(seed_blocks())
    # named as a download link names it: the bytes say what it is
    assert sniff_format(data, "downfile.jsp?id=1") == kind
    report = parse_bytes(data, "downfile.jsp?id=1")
    assert report["format"] == kind
    assert_values(report)


def test_merged_cells_are_one_cell_with_its_span_and_numbers_print_as_shown():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["申请人情况", None, None, "总计"])
    sheet.merge_cells("A1:C1")
    sheet.append(["自然人", 3.0, 2.5, "=B2+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = layout_from_xlsx(buffer.getvalue()).rows
    assert [(c.text, c.col, c.span) for c in rows[0]] == [("申请人情况", 0, 3), ("总计", 3, 1)]
    # a formula's cell shows the value it last computed: openpyxl stored none here, so nothing
    assert [c.text for c in rows[1]] == ["自然人", "3", "2.5"]


def test_broken_spreadsheets_get_one_line_errors():
    with pytest.raises(ParseError, match="^unreadable .xls: "):
        parse_bytes(xls_bytes(seed_blocks())[:3000], "x.xls")
    # a sheet too big to hold as a tree, though no zip bomb (it compresses only 2:1)
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", os.urandom(12 * 1024 * 1024).hex())
    with pytest.raises(ParseError, match="^refused: xl/worksheets/sheet1.xml expands to 24 MB"):
        parse_bytes(big.getvalue(), "x.xlsx")


def test_a_json_answer_holding_the_page_body_reads_as_that_page():
    # the shell page shows the title; the answer's body starts with the report's text
    lines = (FIXTURES / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8").splitlines()
    body = seed_html("\n".join(line for line in lines if "年度报告" not in line))
    title = "安岳县清流镇人民政府2019年政府信息公开工作年度报告"
    answer = {"custom": {"title": title, "infocontent": body, "pdflist": []}, "status": 200}
    data = json.dumps(answer, ensure_ascii=False).encode()
    assert sniff_format(data, "showinfo.html") == "json"
    report = parse_bytes(data, "showinfo.html")
    assert report["format"] == "json" and report["title"] == title
    assert_values(report)
