"""One PDF page's tables and positioned words → rows of cells.

Ruled tables come from pdfplumber's table finder as grid rows (merged cells once, with
their span); the text around them becomes rows of positioned words, where a wide gap starts
a new cell, so unruled tables still read as rows of cells. A label wrapped inside its cell
is joined, also across a page break. Page numbers are dropped.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from parsers.layout import Cell
from parsers.limits import MAX_GRID_POINTS
from parsers.text_columns import Column, column_of, table_columns
from parsers.values import is_blank, is_value

if TYPE_CHECKING:
    from parsers.pdfium_page import PdfiumPage

# Page numbers printed as - 3 -, — 3 —, 第3页, 第3页 共6页, 3/6: dropped wherever they stand.
_PAGE_MARK = re.compile(
    r"^(?:[-—–－―~·•]+\s*\d{1,4}\s*[-—–－―~·•]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，、/]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page\s*)?\d{1,4}\s*/\s*\d{1,4})$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
MARGIN = 0.08  # fraction of the page height where a bare number is a page number
CELL_GAP = 1.0  # a gap wider than this many font sizes separates two cells of a text row
LINE_STARTS = 3  # lines that start at one x make it a column's left edge
NUMBER_GAP = 0.2  # on a row of numbers, a gap this wide separates a label from a number


class PageSize(Protocol):
    """What the text rows need of a page (a PDF's, or a scanned page's)."""

    height: float
    page_number: int


@dataclass
class Block:
    """Rows of one ruled table, or one line of text, on a page."""

    top: float
    rows: list[list[Cell]]
    columns: list[float] | None = None  # a ruled table's grid column x positions


def page_blocks(page: PdfiumPage, text: TextLines, warnings: list[str]) -> list[Block]:
    """A page's tables and text lines in reading order (tables placed by their top). `page`:
    a PdfiumPage, or a pdfplumber Page (what PdfiumPage stands in for)."""
    if not page.chars:
        return []
    tables = [t for t in _find_tables(page, warnings) if _is_grid(t)]
    blocks = [Block(t.bbox[1], _table_rows(t), _columns(t)) for t in tables]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    return in_reading_order(blocks, outside.extract_words(), page, text)


def in_reading_order(
    tables: list[Block], words: list[dict], page: PageSize, text: TextLines
) -> list[Block]:
    """A page's ruled tables and the text lines its other `words` make, top to bottom (a
    table before a line at the same height); a text PDF's page and a scanned one alike."""
    above = min((table.top for table in tables), default=page.height)
    lines = [Block(top, [cells]) for top, cells in text.rows(words, page, above)]
    blocks = sorted(tables + lines, key=lambda block: (block.top, block.columns is None))
    blocks = [block for block in blocks if block.rows]
    if blocks and blocks[-1].columns is not None:
        text.open_row = []  # the page ends with a ruled table, not an unruled row
    return blocks


def _find_tables(page: PdfiumPage, warnings: list[str]) -> list:
    """Ruled tables; none on a page ruled so finely that pdfplumber's search for cells (about
    quadratic in the crossings of its lines) would not end: 200 × 200 lines take 30 s."""
    rows = {round(e["top"]) for e in page.edges if e["orientation"] == "h"}
    columns = {round(e["x0"]) for e in page.edges if e["orientation"] == "v"}
    if len(rows) * len(columns) > MAX_GRID_POINTS:
        warnings.append(f"page {page.page_number}: too many ruling lines to look for tables")
        return []
    return page.find_tables()


class PageRows:
    """A document's rows, page after page, with what continues across a page break joined: a
    table row broken by the break, an unruled row's wrapped label (TextLines)."""

    def __init__(self) -> None:
        self.rows: list[list[Cell]] = []
        self.text = TextLines()
        self.last: Block | None = None  # the last block of the pages so far

    def add(self, blocks: list[Block], tolerance: float = 1.0) -> None:
        """One page's blocks; `tolerance`: how far (pt) the same grid's columns may move from
        one page to the next (a scan shifts them by a few points)."""
        if blocks and self.last is not None:
            join_across_pages(self.last, blocks[0], tolerance)
        for block in blocks:
            self.rows.extend(block.rows)
        self.last = blocks[-1] if blocks else self.last


