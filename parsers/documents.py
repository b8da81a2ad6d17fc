"""PDF, DOCX, DOC and WPS attachments → Layout.

PDF: ruled tables come from pdfplumber's table finder as grid rows (merged cells once, with
their span); the text around them becomes rows of positioned words, where a wide gap starts a
new cell, so unruled tables still read as rows of cells. Page numbers are dropped.
DOCX (and zip-based WPS): the body in document order, tables as span-aware grids read from the
XML, since python-docx's `row.cells` repeats merged cells.
DOC and OLE WPS: converted to DOCX by LibreOffice, else read as text by antiword.

Hostile input is refused before it is parsed: size, zip expansion, page count and a time
budget are bounded, and every failure is a one-line ParseError.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from parsers.layout import Cell, Layout, layout_from_text
from parsers.read import MB, ParseError
from parsers.values import is_blank, is_value

MAX_PAGES = 200
MAX_STREAM_BYTES = 64 * MB  # what one compressed PDF stream may expand to
MAX_PAGE_OBJECTS = 40_000  # characters, paths and images on one page (a text page: ~3,000)
MAX_GRID_POINTS = 5_000  # crossings of ruling lines searched for tables (a report's: ~500)
PDF_TIME_BUDGET = 20.0  # seconds of page reading before the rest of a PDF is skipped
MAX_UNZIPPED_BYTES = 200 * MB
MAX_XML_PART_BYTES = 60 * MB  # one XML part parsed as a tree: bounded so memory stays < 1 GB
MAX_ZIP_RATIO = 100
BIG_MEMBER_BYTES = 10 * MB  # members this large are held to MAX_ZIP_RATIO
MAX_ZIP_MEMBERS = 5000
CONVERT_TIMEOUT = 60

# pdfminer logs every token at DEBUG; under Scrapy the root logger passes everything, and
# building those records took a third of a crawl's time. Its debug output helps no user.
logging.getLogger("pdfminer").setLevel(logging.WARNING)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def layout_from_document(data: bytes, fmt: str, name: str = "") -> Layout:
    """The Layout of a PDF, DOCX, DOC or WPS document; ParseError when it cannot be read."""
    if fmt == "pdf":
        return layout_from_pdf(data)
    if fmt in ("docx", "doc", "wps"):
        if data.startswith(ZIP_MAGIC):
            return layout_from_docx(data)
        return layout_from_word_binary(data, fmt)
    raise ParseError(f"unsupported document format: {fmt}")


# ---------------------------------------------------------------------------------------- PDF

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


def pdf_page_count(data: bytes) -> int:
    """The number of pages the PDF declares (for benchmarks and caps)."""
    pdf = _open_pdf(data)
    try:
        return _declared_pages(pdf.doc)
    finally:
        pdf.close()


def layout_from_pdf(data: bytes) -> Layout:
    pdf = _open_pdf(data)
    warnings: list[str] = []
    rows: list[list[Cell]] = []
    has_text = skipped = False
    last: Block | None = None  # the last block of the previous page
    text = TextLines()
    try:
        for page in _pages(pdf, warnings):
            try:
                blocks = page_blocks(page, text, warnings)
            except _PageTooBusy:
                warnings.append(
                    f"page {page.page_number} skipped: more than {MAX_PAGE_OBJECTS} objects"
                )
                blocks, skipped = [], True
            page.close()  # frees the page's parsed objects: memory stays per page
            if blocks and last is not None:
                join_across_pages(last, blocks[0])
            for block in blocks:
                rows.extend(block.rows)
            has_text |= bool(blocks)
            last = blocks[-1] if blocks else last
    except ParseError:
        raise
    except Exception as error:
        cause = _cause(error)
        if isinstance(cause, ParseError):
            raise cause from error
        if not _raised_in_pdf_library(error):
            raise
        raise ParseError(f"damaged PDF: {_one_line(cause)}") from error
    finally:
        titles = _pdf_titles(pdf)
        pdf.close()
    if not has_text:
        # Nothing to read, and a title alone would let the builder guess a template.
        scanned = [] if skipped else ["scanned: no text layer"]
        return Layout(rows=[], warnings=[*scanned, *warnings])
    return Layout(rows=rows, titles=titles, warnings=warnings)


class _BoundedZlib:
    """zlib as pdfminer uses it, but a stream may not expand beyond MAX_STREAM_BYTES: a
    1 MB PDF can hold a content stream that inflates to gigabytes."""

    error = zlib.error

    def decompress(self, data: bytes) -> bytes:
        inflater = self.decompressobj()
        out = inflater.decompress(data)
        if not inflater.eof:  # truncated: pdfminer retries with decompressobj
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs) -> _BoundedInflater:
        return _BoundedInflater(zlib.decompressobj(*args, **kwargs))


class _BoundedInflater:
    def __init__(self, inflater) -> None:
        self.inflater = inflater
        self.total = 0

    @property
    def eof(self) -> bool:
        return self.inflater.eof

    def decompress(self, data: bytes) -> bytes:
        out = self.inflater.decompress(data, MAX_STREAM_BYTES + 1 - self.total)
        self.total += len(out)
        if self.total > MAX_STREAM_BYTES or self.inflater.unconsumed_tail:
            raise ParseError(f"refused: a PDF stream expands beyond {MAX_STREAM_BYTES // MB} MB")
        return out


def _bound_pdfminer_streams() -> None:
    import pdfminer.pdftypes

    if not isinstance(pdfminer.pdftypes.zlib, _BoundedZlib):
        pdfminer.pdftypes.zlib = _BoundedZlib()


def _open_pdf(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF" not in data[:1024]:
        raise ParseError("damaged PDF: no %PDF header")
    _bound_pdfminer_streams()
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as error:
        cause = _cause(error)
        if isinstance(cause, ParseError):
            raise cause from error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ParseError("encrypted PDF") from error
        if "password" in str(cause).lower() or "encrypt" in str(cause).lower():
            raise ParseError("encrypted PDF") from error
        raise ParseError(f"damaged PDF: {_one_line(cause)}") from error


def _cause(error: Exception) -> Exception:
    """pdfplumber wraps pdfminer's errors (and ours, raised inside pdfminer) in its own."""
    return error.args[0] if error.args and isinstance(error.args[0], Exception) else error


