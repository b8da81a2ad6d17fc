"""Which format a document is, and which reader makes its Layout.

The format is told by the bytes first (a `.pdf` that is really an HTML error page is read as
HTML), then by the file name; READERS says which reader makes the Layout of each format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

from parsers.html import layout_from_html, layout_from_json_html
from parsers.image import layout_from_image
from parsers.layout import Layout, layout_from_text
from parsers.limits import ParseError, refuse_size
from parsers.office import layout_from_word
from parsers.pdf import layout_from_pdf
from parsers.sheets import layout_from_xls, layout_from_xlsx

_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|div|p|meta)[\s>/]", re.I)
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
# Names inside a spreadsheet's container: xlsx's workbook part, the OLE stream of an .xls
# (Workbook, or Book in Excel 5 files), stored as is (zip names, UTF-16 directory entries).
_XLSX_PART = b"xl/workbook.xml"
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
_WORD_STREAM = "WordDocument".encode("utf-16-le")


# Image attachments (scans published as pictures) by their magic bytes, then by name.
_IMAGE_MAGIC = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"II*\x00": "tif",
    b"MM\x00*": "tif",
}
_IMAGE_SUFFIXES = {".jpg": "jpg", ".jpeg": "jpg", ".png": "png", ".tif": "tif", ".tiff": "tif"}


def sniff_format(data: bytes, name: str = "") -> str:
    """One of html, txt, pdf, docx, doc, wps, xls, xlsx, json, jpg, png, tif — by content,
    then by name."""
    for magic, fmt in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return fmt
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if _XLSX_PART in data and b"word/document.xml" not in data else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if _WORD_STREAM in data:
            return "doc"
        spreadsheet = any(stream in data for stream in _XLS_STREAMS)
        return "xls" if spreadsheet or Path(name).suffix.lower() == ".xls" else "doc"
    if head.lstrip(b"\xef\xbb\xbf").startswith((b"{", b"[")) and _is_json(data):
        return "json"
    if _HTML_SNIFF.search(head):
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in (".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx"):
        return suffix[1:]
    return _IMAGE_SUFFIXES.get(suffix, "txt")


def _is_json(data: bytes) -> bool:
    try:
        json.loads(decode_text(data))
    except ValueError:
        return False
    return True


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f")
    return controls > len(sample) * 0.05 or sample.count("\ufffd") > len(sample) * 0.05


def _layout_from_plain_text(data: bytes) -> Layout:
    text = decode_text(data)
    if _looks_binary(text):
        raise ParseError("not text: binary content")
    return layout_from_text(text)


def _layout_from_html_bytes(data: bytes) -> Layout:
    try:
        return layout_from_html(data)
    except (ValueError, TypeError) as error:
        raise ParseError(f"unreadable HTML: {error}") from error


def _layout_from_json_bytes(data: bytes) -> Layout:
    try:
        return layout_from_json_html(data)
    except (ValueError, TypeError) as error:
        raise ParseError(f"unreadable answer: {error}") from error


# The reader of each format. The PDF, Word and image readers import their libraries when
# first called: a crawl of HTML pages never loads PDFium, python-docx or the OCR engine.
READERS: dict[str, Callable[[bytes], Layout]] = {
    "txt": _layout_from_plain_text,
    "html": _layout_from_html_bytes,
    "pdf": layout_from_pdf,
    "docx": partial(layout_from_word, fmt="docx"),
    "doc": partial(layout_from_word, fmt="doc"),
    "wps": partial(layout_from_word, fmt="wps"),
    "jpg": layout_from_image,
    "png": layout_from_image,
    "tif": layout_from_image,
    "xls": layout_from_xls,
    "xlsx": layout_from_xlsx,
    "json": _layout_from_json_bytes,
}


def layout_from_bytes(data: bytes, name: str = "", fmt: str | None = None) -> tuple[Layout, str]:
    """The Layout of a document and the format it was read as."""
    refuse_size(len(data))
    fmt = fmt or sniff_format(data, name)
    if not data.strip():
        raise ParseError("empty file")
    reader = READERS.get(fmt)
    if reader is None:
        raise ParseError(f"unsupported document format: {fmt}")
    return reader(data), fmt
