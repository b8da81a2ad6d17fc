"""Entry points: a file or bytes → the parsed-report object."""

from __future__ import annotations

from pathlib import Path

from parsers.formats import layout_from_bytes
from parsers.layout import Layout
from parsers.limits import ParseError, refuse_size
from parsers.report import build_report


def parse_with_layout(data: bytes, source: str, fmt: str | None = None) -> tuple[dict, Layout]:
    """The parsed report and the Layout it was parsed from (for the body text)."""
    layout, fmt = layout_from_bytes(data, source, fmt)
    report = build_report(layout, source)
    report["format"] = fmt
    return report, layout


def parse_bytes(data: bytes, source: str, fmt: str | None = None) -> dict:
    return parse_with_layout(data, source, fmt)[0]


def parse_path(path: str | Path) -> dict:
    path = Path(path)
    try:
        refuse_size(path.stat().st_size)
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(error.strerror or str(error)) from error
    return parse_bytes(data, str(path))
