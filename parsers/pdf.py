"""PDF → Layout, read by PDFium (pypdfium2) within bounds; scanned pages read by OCR.

Each page's characters and rulings come from PDFium (parsers.pdfium_page) and become rows in
parsers.pdf_rows. A page without a usable text layer (none, or garbage: codes no report
prints) is rendered and read by OCR (parsers.scan), so a PDF may mix text and scanned pages.

PDFium has no limits of its own, so hostile input is bounded before and around it: streams
that would inflate beyond their limits are refused before PDFium reads the file
(parsers.pdf_streams); at most MAX_PAGES pages are read, text pages within PDF_TIME_BUDGET
and scanned pages within the OCR page cap and CPU budget; a page drawing more than
MAX_PAGE_OBJECTS is skipped; a page image is rendered at most MAX_RENDER_PIXELS. A file
PDFium cannot open is a one-line ParseError; a page it cannot load is a warning.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from parsers.layout import Layout
from parsers.limits import (
    MAX_PAGE_IMAGE_PIXELS,
    MAX_PAGE_OBJECTS,
    MAX_PAGES,
    MAX_RENDER_PIXELS,
    OCR_DPI,
    PDF_TIME_BUDGET,
    ParseError,
    one_line,
)
from parsers.pdf_rows import Block, PageRows, page_blocks
from parsers.pdf_streams import check_streams
from parsers.pdfium_page import MAX_FORM_DEPTH, PageTooBusy, PdfiumPage
from parsers.scan import SCAN_COLUMN_SHIFT, ScanReader
from parsers.vocabulary import is_dated_report_title

if TYPE_CHECKING:
    import numpy as np

MIN_TEXT_CHARS = 10  # characters enough to tell a text layer from garbage
MIN_READABLE_SHARE = 0.7  # fewer of a layer's characters readable than this: garbage
SCAN_COVER = 0.5  # an image covering this share of the page is a scan, unless text is ample
AMPLE_TEXT = 50  # readable characters over a scan that make a real text layer (not a stamp)
# What a report prints: ASCII, CJK ideographs, CJK and full-width punctuation, numbered forms
# (Ⅱ ①). A font without a Unicode map gives private-use codes, U+FFFD, control or Latin-1
# letters (ÕþÍ¸) instead.
_READABLE = (
    (0x21, 0x7E),
    (0xB7, 0xB7),
    (0x2010, 0x206F),
    (0x2150, 0x24FF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF01, 0xFFEF),
)


def pdf_page_count(data: bytes) -> int:
    """The number of pages of the PDF (for benchmarks and caps)."""
    pdf = _open_pdf(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def layout_from_pdf(data: bytes) -> Layout:
    check_streams(data)  # before PDFium inflates anything
    pdf = _open_pdf(data)
    try:
        return _read(pdf)
    finally:
        pdf.close()


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if b"%PDF" not in data[:1024]:
        raise ParseError("damaged PDF: no %PDF header")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ParseError("encrypted PDF") from error
        raise ParseError(f"damaged PDF: {one_line(error)}") from error


def _read(pdf) -> Layout:
    warnings: list[str] = []
    pages = PageRows()
    scans = ScanReader()
    count = len(pdf)
    if count > MAX_PAGES:
        warnings.append(f"only the first {MAX_PAGES} of {count} pages read")
    seconds = 0.0  # reading pages, OCR aside (it has its own budget)
    skipped = False
    for index in range(min(count, MAX_PAGES)):
        if seconds > PDF_TIME_BUDGET:
            warnings.append(f"time limit: pages from {index + 1} on not read")
            break
        started = time.monotonic()
        page = _load_page(pdf, index, warnings)
        if page is None:
            continue
        try:
            adapted = PdfiumPage(page, index + 1)
            if not _needs_ocr(adapted, page):
                pages.add(page_blocks(adapted, pages.text, warnings))
            elif scans.admit(index + 1):
                seconds += time.monotonic() - started
                pages.add(_scanned_page(page, index + 1, scans, pages, warnings), SCAN_COLUMN_SHIFT)
                started = time.monotonic()
        except PageTooBusy:
            warnings.append(f"page {index + 1} skipped: more than {MAX_PAGE_OBJECTS} objects")
            skipped = True
        finally:
            page.close()  # frees the page's parsed objects: memory stays per page
            seconds += time.monotonic() - started
    ocr = scans.finish(warnings)
    if not pages.rows:
        # Nothing to read, and a title alone would let the builder guess a template.
        read = "" if ocr is None else ", and OCR read no text"
        scanned = [] if skipped else [f"scanned: no text layer{read}"]
        return Layout(rows=[], warnings=[*scanned, *warnings], ocr=ocr)
    return Layout(rows=pages.rows, titles=_pdf_titles(pdf), warnings=warnings, ocr=ocr)


def _load_page(pdf, index: int, warnings: list[str]):
    import pypdfium2 as pdfium

    try:
        return pdf[index]
    except pdfium.PdfiumError:  # a broken page tree entry (a loop in its Kids, a bad object)
        warnings.append(f"page {index + 1} could not be read")
        return None


def _needs_ocr(page: PdfiumPage, pdfium_page) -> bool:
    """Whether the page's text layer is unusable: garbage (codes no report prints), a page
    image with no text or only a line stamped on it (a page number, a title), or nothing but
    drawing (text turned into outlines)."""
    printed = [c["text"] for c in page.chars if not c["text"].isspace()]
    readable = sum(1 for ch in printed if _is_readable(ch))
    if len(printed) >= MIN_TEXT_CHARS and readable < MIN_READABLE_SHARE * len(printed):
        return True
    if readable >= AMPLE_TEXT:
        return False
    if _image_cover(pdfium_page)[0] >= SCAN_COVER:
        return True
    return not printed and bool(page.edges)


def _is_readable(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _READABLE)


def _image_cover(page) -> tuple[float, int]:
    """The share of the page its images cover (at most 1), and the pixels they declare (read
    from their dictionaries: nothing is decoded)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    area = 0.0
    pixels = 0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=MAX_FORM_DEPTH):
        left, bottom, right, top = image.get_bounds()
        area += max(0.0, right - left) * max(0.0, top - bottom)
        w, h = image.get_px_size()
        pixels += w * h
    return min(1.0, area / max(width * height, 1.0)), pixels