def join_across_pages(last: Block, first: Block, tolerance: float = 1.0) -> None:
    """A table row broken by a page break continues at the top of the next page as a row of
    label fragments over blank value cells (1.属于国 | 家秘密): join it to the cells above."""
    if last.columns is None or first.columns is None or not first.rows:
        return
    if len(last.columns) != len(first.columns) or any(
        abs(a - b) > tolerance for a, b in zip(last.columns, first.columns, strict=True)
    ):
        return
    row = first.rows[0]
    labels = [c for c in row if not is_value(c.text)]
    if not labels or any(is_value(c.text) and not is_blank(c.text) for c in row):
        return
    targets = [_cell_above(last.rows, c.col) for c in labels]
    if any(t is None or is_value(t.text) for t in targets):
        return  # not the same grid (a repeated header row, another table)
    for target, cell in zip(targets, labels, strict=True):
        continue_cell(target, cell)
    del first.rows[0]


def _cell_above(rows: list[list[Cell]], col: int) -> Cell | None:
    """The cell that covers grid column `col` nearest above, if it starts there."""
    for row in reversed(rows):
        for cell in row:
            if cell.col <= col < cell.col + cell.span:
                return cell if cell.col == col else None
    return None


def _is_grid(table) -> bool:
    """A table of two columns or more; a one-column box is a framed paragraph, read as text."""
    return len({round(cell[0], 1) for cell in table.cells}) >= 2


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _columns(table) -> list[float]:
    return sorted({cell[0] for cell in table.cells})


def _table_rows(table) -> list[list[Cell]]:
    """Grid rows: a merged cell once, where it starts (pdfplumber gives None for the grid
    positions it covers); an empty string is a real blank cell."""
    columns = _columns(table)
    rows: list[list[Cell]] = []
    for grid_row, texts in zip(table.rows, table.extract(), strict=True):
        row: list[Cell] = []
        for col, (bbox, text) in enumerate(zip(grid_row.cells, texts, strict=True)):
            if bbox is None:
                continue
            span = sum(1 for x in columns if bbox[0] - 0.5 <= x < bbox[2] - 0.5)
            row.append(Cell(join_wrapped((text or "").split("\n")), col, max(span, 1)))
        if any(cell.text for cell in row):
            rows.append(row)
    return rows


def continue_cell(cell: Cell, more: Cell) -> None:
    """`more` is the next line of `cell`'s text (wrapped, or broken by a page)."""
    cell.text = join_wrapped([cell.text, more.text])
    known = [c for c in (cell.confidence, more.confidence) if c is not None]
    cell.confidence = min(known, default=None)


def join_wrapped(lines: list[str]) -> str:
    """Lines of one cell as one text: Chinese wraps anywhere, so lines join without a space
    (a space only between two Latin letters); page numbers inside the cell are dropped."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line or _PAGE_MARK.match(line):
            continue
        if text and text[-1].isascii() and text[-1].isalpha() and line[0].isascii():
            text += " "
        text += line
    return text


@dataclass
class _Placed:
    """A cell of a text line and where it stands on the page."""

    cell: Cell
    x0: float
    x1: float
    end: float = 0.0  # where its last line ends, once it wrapped

    def __post_init__(self) -> None:
        self.end = self.end or self.x1


class TextLines:
    """Words grouped into lines (by vertical overlap), split into cells at wide gaps. In an
    unruled table a label wraps inside its column: a line of label fragments, each under a
    cell of the row above, continues those cells instead of starting a row, also over a
    page break."""

    def __init__(self) -> None:
        self.open_row: list[_Placed] = []  # the last row of two cells or more

    def rows(
        self, words: list[dict], page: PageSize, above: float
    ) -> Iterator[tuple[float, list[Cell]]]:
        """The page's text rows; `above` is where its first ruled table starts."""
        lines: list[list[dict]] = []
        for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
            if lines and _same_line(lines[-1], word):
                lines[-1].append(word)
            else:
                lines.append([word])
        for line in lines:
            line.sort(key=lambda w: w["x0"])
        columns = table_columns(lines)
        starts = _line_starts(lines)
        right = max((w["x1"] for w in words), default=0.0)  # where the widest lines end
        bottom = None  # of the line before; None at the top of the page
        held: list[_Placed] = []  # a row of labels only, not yet given out: its values may follow
        held_top = 0.0
        for line, table in zip(lines, columns, strict=True):
            top = min(w["top"] for w in line)
            size = statistics.median(w["bottom"] - w["top"] for w in line)
            cells = _split_cells(line, size, table, starts)
            if _is_page_number([p.cell.text for p in cells], top, page.height):
                continue
            # The next line of the same paragraph, or the first line of a page that goes on
            # with the row the last page ended with.
            close = top < above if bottom is None else top - bottom < 0.8 * size
            bottom = max(w["bottom"] for w in line)
            if held and close and _extend_held(held, cells, size, right):
                continue  # the held label's next line: its values may still follow
            if held:
                block = _label_block(held, cells, size) if close else None
                if block is not None:  # the label wrapped around its row's values
                    self.open_row = block
                    yield held_top, [p.cell for p in block]
                    held = []
                    continue
                yield held_top, [p.cell for p in held]
                held = []
            targets = _continued_cells(self.open_row, cells, size, right) if close else []
            rest = []
            for target, placed in itertools.zip_longest(targets, cells):
                if target is None:
                    rest.append(placed)
                else:
                    continue_cell(target.cell, placed.cell)
                    target.end = placed.x1
            if len(rest) < len(cells):  # a continuation: the row above stays open
                if rest:  # new cells in other columns (a header's second level) join it
                    self.open_row = _overlay(self.open_row, rest)
                    held, held_top = _hold(rest, top)
                    if not held:
                        yield top, [p.cell for p in rest]
                continue
            self.open_row = cells if len(cells) > 1 else []
            held, held_top = _hold(cells, top)
            if not held:
                yield top, [p.cell for p in cells]
        if held:
            yield held_top, [p.cell for p in held]


