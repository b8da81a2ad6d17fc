"""Parsers: a report's bytes (text, HTML, and through parsers.documents PDF/DOCX) → report object."""

from parsers.read import ParseError, parse_bytes, parse_path

__all__ = ["ParseError", "parse_bytes", "parse_path"]