def _raised_in_pdf_library(error: BaseException) -> bool:
    """pdfminer raises many kinds of error on a broken content stream (KeyError, TypeError,
    zlib.error...): those mean a damaged file; an error raised in this module is a bug."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    for filename in reversed(frames):  # innermost first
        if filename == __file__:
            return False
        if f"{os.sep}pdfminer{os.sep}" in filename or f"{os.sep}pdfplumber{os.sep}" in filename:
            return True
    return False


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def _declared_pages(doc) -> int:
    """/Count of the page tree, read without walking it; a walk (capped) when it lies."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(doc.catalog["Pages"])["Count"])
        if isinstance(count, int) and count >= 0:
            return count
    except Exception:  # a broken page tree: count what pdfminer can find
        pass
    from pdfminer.pdfpage import PDFPage

    return sum(1 for _ in itertools.islice(PDFPage.create_pages(doc), 100_000))


def _pages(pdf, warnings: list[str]) -> Iterator:
    """The first MAX_PAGES pages, within the time budget; pdfplumber's `pdf.pages` would
    build every page of a hostile 100,000-page file first."""
    from pdfminer.pdfpage import PDFPage

    page_class = _bounded_page_class()
    declared = _declared_pages(pdf.doc)
    if declared > MAX_PAGES:
        warnings.append(f"only the first {MAX_PAGES} of {declared} pages read")
    started = time.monotonic()
    doctop = 0.0
    objects = itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PAGES)
    for number, page_object in enumerate(objects, 1):
        if time.monotonic() - started > PDF_TIME_BUDGET:
            warnings.append(f"time limit: pages from {number} on not read")
            return
        page = page_class(pdf, page_object, page_number=number, initial_doctop=doctop)
        doctop += page.height
        yield page


