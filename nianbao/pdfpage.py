"""The page of an archived PDF where table 三 is printed, for the report page's link to it.

A reader checking a number opens the original at the page that prints it (`#page=N`, which
Chromium's and Firefox's viewers follow). The page is found by the words of the table's first
row, in the PDF's own text layer (pypdfium2, fast: tens of milliseconds for a report); a scan
without a text layer has no page to point at, and the link opens the first.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from archive.warc import read_response

# Table 三's first row, then its heading: what marks the page a reader wants.
MARKERS = ("本年新收", "收到和处理政府信息公开申请")


def page_with(data: bytes, markers: tuple[str, ...] = MARKERS) -> int | None:
    """1-based number of the first page whose text holds a marker (the first marker first)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        texts = ["".join(page.get_textpage().get_text_bounded().split()) for page in document]
    finally:
        document.close()
    for marker in markers:
        for number, text in enumerate(texts, 1):
            if marker in text:
                return number
    return None


@lru_cache(maxsize=512)
def archived_pdf_page(warc_dir: str, warc_file: str, warc_offset: int) -> int | None:
    """The page of table 三 in the PDF archived at that WARC record (kept: the bytes never change)."""
    _, body = read_response(Path(warc_dir), warc_file, warc_offset)
    return page_with(body)
