"""Report pages printed to PDF the way portals' PDFs are made without Word: by a browser,
whose tables have no rules, where cells stand a few points apart and a long row label wraps
over lines beside its numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import parse_path
from parsers.pdf_rows import TextLines, _split_cells
from parsers.text_columns import table_columns
from tests.conftest import FIXTURES, assert_matches_expected, load_expected
from tests.serving import chromium_page

REPORT = FIXTURES / "reports/synthetic-city-2025"
BLANK_CELLS = FIXTURES / "reports/shanghai-office-2019"  # blank cells, the 总计 column too
NO_BORDERS = "table, tr, td, th { border: none !important; } td, th { padding: 2px 6px; }"


def print_page(html: Path, path: Path, style: str = "") -> Path:
    """The report page as Chromium prints it on A4."""
    with chromium_page() as page:
        page.set_content(html.read_text(encoding="utf-8"))
        if style:
            page.add_style_tag(content=style)
        page.pdf(path=str(path), format="A4")
    return path


@pytest.fixture(scope="module")
def browser_pdf(tmp_path_factory) -> Path:
    """Tables without borders (the page sets none), cells 1 px apart."""
    path = tmp_path_factory.mktemp("printed") / "synthetic-city-2025.pdf"
    return print_page(REPORT.with_suffix(".html"), path)


def test_browser_printed_pdf_reads_labels_wrapped_around_their_numbers(browser_pdf):
    """（二）部分公开… wraps with its numbers on its second line; 5.要求行政机关… and
    1.申请人无正当理由… over three lines with their numbers printed between the first two;
    2.申请人逾期… has its first number 8 pt after the label's end."""
    parsed = parse_path(browser_pdf)
    assert_matches_expected(parsed, load_expected(REPORT.with_suffix(".expected.json")))
    applications = parsed["applications"]
    assert applications["partly_granted"]["total"] == 2168
    assert applications["rejected_confirmation"]["natural_person"] == 5
    assert applications["other_no_correction"]["natural_person"] == 315
    assert applications["other_unpaid_fee"]["natural_person"] == 202
    assert not [w for w in parsed["warnings"] if w.startswith("applications")]


def test_blank_cells_of_a_table_printed_without_borders_stay_blank(tmp_path):
    """Without rules an empty cell prints nothing: 821 35 2 1 859 under seven columns. The
    numbers stand in the columns the other rows and the header line name, so 2 is 法律服务机构's
    and 859 the 总计, not 科研机构's and 社会公益组织's."""
    path = print_page(BLANK_CELLS.with_suffix(".html"), tmp_path / "unruled.pdf", NO_BORDERS)
    applications = parse_path(path)["applications"]
    expected = load_expected(BLANK_CELLS.with_suffix(".expected.json"))["applications"]
    assert applications["new_received"] == expected["new_received"]
    assert applications["new_received"]["research"] is None
    assert applications["new_received"]["total"] == 859
    assert applications == expected


def words(*spec: tuple[str, float]) -> list[dict]:
    """A line of words at top 100, each 10 pt wide from its x."""
    return [{"text": t, "x0": x, "x1": x + 10, "top": 100.0, "bottom": 112.0} for t, x in spec]


def test_rows_whose_numbers_do_not_line_up_are_left_as_printed():
    """Columns come only from rows that agree: where the numbers of two rows stand in more
    columns than either fills, no blank is put anywhere (a number is never moved)."""
    header = words(("甲", 100), ("乙", 150), ("丙", 200))
    aligned = [
        header,
        words(("规章", 10), ("1", 100), ("2", 200)),
        words(("文件", 10), ("3", 100), ("4", 150), ("5", 200)),
    ]
    assert table_columns(aligned)[1] == [(100, 110), (150, 160), (200, 210)]
    shifted = [
        header,
        words(("规章", 10), ("1", 100), ("2", 150), ("3", 200)),
        words(("文件", 10), ("4", 112), ("5", 150), ("6", 200)),  # 4 stands in neither
    ]
    assert table_columns(shifted) == [None, None, None]


def test_a_number_close_after_a_label_on_a_row_of_numbers_is_a_cell_of_its_own():
    """LibreOffice prints an HTML table's cells 4 pt apart: the label's last line and the
    row's first number are two words, and two cells (not 不计其他 2120, then 情形）)."""
    line = words(("不计其他", 0), ("2120", 14.2), ("39", 40), ("0", 70))
    cells = [placed.cell.text for placed in _split_cells(line, 12.0)]
    assert cells == ["不计其他", "2120", "39", "0"]


def at(top: float, *spec: tuple[str, float, float]) -> list[dict]:
    """A line of words at `top`, 12 pt high, each (text, x0, x1)."""
    return [{"text": t, "x0": x0, "x1": x1, "top": top, "bottom": top + 12} for t, x0, x1 in spec]


class Page:
    height, page_number = 842.0, 1


def text_rows(lines: list[list[dict]]) -> list[list[str]]:
    """The rows TextLines makes of the lines, read once all are read (continued cells grow)."""
    rows = [cells for _, cells in TextLines().rows(sum(lines, []), Page(), 842)]
    return [[c.text for c in cells] for cells in rows]


def test_a_label_wrapped_over_many_lines_is_one_row_with_the_numbers_beside_it():
    """A narrow page: 2.其他法律行政法规禁止公开 over four lines, its numbers beside the
    middle of the block (Chromium centres them vertically): one row, label whole."""
    numbers = (("30", 138, 153), ("0", 179, 187), ("30", 295, 310))
    lines = [
        at(0, ("2.其他法", 83, 131)),
        at(16, ("律行政法", 83, 131)),
        at(24.5, *numbers),
        at(32, ("规禁止公", 83, 131)),
        at(48, ("开", 83, 95)),
        at(66, ("3.危及", 83, 119), *numbers),
        at(90, ("一段正文，从左边一直写到右边的页边距。", 6, 330)),
    ]
    assert text_rows(lines)[:2] == [
        ["2.其他法律行政法规禁止公开", "30", "0", "30"],
        ["3.危及", "30", "0", "30"],
    ]


def test_an_outer_label_close_beside_the_label_column_is_a_cell_of_its_own():
    """（六）其他 stands 11 pt (less than a character) left of 1.申请人…, where the other
    rows' labels start: two cells, so the row's label reads as the form's."""
    numbers = (("8", 328, 336), ("0", 365, 373), ("8", 564, 572))
    lines = [
        at(0, ("1.信访举报投诉类申请", 153.5, 273.5), *numbers),
        at(20, ("2.重复申请", 153.5, 213.5), *numbers),
        at(40, ("（六）其他", 82.7, 142.7), ("1.申请人无正当理由逾期不补", 153.5, 308.9), *numbers),
        at(60, ("3.其他", 153.5, 189), *numbers),
    ]
    assert text_rows(lines)[2][:2] == ["（六）其他", "1.申请人无正当理由逾期不补"]
