"""Spreadsheets (.xls, .xlsx) → Layout: the tables some portals attach beside a report.

Each sheet's rows in order, as the other readers give tables: a cell knows its grid column,
a merged range is one Cell at its first row and column with its width as span, and the cells
it covers are nothing. A cell says what the sheet shows: the value a formula last computed
(never recomputed here), a whole number without its ".0". xlrd reads .xls (BIFF, the format
of Excel 97-2003 and of most portal attachments), openpyxl reads .xlsx; both are the
maintained readers of their format.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from parsers.layout import Cell, Layout
from parsers.limits import MB, ParseError, check_zip, one_line

MAX_SHEETS = 20
MAX_ROWS = 2000  # rows read per sheet: a report's tables fill fewer than 100
MAX_COLUMNS = 60
MAX_SHEET_XML_BYTES = 20 * MB  # one worksheet's XML, unpacked: openpyxl holds it all

Merge = tuple[int, int, int, int]  # first row, row after last, first column, column after last


def layout_from_xls(data: bytes) -> Layout:
    import xlrd  # imported when a spreadsheet comes, as the other readers' libraries

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as error:  # xlrd.XLRDError, CompDocError, struct.error, …
        raise ParseError(f"unreadable .xls: {one_line(error)}") from error
    rows: list[list[Cell]] = []
    try:
        for index in range(min(book.nsheets, MAX_SHEETS)):
            sheet = book.sheet_by_index(index)
            values = (
                [_text(sheet.cell_value(r, c)) for c in range(min(sheet.row_len(r), MAX_COLUMNS))]
                for r in range(min(sheet.nrows, MAX_ROWS))
            )
            rows += _grid(values, sheet.merged_cells)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return Layout(rows=rows)


def layout_from_xlsx(data: bytes) -> Layout:
    archive = check_zip(data)
    big = [
        m
        for m in archive.infolist()
        if m.filename.startswith("xl/worksheets/") and m.file_size > MAX_SHEET_XML_BYTES
    ]
    if big:
        raise ParseError(f"refused: {big[0].filename} expands to {big[0].file_size // MB} MB")
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # KeyError, InvalidFileException, XML errors, …
        raise ParseError(f"unreadable .xlsx: {one_line(error)}") from error
    rows: list[list[Cell]] = []
    for sheet in book.worksheets[:MAX_SHEETS]:
        values = (
            [_text(value) for value in row]
            for row in sheet.iter_rows(
                max_row=min(sheet.max_row, MAX_ROWS),
                max_col=min(sheet.max_column, MAX_COLUMNS),
                values_only=True,
            )
        )
        merges = [
            (m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in sheet.merged_cells.ranges
        ]
        rows += _grid(values, merges)
    return Layout(rows=rows)


def _grid(values: Iterable[list[str]], merges: list[Merge]) -> list[list[Cell]]:
    """Rows of Cells from a sheet's cell texts: merged ranges as spans, blank rows left out."""
    starts = {(r0, c0): c1 - c0 for r0, _, c0, c1 in merges}
    covered = {
        (r, c)
        for r0, r1, c0, c1 in merges
        for r in range(r0, min(r1, MAX_ROWS))
        for c in range(c0, min(c1, MAX_COLUMNS))
        if (r, c) != (r0, c0)
    }
    rows = []
    for r, texts in enumerate(values):
        row = [
            Cell(text, c, starts.get((r, c), 1))
            for c, text in enumerate(texts)
            if (r, c) not in covered
        ]
        while row and not row[-1].text:
            row.pop()
        if row:
            rows.append(row)
    return rows


def _text(value) -> str:
    """What the cell shows: 3 for 3.0, the text itself, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"[ \t\u3000\u00a0]+", " ", str(value)).strip()
