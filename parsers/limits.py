"""Bounds on hostile input, and the error every reader raises.

A 年报 is a few MB of text and tables. A file far beyond that (a 1 MB PDF whose stream
inflates to gigabytes, a zip bomb named .docx, 100,000 pages, a page of 150,000 drawn lines)
is refused or cut short before it is parsed, and every failure is a one-line ParseError.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


class ParseError(Exception):
    """The input cannot be read as a report; the message says why in one line."""


MB = 1024 * 1024
MAX_INPUT_BYTES = 100 * MB  # larger than any real 年报 by two orders; refused before reading

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

CONVERT_TIMEOUT = 60  # seconds LibreOffice or antiword may take over one document


def refuse_size(size: int) -> None:
    if size > MAX_INPUT_BYTES:
        raise ParseError(f"refused: file is {size // MB} MB (limit {MAX_INPUT_BYTES // MB} MB)")


def one_line(error: BaseException) -> str:
    """A library's error message as one short line, for a ParseError."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


class BoundedZlib:
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
