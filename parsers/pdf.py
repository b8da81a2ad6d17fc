"""PDF → Layout, read by pdfplumber (on pdfminer.six) within bounds.

Hostile input is refused or cut short before it is parsed: a stream may not inflate beyond
MAX_STREAM_BYTES, a page may not draw more than MAX_PAGE_OBJECTS, at most MAX_PAGES pages
are read within PDF_TIME_BUDGET, and every failure is a one-line ParseError. What a page
holds becomes rows in parsers.pdf_rows.
"""

from __future__ import annotations

import functools
import io
import itertools
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

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
    return _declared_pages(_open_pdf(data).doc)


def layout_from_pdf(data: bytes) -> Layout:
    # pdf.close() is never called: it builds every page of the file to close it, which a
    # hostile 100,000-page file makes take minutes. Each page read is closed as it is done,
    # and the rest is garbage once this returns.
    pdf = _open_pdf(data)
    warnings: list[str] = []
    rows: list[list[Cell]] = []
    has_text = skipped = False
    last: Block | None = None  # the last block of the previous page
    text = TextLines()
    for page in _pages(pdf, warnings):
        try:
            _parse_objects(page)
        except _PageTooBusy:
            warnings.append(
                f"page {page.page_number} skipped: more than {MAX_PAGE_OBJECTS} objects"
            )
            skipped = True
            page.close()
            continue
        blocks = page_blocks(page, text, warnings)
        page.close()  # frees the page's parsed objects: memory stays per page
        if blocks and last is not None:
            join_across_pages(last, blocks[0])
        for block in blocks:
            rows.extend(block.rows)
        has_text |= bool(blocks)
        last = blocks[-1] if blocks else last
    if not has_text:
        # Nothing to read, and a title alone would let the builder guess a template.
        scanned = [] if skipped else ["scanned: no text layer"]
        return Layout(rows=[], warnings=[*scanned, *warnings])
    return Layout(rows=rows, titles=_pdf_titles(pdf), warnings=warnings)


@contextmanager
def _damaged_pdf() -> Iterator[None]:
    """Errors raised while pdfminer reads the file's bytes mean a damaged file: pdfminer
    raises whatever a broken object leads it to (KeyError, TypeError, zlib.error...), by
    design (pdfminer.six issue 551). They become a one-line ParseError; our bounds pass.
    Everything after a page's objects are parsed works on plain objects, so an error there
    is a bug and is not caught."""
    try:
        yield
    except (ParseError, _PageTooBusy):
        raise
    except Exception as error:
        cause = _cause(error)
        if isinstance(cause, ParseError):
            raise cause from error
        raise ParseError(f"damaged PDF: {one_line(cause)}") from error


def bound_pdfminer_streams() -> None:
    """pdfminer inflates FlateDecode streams with its module's `zlib`, and has no setting
    that bounds the output: that `zlib` is replaced by one that refuses beyond
    MAX_STREAM_BYTES. (A library internal: tests/test_pdf_library.py fails when it moves.)"""
    import pdfminer.pdftypes

    if not isinstance(pdfminer.pdftypes.zlib, BoundedZlib):
        pdfminer.pdftypes.zlib = BoundedZlib()


def _open_pdf(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF" not in data[:1024]:
        raise ParseError("damaged PDF: no %PDF header")
    bound_pdfminer_streams()
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


def _declared_pages(doc) -> int:
    """/Count of the page tree, read without walking it; a walk (capped) when it lies."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(doc.catalog["Pages"])["Count"])
        if isinstance(count, int) and count >= 0:
            return count
    except Exception:  # a broken page tree: count what pdfminer can find
        pass
    with _damaged_pdf():
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
    objects = PDFPage.create_pages(pdf.doc)  # a generator: pages are found as they are read
    for number in range(1, MAX_PAGES + 1):
        if time.monotonic() - started > PDF_TIME_BUDGET:
            warnings.append(f"time limit: pages from {number} on not read")
            return
        with _damaged_pdf():
            page_object = next(objects, None)
            if page_object is None:
                return
            page = page_class(pdf, page_object, page_number=number, initial_doctop=doctop)
        doctop += page.height
        yield page


def _parse_objects(page) -> None:
    """Interpret the page's content stream into its objects (chars, lines, rects), within
    the bounds; raises _PageTooBusy or a ParseError."""
    with _damaged_pdf():
        page.objects  # noqa: B018 - a cached property: the page is parsed here, once


class _PageTooBusy(Exception):
    """A page draws more objects than a report page does (a vector map, or a bomb)."""


@functools.cache
def _bounded_page_class():
    """pdfplumber's Page whose interpreter stops at MAX_PAGE_OBJECTS: a 5 KB PDF of repeated
    drawing operators otherwise takes minutes and gigabytes. pdfplumber has no setting for
    it, so its Page.layout is overridden (a library internal: tests/test_pdf_library.py fails
    when it moves). Built on first use: pdfplumber is imported late."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

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
        def layout(self):  # Page.layout, with the counting device
            if not hasattr(self, "_layout"):
                device = CountingDevice(
                    self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams
                )
                PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
                self._layout = device.get_result()
            return self._layout

    return BoundedPage


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
