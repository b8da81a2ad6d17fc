"""PDF → Layout, read by pdfplumber (on pdfminer.six) within bounds.

Hostile input is refused or cut short before it is parsed: a stream may not inflate beyond
MAX_STREAM_BYTES, a page may not draw more than MAX_PAGE_OBJECTS, at most MAX_PAGES pages
are read within PDF_TIME_BUDGET, and every failure is a one-line ParseError. What a page
holds becomes rows in parsers.pdf_rows.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
import re
import time
from collections.abc import Iterator

from parsers.layout import Cell, Layout
from parsers.limits import (
    MAX_PAGE_OBJECTS,
    MAX_PAGES,
    PDF_TIME_BUDGET,
    BoundedZlib,
    ParseError,
    one_line,
)
from parsers.pdf_rows import Block, TextLines, join_across_pages, page_blocks

# pdfminer logs every token at DEBUG; under Scrapy the root logger passes everything, and
# building those records took a third of a crawl's time. Its debug output helps no user.
logging.getLogger("pdfminer").setLevel(logging.WARNING)


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
        raise ParseError(f"damaged PDF: {one_line(cause)}") from error
    finally:
        titles = _pdf_titles(pdf)
        pdf.close()
    if not has_text:
        # Nothing to read, and a title alone would let the builder guess a template.
        scanned = [] if skipped else ["scanned: no text layer"]
        return Layout(rows=[], warnings=[*scanned, *warnings])
    return Layout(rows=rows, titles=titles, warnings=warnings)


def _bound_pdfminer_streams() -> None:
    import pdfminer.pdftypes

    if not isinstance(pdfminer.pdftypes.zlib, BoundedZlib):
        pdfminer.pdftypes.zlib = BoundedZlib()


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
        raise ParseError(f"damaged PDF: {one_line(cause)}") from error


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