class _PageTooBusy(Exception):
    """A page draws more objects than a report page does (a vector map, or a bomb)."""


def _bounded_page_class():
    """pdfplumber's Page whose interpreter stops at MAX_PAGE_OBJECTS: a 5 KB PDF of repeated
    drawing operators otherwise takes minutes and gigabytes. (Built on first use: pdfplumber
    is imported late.)"""
    global _BoundedPage
    if _BoundedPage is not None:
        return _BoundedPage
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    class CountingDevice(PDFPageAggregatorWithMarkedContent):
        drawn = 0

        def _count(self) -> None:
            self.drawn += 1
            if self.drawn > MAX_PAGE_OBJECTS:
                raise _PageTooBusy

        def render_char(self, *args, **kwargs):
            self._count()
            return super().render_char(*args, **kwargs)

        def render_image(self, *args, **kwargs) -> None:
            self._count()
            super().render_image(*args, **kwargs)

        def paint_path(self, *args, **kwargs) -> None:
            self._count()
            super().paint_path(*args, **kwargs)

    class BoundedPage(Page):
        @property
        def layout(self):  # Page.layout with the counting device
            if not hasattr(self, "_layout"):
                device = CountingDevice(
                    self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams
                )
                try:
                    PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
                except (_PageTooBusy, ParseError):
                    raise
                except Exception as error:
                    raise PdfminerException(error) from error
                self._layout = device.get_result()
            return self._layout

    _BoundedPage = BoundedPage
    return BoundedPage


_BoundedPage = None


def _pdf_titles(pdf) -> list[str]:
    """The metadata Title, when it names a 年度报告 of a year (a bare 年度报告 without agency
    and year is worse than the title printed on page 1)."""
    try:
        raw = pdf.doc.info[0].get("Title") if pdf.doc.info else None
        from pdfminer.pdftypes import resolve1

        title = _decode_pdf_string(resolve1(raw))
    except Exception:
        return []
    title = " ".join(title.split())
    if "年度报告" in title and re.search(r"(?:19|20)\d{2}", title):
        return [title]
    return []


def _decode_pdf_string(raw) -> str:
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes):
        return ""
    # Word exports often write UTF-16LE with a BOM, which pdfminer reads as PDFDocEncoding.
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


@dataclass
class Block:
    """Rows of one ruled table, or one line of text, on a page."""

    top: float
    rows: list[list[Cell]]
    columns: list[float] | None = None  # a ruled table's grid column x positions


def page_blocks(page, text: TextLines, warnings: list[str]) -> list[Block]:
    """A page's tables and text lines in reading order (tables placed by their top)."""
    if not page.chars:
        return []
    tables = [t for t in _find_tables(page, warnings) if _is_grid(t)]
    blocks = [Block(t.bbox[1], _table_rows(t), _columns(t)) for t in tables]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    above = min((t.bbox[1] for t in tables), default=page.height)
    blocks += [
        Block(top, [cells]) for top, cells in text.rows(outside.extract_words(), page, above)
    ]
    blocks.sort(key=lambda block: (block.top, block.columns is None))  # stable: tables first
    blocks = [block for block in blocks if block.rows]
    if blocks and blocks[-1].columns is not None:
        text.open_row = []  # the page ends with a ruled table, not an unruled row
    return blocks


def _find_tables(page, warnings: list[str]) -> list:
    """Ruled tables; none on a page ruled so finely that pdfplumber's search for cells (about
    quadratic in the crossings of its lines) would not end: 200 × 200 lines take 30 s."""
    rows = {round(e["top"]) for e in page.edges if e["orientation"] == "h"}
    columns = {round(e["x0"]) for e in page.edges if e["orientation"] == "v"}
    if len(rows) * len(columns) > MAX_GRID_POINTS:
        warnings.append(f"page {page.page_number}: too many ruling lines to look for tables")
        return []
    return page.find_tables()


