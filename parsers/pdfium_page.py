"""A PDF page read by PDFium, in the shape parsers.pdf_rows reads: pdfplumber's chars and edges.

PDFium (pypdfium2, C++) parses the page, 4-6 times faster than pdfminer's interpreter, and
gives its characters with their boxes and its path objects. They become the char and line
dicts pdfplumber makes, so that pdfplumber's table finder (geometry on those dicts) and word
grouping, and the project's own rows (parsers.pdf_rows), run on them unchanged.

PDFium has no limits of its own: a page is parsed whole when it is loaded. The caller bounds
what reaches it (parsers.pdf_streams, the page cap); here a page that draws more than
MAX_PAGE_OBJECTS is refused before its objects are converted.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from parsers.limits import MAX_PAGE_OBJECTS

if TYPE_CHECKING:
    import pypdfium2 as pdfium

MAX_FORM_DEPTH = 8  # form XObjects inside form XObjects: a loop must end
WORD_GAP = 3.0  # pdfplumber's x_tolerance: a wider gap splits words anyway
Matrix = tuple[float, float, float, float, float, float]


class PageTooBusy(Exception):
    """A page draws more objects than a report page does (a vector map, or a bomb)."""


class PdfiumPage:
    """What parsers.pdf_rows.page_blocks asks of a pdfplumber Page, from a pypdfium2 page."""

    def __init__(self, page: pdfium.PdfPage, number: int, doctop: float = 0.0) -> None:
        left, bottom, right, top = page.get_bbox()  # the crop box, in PDF units
        self.page_number = number
        self.width = right - left
        self.height = top - bottom
        self.bbox = (0.0, 0.0, self.width, self.height)
        self.edges = _edges(page, (left, top), doctop)
        self.chars = _chars(page, (left, top), doctop, MAX_PAGE_OBJECTS - len(self.edges))

    def find_tables(self) -> list:
        """pdfplumber's ruled tables, each holding only the chars inside it: Table.extract
        tests every char of its page against every row, twice the whole page's cost."""
        from pdfplumber.table import Table, TableFinder

        tables = []
        for found in TableFinder(self).tables:
            x0, top, x1, bottom = found.bbox
            inside = [
                c
                for c in self.chars
                if x0 <= (c["x0"] + c["x1"]) / 2 < x1
                and top <= (c["top"] + c["bottom"]) / 2 < bottom
            ]
            tables.append(Table(Chars(inside), found.cells))
        return tables

    def filter(self, test: Callable[[dict], bool]) -> Chars:
        return Chars([c for c in self.chars if test(c)])

    def extract_words(self, **settings) -> list[dict]:
        return Chars(self.chars).extract_words(**settings)


class Chars:
    """Characters as pdfplumber's Table and word grouping read them (its CroppedPage's part)."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars

    def extract_words(self, **settings) -> list[dict]:
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **settings)


def _chars(page, origin: tuple[float, float], doctop: float, budget: int) -> list[dict]:
    """Characters as pdfminer boxes them: x from PDFium's loose box, the bottom at the font's
    descent, the height the font size times the text matrix's vertical scale."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        if count > budget:
            raise PageTooBusy
        return list(_char_dicts(raw, count, origin, doctop))
    finally:
        textpage.close()


def _char_dicts(raw, count: int, origin: tuple[float, float], doctop: float) -> Iterator[dict]:
    import pypdfium2.raw as pdfium_c

    left0, top0 = origin
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    before: dict | None = None
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            # PDFium replaces a space the content draws with a generated one, and also
            # generates spaces where it guesses a word gap (between 2024 and 年, where Word
            # leaves a quarter-em and draws none). pdfminer keeps only drawn spaces, and they
            # split words. A generated space matters only where the gap is narrower than the
            # 3-pt word gap; there, between two Latin characters, it was drawn (1 2 must not
            # read as 12): kept, at the end of the character before it.
            if code == 32 and before and _latin(before["text"]) and i + 1 < count:
                following = pdfium_c.FPDFText_GetUnicode(raw, i + 1)
                if _latin(chr(following)) and pdfium_c.FPDFText_GetLooseCharBox(raw, i + 1, rect):
                    if 0 <= rect.left - left0 - before["x1"] < WORD_GAP:
                        yield dict(before, text=" ", x0=before["x1"], width=0.0)
            continue
        if code in (0, 10, 13, 0xFFFE, 0xFFFF) or not pdfium_c.FPDFText_GetLooseCharBox(
            raw, i, rect
        ):
            continue
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        upright = True
        if pdfium_c.FPDFText_GetMatrix(raw, i, matrix):
            # pdfminer's rules: upright unless rotated (synthetic italics stay upright); the
            # size is the font size times the vertical scale.
            size *= math.hypot(matrix.b, matrix.d)
            upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        x0, x1 = rect.left - left0, rect.right - left0
        bottom = top0 - rect.bottom
        top = bottom - size if upright else top0 - rect.top
        before = {
            "object_type": "char",
            "text": chr(code),
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": doctop + top,
            "y0": top0 - bottom,
            "y1": top0 - top,
            "width": x1 - x0,
            "height": bottom - top,
            "size": size,
            "upright": upright,
        }
        yield before


def _latin(ch: str) -> bool:
    return " " < ch < "\u2e80"


def _edges(page, origin: tuple[float, float], doctop: float) -> list[dict]:
    """Straight segments of every path, also inside form XObjects, as pdfplumber's edges."""
    import pypdfium2.raw as pdfium_c

    edges: list[dict] = []
    seen = 0

    def walk(handles: Iterator, outer: Matrix | None, depth: int) -> None:
        nonlocal seen
        for handle in handles:
            seen += 1
            if seen > MAX_PAGE_OBJECTS:
                raise PageTooBusy
            kind = pdfium_c.FPDFPageObj_GetType(handle)
            matrix = _compose(_matrix(handle), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                edges.extend(_path_edges(handle, matrix, origin, doctop))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                n = pdfium_c.FPDFFormObj_CountObjects(handle)
                walk(
                    (pdfium_c.FPDFFormObj_GetObject(handle, k) for k in range(n)), matrix, depth + 1
                )

    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    if n > MAX_PAGE_OBJECTS:
        raise PageTooBusy
    walk((pdfium_c.FPDFPage_GetObject(page.raw, k) for k in range(n)), None, 0)
    return edges


def _matrix(handle) -> Matrix:
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(handle, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix | None) -> Matrix:
    """`inner`, then `outer` (PDF's row-vector convention)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


def _path_edges(handle, m: Matrix, origin: tuple[float, float], doctop: float) -> list[dict]:
    """A path's segments in page space, top-down (its points are in the object's own space)."""
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = m
    left0, top0 = origin
    x, y = ctypes.c_float(), ctypes.c_float()
    edges = []
    start = before = None
    for k in range(pdfium_c.FPDFPath_CountSegments(handle)):
        segment = pdfium_c.FPDFPath_GetPathSegment(handle, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e - left0, top0 - (b * x.value + d * y.value + f))
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif before is not None:
            edges.append(_edge(before, point, doctop))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and point != start:
            edges.append(_edge(point, start, doctop))
        before = point
    return edges


def _edge(p0: tuple[float, float], p1: tuple[float, float], doctop: float) -> dict:
    x0, x1 = sorted((p0[0], p1[0]))
    top, bottom = sorted((p0[1], p1[1]))
    # The tolerance stands for float noise in the drawing; Word's lines are exact.
    vertical, horizontal = x1 - x0 < 1e-3, bottom - top < 1e-3
    return {
        "object_type": "line",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": doctop + top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": "v" if vertical else ("h" if horizontal else None),
    }
