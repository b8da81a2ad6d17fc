"""The body text of a document, for full-text search: trafilatura for HTML, the readers' rows
for attachments. Stored raw beside the archive, keyed by the sha256 of the bytes."""

from __future__ import annotations

from typing import NamedTuple

import trafilatura
from lxml import etree

from parsers.html import decode_html
from parsers.layout import Layout
from parsers.parse import parse_with_layout
from parsers.report import is_report


class ReportWithText(NamedTuple):
    report: dict
    extractor: str
    text: str


def body_text(data: bytes, fmt: str, layout: Layout) -> tuple[str, str]:
    """(extractor, text) of a document's body; `layout` is what its reader made of it."""
    if fmt == "html":
        text = _html_text(data)
        if text:
            return f"trafilatura {trafilatura.__version__}", text
    extractor = "nianbao layout" + (f" + {layout.ocr['engine']}" if layout.ocr else "")
    return extractor, "\n".join(t for t in layout.row_texts() if t)


# Pages pasted from Word (TRS and most CMS editors) wrap every run of text in <span>, <font>
# and <o:p>: unwrapped first, the same text comes out of trafilatura (a TRS page: 21 ms, not 37).
INLINE_WRAPPERS = ("span", "font", "o:p")


def _html_text(data: bytes) -> str | None:
    tree = trafilatura.load_html(decode_html(data))
    if tree is None:
        return None
    etree.strip_tags(tree, *INLINE_WRAPPERS)
    # fast: no second opinion from readability/jusText. On every real and demo page we have,
    # the text came out the same with and without it, at 30 % less CPU, and this runs for
    # every report a crawl fetches.
    return trafilatura.extract(
        tree, include_tables=True, favor_recall=True, include_comments=False, fast=True
    )


def parse_report_and_text(
    data: bytes, source: str, fmt: str | None = None
) -> ReportWithText | None:
    """A fetched document → its report and body text, or None when it is not a 年报.

    Reads the document once (a PDF costs far more to read than to parse) and extracts text
    only for reports. Raises ParseError when the bytes cannot be read."""
    report, layout = parse_with_layout(data, source, fmt)
    if not is_report(report):
        return None
    extractor, text = body_text(data, report["format"], layout)
    return ReportWithText(report, extractor, text)