# A label's own numbering (一、 （三） 1.) starts a row; a wrapped fragment has none.
_ROW_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])"
)


def _continued_cells(row: list[_Placed], cells: list[_Placed], size: float, right: float) -> list:
    """For each cell of a line, the cell of `row` it continues, or None. A fragment continues
    a label cell when it stands in that cell's column and the cell's last line was full, up
    to the next column (so the text had to wrap): a short label above is a row of its own.
    Nothing continues when the line holds a value: then it is a row of its own."""
    if not row or any(is_value(p.cell.text) for p in cells):
        return []
    targets: list[_Placed | None] = []
    limits = [after.x0 for after in row[1:]] + [right]  # where each cell of `row` must end
    for placed in cells:
        found = None
        for target, limit in zip(row, limits, strict=True):
            if target.x0 - 2 <= placed.x0 and placed.x1 <= limit + 2:
                full = target.end >= limit - 2.5 * size
                if full and not is_value(target.cell.text) and target not in targets:
                    found = target
                break
        if _ROW_START.match(placed.cell.text):
            found = None
        targets.append(found)
    return targets


def _hold(cells: list[_Placed], top: float) -> tuple[list[_Placed], float]:
    """A row of labels only is held until the next line: its values may be printed there."""
    return ([] if any(is_value(p.cell.text) for p in cells) else cells), top


def _extend_held(held: list[_Placed], cells: list[_Placed], size: float, right: float) -> bool:
    """Join a line of label fragments to the held labels above them, when each stands in a
    held label's column and those labels leave room for values to their right (a table's
    label column, not a paragraph): a label wrapped over many lines, its numbers further
    down. A numbered fragment starts a row; a line with values is not a fragment."""
    if any(is_value(p.cell.text) or _ROW_START.match(p.cell.text) for p in cells):
        return False
    if max(h.x1 for h in held) > right - 4 * size:
        return False
    targets = []
    for placed in cells:
        target = next((h for h in held if h.x0 - 2 <= placed.x0 and placed.x1 <= h.x1 + 2), None)
        if target is None or target in targets:
            return False
        targets.append(target)
    for target, placed in zip(targets, cells, strict=True):
        continue_cell(target.cell, placed.cell)
        target.end = placed.x1
    return True


def _label_block(held: list[_Placed], cells: list[_Placed], size: float) -> list[_Placed] | None:
    """The row a line of values makes with the line of labels just above it, when those
    labels wrapped beside the values (a table row's label over two or three lines, its
    numbers printed in the middle of the block): the held labels run up to the values and
    continue the labels the line starts with, in their columns, or stand where the line has
    none. None when the line starts a row of its own (its label is numbered) or the held
    labels do not run up to the values (a short label, a heading: rows of their own)."""
    first = next((i for i, p in enumerate(cells) if _starts_with_value(p.cell.text)), None)
    if first is None:
        return None
    start = cells[first].x0
    end = max(h.x1 for h in held)
    if end > start + 2 or end < start - 2.5 * size:
        return None
    labels = cells[:first]
    if any(_ROW_START.match(p.cell.text) for p in labels):
        return None
    block = list(cells)
    for h in held:
        target = max(labels, key=lambda p: _overlap(h, p), default=None)
        if target is None or _overlap(h, target) <= 0:
            block.append(h)
            continue
        target.cell.text = join_wrapped([h.cell.text, target.cell.text])
        target.x0 = min(target.x0, h.x0)
    block.sort(key=lambda p: p.x0)
    for col, placed in enumerate(block):
        placed.cell.col = col
    return block