def join_across_pages(last: Block, first: Block) -> None:
    """A table row broken by a page break continues at the top of the next page as a row of
    label fragments over blank value cells (1.属于国 | 家秘密): join it to the cells above."""
    if last.columns is None or first.columns is None or not first.rows:
        return
    if len(last.columns) != len(first.columns) or any(
        abs(a - b) > 1 for a, b in zip(last.columns, first.columns, strict=True)
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
        target.text = join_wrapped([target.text, cell.text])
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

    def rows(self, words: list[dict], page, above: float) -> Iterator[tuple[float, list[Cell]]]:
        """The page's text rows; `above` is where its first ruled table starts."""
        lines: list[list[dict]] = []
        for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
            if lines and _same_line(lines[-1], word):
                lines[-1].append(word)
            else:
                lines.append([word])
        right = max((w["x1"] for w in words), default=0.0)  # where the widest lines end
        bottom = None  # of the line before; None at the top of the page
        for line in lines:
            line.sort(key=lambda w: w["x0"])
            top = min(w["top"] for w in line)
            size = statistics.median(w["bottom"] - w["top"] for w in line)
            cells = _split_cells(line, size)
            if _is_page_number([p.cell.text for p in cells], top, page.height):
                continue
            # The next line of the same paragraph, or the first line of a page that goes on
            # with the row the last page ended with.
            close = top < above if bottom is None else top - bottom < 0.8 * size
            bottom = max(w["bottom"] for w in line)
            targets = _continued_cells(self.open_row, cells, size, right) if close else []
            rest = []
            for target, placed in itertools.zip_longest(targets, cells):
                if target is None:
                    rest.append(placed)
                else:
                    target.cell.text = join_wrapped([target.cell.text, placed.cell.text])
                    target.end = placed.x1
            if len(rest) < len(cells):  # a continuation: the row above stays open
                if rest:  # new cells in other columns (a header's second level) join it
                    self.open_row = _overlay(self.open_row, rest)
                    yield top, [p.cell for p in rest]
                continue
            self.open_row = cells if len(cells) > 1 else []
            yield top, [p.cell for p in cells]


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
    for placed in cells:
        found = None
        limits = [after.x0 for after in row[1:]] + [right]
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


def _overlay(row: list[_Placed], cells: list[_Placed]) -> list[_Placed]:
    """The open cells after `cells` started below part of `row`: theirs where they stand."""
    kept = [c for c in row if all(c.end < p.x0 or p.x1 < c.x0 for p in cells)]
    return sorted(kept + cells, key=lambda c: c.x0)


def _same_line(line: list[dict], word: dict) -> bool:
    top = min(w["top"] for w in line)
    bottom = max(w["bottom"] for w in line)
    overlap = min(bottom, word["bottom"]) - max(top, word["top"])
    return overlap > 0.5 * min(bottom - top, word["bottom"] - word["top"])


def _split_cells(line: list[dict], size: float) -> list[_Placed]:
    groups: list[list[dict]] = [[line[0]]]
    for before, word in itertools.pairwise(line):
        if word["x0"] - before["x1"] > CELL_GAP * size:
            groups.append([])
        groups[-1].append(word)
    return [
        _Placed(Cell(" ".join(w["text"] for w in group), col), group[0]["x0"], group[-1]["x1"])
        for col, group in enumerate(groups)
    ]


def _is_page_number(cells: list[str], top: float, page_height: float) -> bool:
    text = " ".join(cells).strip()
    if _PAGE_MARK.match(text):
        return True
    in_margin = top < MARGIN * page_height or top > (1 - MARGIN) * page_height
    return in_margin and bool(_BARE_NUMBER.match(text))


# --------------------------------------------------------------------------------------- DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# A copy of the mc:Choice content; text deleted or moved away in tracked changes.
_NOT_TEXT = {MC_FALLBACK, f"{W}del", f"{W}moveFrom"}
_CONTAINERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag", f"{W}ins"}


def layout_from_docx(data: bytes) -> Layout:
    check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # KeyError, XMLSyntaxError, PackageNotFoundError, ValueError...
        raise ParseError(f"damaged Word document: {_one_line(error)}") from error
    numbering = Numbering(document)
    rows = _blocks(document.element.body, numbering)
    titles = []
    core_title = (document.core_properties.title or "").strip()
    if "年度报告" in core_title and re.search(r"(?:19|20)\d{2}", core_title):
        titles.append(core_title)
    return Layout(rows=rows, titles=titles)


def check_zip(data: bytes) -> None:
    """Refuse a zip that is not a Word document or would expand beyond the limits; the sizes
    checked are the ones zipfile enforces when it reads, so they cannot lie."""
    entries = _zip_entry_count(data)
    if entries > MAX_ZIP_MEMBERS:
        raise ParseError(f"refused: zip holds {entries} files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ParseError(f"damaged Word document: {_one_line(error)}") from error
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    bombs = [
        m
        for m in members
        if m.file_size > BIG_MEMBER_BYTES and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
    ]
    if total > MAX_UNZIPPED_BYTES or bombs:
        raise ParseError(f"refused: zip expands to {total // MB} MB")
    names = {m.filename for m in members}
    if "word/document.xml" not in names and not _declares_word_main(archive, names):
        raise ParseError("not a Word document")
    big_xml = [
        m for m in members if m.filename.endswith(".xml") and m.file_size > MAX_XML_PART_BYTES
    ]
    if big_xml:
        raise ParseError(
            f"refused: {big_xml[0].filename} expands to {big_xml[0].file_size // MB} MB"
        )


def _zip_entry_count(data: bytes) -> int:
    """Entries the end-of-central-directory record declares, before zipfile lists them all."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    return struct.unpack_from("<H", data, end + 10)[0]


def _declares_word_main(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "[Content_Types].xml" not in names:
        return False
    types = archive.read("[Content_Types].xml")
    return b"wordprocessingml.document.main" in types or b"ms-word.document" in types


def _blocks(container, numbering: Numbering) -> list[list[Cell]]:
    """Paragraphs and tables of a body (or a cell) in document order."""
    rows: list[list[Cell]] = []
    for child in container:
        if child.tag == f"{W}p":
            rows.extend(_paragraph_rows(child, numbering))
        elif child.tag == f"{W}tbl":
            rows.extend(_docx_table_rows(child, numbering))
        elif child.tag in _CONTAINERS:
            rows.extend(_blocks(child, numbering))
    return rows


def _paragraph_rows(p, numbering: Numbering) -> list[list[Cell]]:
    """A paragraph's lines (a manual line break starts a row); tabs separate cells."""
    text = numbering.label(p) + paragraph_text(p)
    rows = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if cells:
            rows.append([Cell(c, col) for col, c in enumerate(cells)])
    return rows


def paragraph_text(element) -> str:
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts).replace("\u00a0", " ").replace("\u3000", " ")


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag in _NOT_TEXT:
            continue
        elif tag == f"{W}p":  # a paragraph of a text box inside this one
            parts.append("\n")
            _collect_text(child, parts)
            parts.append("\n")
        elif isinstance(tag, str):
            _collect_text(child, parts)


def _docx_table_rows(tbl, numbering: Numbering) -> list[list[Cell]]:
    """Grid rows like parsers.html.table_rows: gridSpan → one Cell with span, a vMerge
    continuation → nothing in the lower row. A table nested in a cell follows its row."""
    grid_rows = [tr for tr in _children(tbl, f"{W}tr")]
    if grid_rows and all(len(_row_cells(tr)) <= 1 for tr in grid_rows):
        # A one-column frame around content (a layout box): read what it holds as body.
        return [row for tr in grid_rows for tc in _row_cells(tr) for row in _blocks(tc, numbering)]
    rows: list[list[Cell]] = []
    for tr in grid_rows:
        col = _int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        row: list[Cell] = []
        nested: list[list[Cell]] = []
        for tc in _row_cells(tr):
            span = max(1, _int_attr(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            if not _continues_merge(tc):
                text, inner = _cell_content(tc, numbering)
                row.append(Cell(text, col, span))
                nested.extend(inner)
            col += span
        if row:
            rows.append(row)
        rows.extend(nested)
    return rows


def _children(element, tag: str) -> list:
    """Children with this tag, also inside content controls (w:sdt) and custom XML."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _CONTAINERS:
            found.extend(_children(child, tag))
    return found


def _row_cells(tr) -> list:
    return _children(tr, f"{W}tc")


def _int_attr(element, default: int) -> int:
    if element is None:
        return default
    try:
        return min(int(element.get(f"{W}val", default)), 64)
    except ValueError:
        return default


def _continues_merge(tc) -> bool:
    """A cell under a vertical merge (vMerge without val="restart") or, in old files, right of
    a horizontal one (hMerge continue)."""
    for name in ("vMerge", "hMerge"):
        merge = tc.find(f"{W}tcPr/{W}{name}")
        if merge is not None and merge.get(f"{W}val", "continue") == "continue":
            return True
    return False


def _cell_content(tc, numbering: Numbering) -> tuple[str, list[list[Cell]]]:
    lines: list[str] = []
    nested: list[list[Cell]] = []
    for child in tc:
        if child.tag == f"{W}p":
            text = numbering.label(child) + paragraph_text(child)
            lines.extend(line.replace("\t", " ").strip() for line in text.split("\n"))
        elif child.tag == f"{W}tbl":
            nested.extend(_docx_table_rows(child, numbering))
        elif child.tag in _CONTAINERS:
            for row in _blocks(child, numbering):
                lines.append(" ".join(c.text for c in row))
    return "\n".join(line for line in lines if line), nested


# Word's automatic numbering is not in the text: 一、总体情况 may be typed as 总体情况 with a
# list style. Section headings are found by their number, so the numbers are rendered.
_CHINESE_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "japaneseCounting",
    "ideographTraditional",
}


def chinese_number(n: int) -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (_CHINESE_DIGITS[ones] if ones else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return chinese_number(n)
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 40:
        roman = (
            "x" * (n // 10) + ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"][n % 10]
        )
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(n)


class Numbering:
    """Renders the list numbers Word draws before numbered paragraphs, in document order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → level
        # Counters are kept per abstract list: w:num instances of one list continue its
        # numbering, unless one restarts it (startOverride).
        self.list_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{W}abstractNumId"): _levels(a) for a in root.iter(f"{W}abstractNum")}
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            abstract_id = ref.get(f"{W}val") if ref is not None else None
            levels = dict(abstract.get(abstract_id) or {})
            num_id = num.get(f"{W}numId")
            self.list_of[num_id] = f"list:{abstract_id}"
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                ilvl = _int_attr_plain(override.get(f"{W}ilvl"), 0)
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int_attr(start, 1))
                    self.list_of[num_id] = f"num:{num_id}"
            self.levels[num_id] = levels
        self._read_styles(document)

    def _read_styles(self, document) -> None:
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for style in styles.iter(f"{W}style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{W}numId")
                if num_id is not None:
                    ilvl = _int_attr(num_pr.find(f"{W}ilvl"), 0)
                    self.style_numbering[style.get(f"{W}styleId")] = (num_id.get(f"{W}val"), ilvl)

    def label(self, p) -> str:
        """The number this paragraph shows ("一、", "（三）"), advancing the counters."""
        if not self.levels:
            return ""
        num_id, ilvl = self._num_pr(p)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(self.list_of[num_id], {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            value = counters.get(level, levels.get(level, ("", "", 1))[2])
            return _format_number(value, levels.get(level, ("decimal", "", 1))[0])

        return re.sub(r"%([1-9])", number, text)

    def _num_pr(self, p) -> tuple[str | None, int]:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = _int_attr(num_pr.find(f"{W}ilvl"), 0)
            if num_id is not None:
                return num_id.get(f"{W}val"), ilvl
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None:
            return self.style_numbering.get(style.get(f"{W}val"), (None, 0))
        return None, 0


def _levels(abstract) -> dict[int, tuple[str, str, int]]:
    levels = {}
    for lvl in abstract.iter(f"{W}lvl"):
        fmt = lvl.find(f"{W}numFmt")
        text = lvl.find(f"{W}lvlText")
        start = lvl.find(f"{W}start")
        levels[_int_attr_plain(lvl.get(f"{W}ilvl"), 0)] = (
            fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
            text.get(f"{W}val", "") if text is not None else "",
            _int_attr(start, 1),
        )
    return levels


def _int_attr_plain(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# ------------------------------------------------------------------------------ DOC and WPS


def layout_from_word_binary(data: bytes, fmt: str) -> Layout:
    """A binary Word file (OLE .doc, Kingsoft .wps, or RTF saved as .doc): LibreOffice
    converts it to DOCX; antiword reads the text when LibreOffice is not installed."""
    if not (data.startswith(OLE_MAGIC) or data.lstrip().startswith(b"{\\rtf")):
        raise ParseError("not a Word document")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        layout = layout_from_docx(convert_with_office(office, data, fmt))
        if not layout.rows:  # LibreOffice opens what it cannot read as an empty document
            raise ParseError(f"damaged .{fmt}: LibreOffice read no text in it")
        return layout
    antiword = shutil.which("antiword")
    if antiword and data.startswith(OLE_MAGIC):
        return _layout_from_antiword(antiword, data)
    raise ParseError(
        f"cannot read .{fmt}: install LibreOffice (apt-get install libreoffice-writer) or antiword"
    )


def convert_with_office(office: str, data: bytes, fmt: str, target: str = "docx") -> bytes:
    """The document converted by LibreOffice headless, with a private profile so that a
    running LibreOffice neither takes the job over nor locks it out."""
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        source = Path(tmp) / f"input.{fmt}"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        command = [
            office,
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        _run(command, f"LibreOffice could not convert the .{fmt}")
        converted = out / f"input.{target}"
        if not converted.is_file():
            raise ParseError(f"damaged .{fmt}: LibreOffice could not convert it")
        return converted.read_bytes()


def _run(command: list[str], failure: str) -> bytes:
    """Run a converter with a timeout; the whole process group is killed when it hangs."""
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: soffice starts soffice.bin
        )
    except OSError as error:
        raise ParseError(f"{failure}: {error.strerror or error}") from error
    try:
        stdout, _ = process.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ParseError(f"{failure}: no answer in {CONVERT_TIMEOUT} s") from error
    return stdout


def _layout_from_antiword(antiword: str, data: bytes) -> Layout:
    with tempfile.NamedTemporaryFile(suffix=".doc") as source:
        source.write(data)
        source.flush()
        text = _run([antiword, "-m", "UTF-8.txt", "-w", "0", source.name], "antiword failed")
    if not text.strip():
        raise ParseError("damaged .doc: antiword read no text")
    # antiword draws table rows as |cell|cell|: make them tab rows.
    lines = []
    for line in text.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            line = "\t".join(c.strip() for c in stripped[1:-1].split("|"))
        lines.append(line)
    layout = layout_from_text("\n".join(lines))
    layout.warnings.append("read by antiword: table cells may be misplaced")
    return layout