def _scanned_page(
    page, number: int, scans: ScanReader, pages: PageRows, warnings: list[str]
) -> list[Block]:
    import pypdfium2 as pdfium

    pixels = _image_cover(page)[1]
    if pixels > MAX_PAGE_IMAGE_PIXELS:
        warnings.append(f"page {number} skipped: its images hold {pixels // 10**6} Mpx")
        return []
    try:
        gray, scale = _render(page)
    except pdfium.PdfiumError as error:
        warnings.append(f"page {number} could not be rendered: {one_line(error)}")
        return []
    return scans.read(gray, scale, number, pages.text, warnings)


def _render(page) -> tuple[np.ndarray, float]:
    """The page as a grayscale image at OCR_DPI, and its scale (pixels per point). The scale
    is chosen from the page size before rendering: a page of 200 × 200 inches cannot make a
    gigapixel bitmap."""
    width, height = page.get_size()
    scale = OCR_DPI / 72
    pixels = max(width * height, 1.0) * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= math.sqrt(MAX_RENDER_PIXELS / pixels)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image = bitmap.to_numpy().copy()
    finally:
        bitmap.close()
    return (image if image.ndim == 2 else image[:, :, 0]), scale


def _pdf_titles(pdf) -> list[str]:
    """The metadata Title, when it names a 年度报告 of a year."""
    title = " ".join(_metadata(pdf, "Title").split())
    return [title] if is_dated_report_title(title) else []


def _metadata(pdf, key: str) -> str:
    """A document information entry; damaged text is read as far as it goes."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    name = key.encode("ascii")
    size = pdfium_c.FPDF_GetMetaText(pdf.raw, name, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_GetMetaText(pdf.raw, name, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", "replace")
