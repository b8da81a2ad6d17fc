"""The page of an archived PDF where table 三 is printed, for the report page's link to it.

A reader checking a number opens the original at the page that prints it (`#page=N`, which
Chromium's and Firefox's viewers follow). The page is found by the words of the table's first
row, in the PDF's own text layer (pypdfium2, fast: tens of milliseconds for a report); a scan
without a text layer has no page to point at, and the link opens the first.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from archive.warc import open_response

# Table 三's first row, then its heading: what marks the page a reader wants.
MARKERS = ("本年新收", "收到和处理政府信息公开申请")
# An archived PDF is read from a temporary file past this size, not from memory.
IN_MEMORY = 8_000_000


def page_with(source: bytes | BinaryIO, markers: tuple[str, ...] = MARKERS) -> int | None:
    """1-based number of the first page whose text holds a marker (the first marker first).

    One pass, page by page, that ends at the first page with the first marker: a 300-page
    PDF whose table is on page 5 has five pages read."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(source)
    except pypdfium2.PdfiumError:
        return None
    first_page: dict[str, int] = {}
    try:
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            text = "".join(textpage.get_text_bounded().split())
            textpage.close()
            page.close()
            for marker in markers:
                if marker in text:
                    first_page.setdefault(marker, number)
            if markers[0] in first_page:
                break
    finally:
        document.close()
    return next((first_page[m] for m in markers if m in first_page), None)


@lru_cache(maxsize=512)
def archived_pdf_page(warc_dir: Path, warc_file: str, warc_offset: int) -> int | None:
    """The page of table 三 in the PDF archived at that WARC record (kept: the bytes never
    change). The record is copied out chunk by chunk, so a large PDF is never held whole."""
    _, chunks = open_response(warc_dir, warc_file, warc_offset)
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as copy:
        for chunk in chunks:
            copy.write(chunk)
        copy.seek(0)
        return page_with(copy)