def _starts_with_value(text: str) -> bool:
    """A value cell, or numbers apart in one cell (2120 39: columns close together)."""
    parts = text.split()
    return not parts or is_value(parts[0])  # a blank cell is an empty column's


def _overlap(a: _Placed, b: _Placed) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _overlay(row: list[_Placed], cells: list[_Placed]) -> list[_Placed]:
    """The open cells after `cells` started below part of `row`: theirs where they stand."""
    kept = [c for c in row if all(c.end < p.x0 or p.x1 < c.x0 for p in cells)]
    return sorted(kept + cells, key=lambda c: c.x0)


def _same_line(line: list[dict], word: dict) -> bool:
    top = min(w["top"] for w in line)
    bottom = max(w["bottom"] for w in line)
    overlap = min(bottom, word["bottom"]) - max(top, word["top"])
    return overlap > 0.5 * min(bottom - top, word["bottom"] - word["top"])


def _split_cells(
    line: list[dict],
    size: float,
    columns: list[Column] | None = None,
    starts: frozenset[int] = frozenset(),
) -> list[_Placed]:
    """A line's words as cells: a wide gap starts a cell; so does a narrower one between a
    label and a number on a line of numbers (a table row whose columns stand close: the
    number is the first value, not part of the label), or before a word where other lines
    start (`starts`: a label column, beside an outer label such as （六）其他). A row of an
    unruled table whose `columns` are known has a cell in each, blank where it printed
    nothing."""
    placed = _column_cells(line, size, columns, starts) if columns else None
    if placed is not None:
        return placed
    numbers = sum(1 for w in line if is_value(w["text"]))
    groups: list[list[dict]] = [[line[0]]]
    for before, word in itertools.pairwise(line):
        gap = word["x0"] - before["x1"]
        number = numbers > 1 and is_value(word["text"]) and not is_value(before["text"])
        column = round(word["x0"]) in starts
        if gap > CELL_GAP * size or gap > NUMBER_GAP * size and (number or column):
            groups.append([])
        groups[-1].append(word)
    return [
        _Placed(
            Cell(" ".join(w["text"] for w in group), col, confidence=_lowest_confidence(group)),
            group[0]["x0"],
            group[-1]["x1"],
        )
        for col, group in enumerate(groups)
    ]


def _column_cells(
    line: list[dict], size: float, columns: list[Column], starts: frozenset[int]
) -> list[_Placed] | None:
    """The row's labels, then a cell in each column: its number, or blank. None when the row
    fills every column anyway, or something other than numbers follows its first number."""
    first = next(i for i, w in enumerate(line) if is_value(w["text"]))
    values = line[first:]
    if len(values) >= len(columns) or not all(is_value(w["text"]) for w in values):
        return None
    placed = [column_of(w, columns) for w in values]
    if None in placed or len(set(placed)) < len(placed):
        return None  # a value in no column or two in one: the row as printed
    labels = _split_cells(line[:first], size, None, starts) if first else []
    by_column = dict(zip(placed, values, strict=True))
    cells = list(labels)
    for k, (x0, x1) in enumerate(columns):
        word = by_column.get(k)
        text, confidence = (
            ("", None) if word is None else (word["text"], _lowest_confidence([word]))
        )
        cells.append(_Placed(Cell(text, confidence=confidence), x0, x1))
    for col, cell in enumerate(cells):
        cell.cell.col = col
    return cells


def _line_starts(lines: list[list[dict]]) -> frozenset[int]:
    """Where LINE_STARTS lines or more of the page start (to the point, and a point either
    side): the left edges of its text and of an unruled table's label columns."""
    counts = Counter(round(line[0]["x0"]) for line in lines)
    common = [x for x, n in counts.items() if n >= LINE_STARTS]
    return frozenset(x + d for x in common for d in (-1, 0, 1))


def _lowest_confidence(words: list[dict]) -> float | None:
    """The least sure of the words' OCR confidences; None for words of a text layer."""
    return min((w["confidence"] for w in words if "confidence" in w), default=None)


def _is_page_number(cells: list[str], top: float, page_height: float) -> bool:
    text = " ".join(cells).strip()
    if _PAGE_MARK.match(text):
        return True
    in_margin = top < MARGIN * page_height or top > (1 - MARGIN) * page_height
    return in_margin and bool(_BARE_NUMBER.match(text))
