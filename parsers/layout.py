"""A report as rows of cells, whatever shape it came in.

Every reader (flattened text, HTML, PDF, DOCX) produces a `Layout`: the report's lines and
table rows in reading order, each row a list of `Cell`. The table interpreters work on this
one shape, and treat blank cells at the edges of an over-long row as padding, whichever
reader made it.

Flattened text comes in three shapes, often mixed in one file:
- tab rows: one table row per line, cells separated by tabs (`规章\t0\t0\t0`);
- one cell per line: each cell on its own line, no tabs;
- tab-indented cells: each cell starts with a tab at the start of a line and may continue
  on the following lines without a tab (`\t2．其他法律行政\n法规禁止公开`); a blank line
  ends the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# An OCR'd cell read with less confidence than this is named in the report's ocr: warning
# (every misread number of the shared scan fell below it; correct 0s read at 0.88 or more).
LOW_CONFIDENCE = 0.8


@dataclass(slots=True)
class Cell:
    text: str
    col: int = 0  # first grid column, where known
    span: int = 1  # columns spanned
    confidence: float | None = None  # the OCR engine's, 0..1, when the text was read by OCR


@dataclass
class Layout:
    rows: list[list[Cell]]
    # Title candidates the container gave (HTML <title>, meta ArticleTitle), best first.
    titles: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # When text came from OCR: the report's `ocr` object (engine, pages, mean_confidence).
    ocr: dict | None = None

    def row_texts(self) -> list[str]:
        return [" ".join(c.text for c in row if c.text.strip()).strip() for row in self.rows]


def _row(cells: list[str]) -> list[Cell]:
    return [Cell(text, col) for col, text in enumerate(cells)]


def layout_from_text(text: str) -> Layout:
    """Rows of cells from flattened text in any of the three shapes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    rows: list[list[Cell]] = []
    indented: list[str] | None = None  # the open row of tab-indented cells

    def close_indented() -> None:
        nonlocal indented
        if indented is not None:
            rows.append(_row([c.strip() for c in indented]))
            indented = None

    for line in text.split("\n"):
        stripped = line.strip(" \u00a0")
        if line.startswith("\t") and line.count("\t") == 1:
            if indented is None:
                indented = []
            indented.append(line[1:])
            continue
        if not stripped.strip():
            # A blank line ends a row of tab-indented cells, except inside a cell that has
            # no text yet: Word exports put blank lines before a vertically centred label.
            if indented is not None and indented[-1].strip():
                close_indented()
            continue
        if "\t" in line:
            close_indented()
            rows.append(_row([c.strip() for c in line.split("\t")]))
            continue
        if indented is not None:
            # A line without a tab continues the open cell (a label broken over lines).
            indented[-1] += stripped.strip()
            continue
        rows.append(_row([stripped.strip()]))
    close_indented()
    return Layout(rows=rows)
