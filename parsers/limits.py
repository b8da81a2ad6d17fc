"""Bounds on hostile input, and the error every reader raises.

A 年报 is a few MB of text and tables. A file far beyond that (a 1 MB PDF whose stream
inflates to gigabytes, a zip bomb named .docx, 100,000 pages, a page of 150,000 drawn lines)
is refused or cut short before it is parsed, and every failure is a one-line ParseError.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile


class ParseError(Exception):
    """The input cannot be read as a report; the message says why in one line."""


MB = 1024 * 1024
MAX_INPUT_BYTES = 100 * MB  # larger than any real 年报 by two orders; refused before reading

MAX_PAGES = 200
# What one compressed PDF stream may expand to (parsers.pdf_streams): a report page's content
# is 20-200 KB, an embedded CJK font 10-20 MB.
MAX_CONTENT_STREAM_BYTES = 16 * MB
MAX_FONT_STREAM_BYTES = 64 * MB
MAX_INFLATED_BYTES = 256 * MB  # all measured streams of one PDF together
MAX_PAGE_OBJECTS = 40_000  # characters, paths and images on one page (a text page: ~3,000)
MAX_GRID_POINTS = 5_000  # crossings of ruling lines searched for tables (a report's: ~500)
PDF_TIME_BUDGET = 20.0  # seconds of page reading before the rest of a PDF is skipped

MAX_UNZIPPED_BYTES = 200 * MB
MAX_XML_PART_BYTES = 60 * MB  # one XML part parsed as a tree: bounded so memory stays < 1 GB
MAX_ZIP_RATIO = 100
BIG_MEMBER_BYTES = 10 * MB  # members this large are held to MAX_ZIP_RATIO
MAX_ZIP_MEMBERS = 5000

CONVERT_TIMEOUT = 60  # seconds LibreOffice or antiword may take over one document

# OCR (parsers.scan): scanned pages and image attachments. A page costs 1-2.5 s of CPU and
# ~600 MB at its peak; these keep a hostile or enormous file to that.
OCR_DPI = 150  # pages are rendered at this resolution (scans are 150-300 dpi; 300 read no better)
MAX_RENDER_PIXELS = 12_000_000  # a page image (A4 at 300 dpi: 8.7 Mpx); larger pages scaled down
MAX_PAGE_IMAGE_PIXELS = 200_000_000  # what a PDF page's images may declare, before any decoding
MAX_DECODED_PIXELS = 50_000_000  # an image file decoded (A4 at 600 dpi: 35 Mpx)
OCR_DETECT_SIDE = 1200  # px: text is found on a copy this long (body text is large enough)
OCR_MAX_LINE_RATIO = 40  # a text line is read at most 40 heights wide (what is wider is squeezed)
OCR_MAX_LINES = 3000  # text lines read on one page (a table page: ~150)
# Per document, configurable: the environment reaches reader processes too.
OCR_PAGES_VARIABLE = "NIANBAO_OCR_PAGES"
OCR_MAX_PAGES = 30  # scanned pages read per document (a report: 5-15); 0 turns OCR off
OCR_SECONDS_VARIABLE = "NIANBAO_OCR_SECONDS"
# CPU seconds, not wall-clock: the same file gives the same report however loaded the
# machine; a worker that hangs is the reader pool's to stop.
OCR_TIME_BUDGET = 60.0


def ocr_page_limit() -> int:
    return _setting(OCR_PAGES_VARIABLE, OCR_MAX_PAGES, int)


def ocr_time_limit() -> float:
    return _setting(OCR_SECONDS_VARIABLE, OCR_TIME_BUDGET, float)


def _setting(variable: str, default, kind):
    text = os.environ.get(variable, "").strip()
    try:
        return max(kind(text), 0) if text else default
    except ValueError:
        return default


def refuse_size(size: int) -> None:
    if size > MAX_INPUT_BYTES:
        raise ParseError(f"refused: file is {size // MB} MB (limit {MAX_INPUT_BYTES // MB} MB)")


def one_line(error: BaseException) -> str:
    """A library's error message as one short line, for a ParseError."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The zip of a Word document, refused when it would expand beyond the limits; the sizes
    checked are the ones zipfile enforces when it reads, so they cannot lie."""
    entries = _zip_entry_count(data)
    if entries > MAX_ZIP_MEMBERS:
        raise ParseError(f"refused: zip holds {entries} files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ParseError(f"damaged Word document: {one_line(error)}") from error
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    bombs = [
        m
        for m in members
        if m.file_size > BIG_MEMBER_BYTES and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
    ]
    if total > MAX_UNZIPPED_BYTES or bombs:
        raise ParseError(f"refused: zip expands to {total // MB} MB")
    big_xml = [
        m for m in members if m.filename.endswith(".xml") and m.file_size > MAX_XML_PART_BYTES
    ]
    if big_xml:
        raise ParseError(
            f"refused: {big_xml[0].filename} expands to {big_xml[0].file_size // MB} MB"
        )
    return archive


def _zip_entry_count(data: bytes) -> int:
    """Entries the end-of-central-directory record declares, before zipfile lists them all."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    return struct.unpack_from("<H", data, end + 10)[0]
