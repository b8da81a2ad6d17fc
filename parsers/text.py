"""The body text of a document, for full-text search: trafilatura for HTML, the readers' rows
for attachments. Stored raw beside the archive, keyed by the sha256 of the bytes."""

from __future__ import annotations

from typing import NamedTuple

import trafilatura

from parsers.html import decode_html
from parsers.layout import Layout
from parsers.read import layout_from_bytes, read_bytes
from parsers.report import is_report


class ReadReport(NamedTuple):
    report: dict
    extractor: str
    text: str


def extract_text(data: bytes, fmt: str, name: str = "", layout: Layout | None = None):
    """(extractor, text) of a document's body; `layout` spares reading a document twice."""
    if fmt == "html":
        html = decode_html(data)
        text = trafilatura.extract(
            html, include_tables=True, favor_recall=True, include_comments=False
        )
        if text:
            return f"trafilatura {trafilatura.__version__}", text
    if layout is None:
        layout, _ = layout_from_bytes(data, name, fmt)
    return "nianbao layout", "\n".join(t for t in layout.row_texts() if t)


def read_report(data: bytes, source: str, fmt: str | None = None) -> ReadReport | None:
    """A fetched document → its report and body text, or None when it is not a 年报.

    Reads the document once (a PDF costs far more to read than to parse) and extracts text
    only for reports. Raises ParseError when the bytes cannot be read."""
    report, layout = read_bytes(data, source, fmt)
    if not is_report(report):
        return None
    extractor, text = extract_text(data, report["format"], source, layout)
    return ReadReport(report, extractor, text)
