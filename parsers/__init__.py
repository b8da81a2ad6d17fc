"""Parsers: a report's bytes (text, HTML, PDF, Word) → the report object."""

from parsers.limits import ParseError
from parsers.parse import parse_bytes, parse_path

__all__ = ["ParseError", "parse_bytes", "parse_path"]
