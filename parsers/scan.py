"""Scanned pages read by OCR into the rows every reader makes.

A page image is levelled, its ruled tables are rebuilt from the rulings (parsers.scan_image)
into the grid rows the PDF reader makes (a merged cell once, with its column and span), each
cell's text lines are read by the recogniser, and the text outside the tables is found by the
detector and grouped into rows like a PDF's words (parsers.pdf_rows.TextLines). So the same
table readers and template alignment read a scan as they read a text PDF.

Each cell keeps the recogniser's confidence; the document's `ocr` object says which engine
read how many pages, and how sure it was on average.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parsers.layout import Cell
from parsers.limits import (
    OCR_MAX_LINES,
    OCR_PAGES_VARIABLE,
    ocr_page_limit,
    ocr_time_limit,
    one_line,
)
from parsers.pdf_rows import Block, TextLines, in_reading_order, join_wrapped
from parsers.values import is_blank, is_value

if TYPE_CHECKING:
    import numpy as np

    from parsers.scan_image import GridCell, Table

SCAN_COLUMN_SHIFT = 6.0  # pt: the same printed grid lands this far apart on two scanned pages
NUMERIC_COLUMN = 0.6  # share of a grid column's cells that read as numbers to call it numeric


@dataclass
class _PageSize:
    """What TextLines asks of a page (pdf_rows.PageSize)."""

    height: float
    page_number: int


class ScanReader:
    """OCR for one document: its page cap and CPU budget, and what it read."""

    def __init__(self) -> None:
        self.max_pages = ocr_page_limit()
        self.seconds = ocr_time_limit()
        self.engine_name: str | None = None
        self.pages = 0
        self.confidences: list[float] = []
        self.not_read: dict[str, list[int]] = {}  # why → page numbers left unread
        self._cpu = 0.0

    def admit(self, number: int) -> bool:
        """Whether scanned page `number` may be read; when not, it is named in a warning."""
        if self.pages >= self.max_pages:
            why = f"the OCR page limit ({OCR_PAGES_VARIABLE}={self.max_pages}) was reached"
        elif self._cpu >= self.seconds:
            why = f"the OCR time limit ({self.seconds:g} s of CPU) was reached"
        else:
            return True
        self.not_read.setdefault(why, []).append(number)
        return False

    def read(
        self, gray: np.ndarray, scale: float, number: int, text: TextLines, warnings: list[str]
    ) -> list[Block]:
        """One page image (`scale` pixels per point) → its blocks, positioned in points."""
        from parsers.ocr import engine, engine_errors

        started = time.process_time()
        try:
            ocr = engine()
            self.engine_name = ocr.name
            blocks = _page_blocks(gray, scale, number, text, ocr, self.confidences, warnings)
        except engine_errors() as error:  # out of memory, mostly: the page is lost, not the file
            warnings.append(f"ocr: page {number} not read: {one_line(error)}")
            return []
        finally:
            self._cpu += time.process_time() - started
        self.pages += 1
        return blocks

    def finish(self, warnings: list[str]) -> dict | None:
        """The document's `ocr` object (None when nothing was read by OCR); pages left unread
        are named in warnings."""
        for why, numbers in self.not_read.items():
            warnings.append(f"ocr: pages {_ranges(numbers)} not read: {why}")
        if not self.pages:
            return None
        mean = statistics.fmean(self.confidences) if self.confidences else None
        return {
            "engine": self.engine_name,
            "pages": self.pages,
            "mean_confidence": None if mean is None else round(mean, 3),
        }


def _ranges(numbers: list[int]) -> str:
    """3, 5-9, 12: page numbers as ranges."""
    parts: list[str] = []
    start = previous = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == previous + 1:
            previous = n
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if n is not None:
            start = previous = n
    return ", ".join(parts)


def _page_blocks(
    gray: np.ndarray,
    scale: float,
    number: int,
    text: TextLines,
    ocr,
    confidences: list[float],
    warnings: list[str],
) -> list[Block]:
    import cv2
    import numpy as np

    from parsers.scan_image import cell_lines, find_tables, level

    dpi = scale * 72
    gray, ink = level(gray)
    grids = find_tables(ink, dpi)
    if grids.crowded:
        warnings.append(f"page {number}: too many ruling lines to look for tables")
    tables = grids.tables
    erase = cv2.dilate(grids.rulings, np.ones((5, 5), np.uint8)) > 0
    gray[erase], ink[erase] = 255, 0
    crops, owners = [], []
    for table in tables:
        for cell in table.cells:
            for crop in cell_lines(gray, ink, cell.box, dpi):
                crops.append(crop)
                owners.append(cell)
    if len(crops) > OCR_MAX_LINES:
        warnings.append(f"page {number} skipped: more than {OCR_MAX_LINES} text lines to read")
        return []
    for cell, reading in zip(owners, ocr.lines(crops), strict=True):
        cell.readings.append(reading)
    for table in tables:  # the body text is what is left outside the tables
        x0, y0, x1, y1 = table.box
        gray[max(0, y0 - 3) : y1 + 4, max(0, x0 - 3) : x1 + 4] = 255
    boxes = ocr.page(gray) if (gray < 128).any() else []
    blocks = [
        Block(
            table.box[1] / scale,
            _table_rows(table, confidences),
            [x / scale for x in table.xs[:-1]],
        )
        for table in tables
    ]
    words = [
        {
            "text": box.text.strip(),
            "x0": box.x0 / scale,
            "x1": box.x1 / scale,
            "top": box.y0 / scale,
            "bottom": box.y1 / scale,
            "confidence": box.confidence,
        }
        for box in boxes
    ]
    confidences.extend(box.confidence for box in boxes)
    return in_reading_order(blocks, words, _PageSize(gray.shape[0] / scale, number), text)


def _table_rows(table: Table, confidences: list[float]) -> list[list[Cell]]:
    """Grid rows as the PDF reader makes them: a merged cell once, in the row where it starts,
    with its first column and span; rows with no text dropped."""
    columns, rows_with_numbers = _where_numbers_are(table)
    by_row: dict[int, list[Cell]] = {}
    for cell in table.cells:
        text, confidence = _cell_text(cell, cell.col in columns, cell.row in rows_with_numbers)
        if cell.readings:
            confidences.append(confidence)
        by_row.setdefault(cell.row, []).append(
            Cell(text, cell.col, cell.colspan, confidence if cell.readings else None)
        )
    rows = [sorted(by_row[r], key=lambda c: c.col) for r in sorted(by_row)]
    return [row for row in rows if any(c.text for c in row)]


def _cell_text(cell: GridCell, numeric: bool, among_numbers: bool) -> tuple[str, float]:
    """A cell's text and confidence: the least sure of its lines, 0 for a line with ink that
    read as nothing (not a blank cell: something is printed there). `numeric`: the cell is in
    a column of numbers; `among_numbers`: its row holds a number."""
    read = [r for r in cell.readings if r.text.strip()]
    text = join_wrapped([r.text for r in read])
    confidence = min((r.confidence if r.text.strip() else 0.0 for r in cell.readings), default=1.0)
    lone = numeric and cell.colspan == 1 and len(read) == 1 and not is_value(text)
    if lone and (read[0].digits or among_numbers):
        # A lone mark in a column of numbers read as a letter or a look-alike (0 → O, 11 → 口
        # or Ⅱ): its reading with only number characters allowed, at that reading's own
        # (lower) confidence, so that it is named in the ocr: warning; blank when no number
        # character stands out. A letter would make the row look like a label row. A header
        # over the column (本年收费金额（单位：元）) has no digit and no number beside it: it
        # keeps its words.
        return read[0].digits, min(confidence, read[0].digits_confidence)
    return text, confidence


def _where_numbers_are(table: Table) -> tuple[set[int], set[int]]:
    """Grid columns where most one-column cells read as numbers, and the grid rows where one
    does (a header row holds none: its labels are not marks to read as digits)."""
    votes: dict[int, list[bool]] = {}
    rows: set[int] = set()
    for cell in table.cells:
        text = join_wrapped([r.text for r in cell.readings])
        if cell.colspan == 1 and text:
            number = is_value(text) and not is_blank(text)
            votes.setdefault(cell.col, []).append(number)
            if number:
                rows.add(cell.row)
    return {col for col, v in votes.items() if sum(v) >= NUMERIC_COLUMN * len(v)}, rows
