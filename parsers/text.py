"""The body text of a document, for full-text search: trafilatura for HTML, the readers' rows
for attachments. Stored raw beside the archive, keyed by the sha256 of the bytes."""

from __future__ import annotations

import trafilatura

from parsers.html import decode_html
from parsers.read import layout_from_bytes


def extract_text(data: bytes, fmt: str, name: str = "") -> tuple[str, str]:
    """(extractor, text) of a document's body."""
    if fmt == "html":
        html = decode_html(data)
        text = trafilatura.extract(
            html, include_tables=True, favor_recall=True, include_comments=False
        )
        if text:
            return f"trafilatura {trafilatura.__version__}", text
    layout, _ = layout_from_bytes(data, name, fmt)
    return "nianbao layout", "\n".join(t for t in layout.row_texts() if t)
