"""A PDF's compressed streams measured, within bounds, before PDFium reads the file.

PDFium inflates a page's content streams whole and in memory, with no limit of its own: a
1 MB file whose content stream inflates to 1 GB takes 2 GB and seconds to parse, and under a
memory limit PDFium aborts the process (no exception to catch). So every stream that PDFium
would inflate while reading text is inflated here first, in 1 MB steps that are thrown away,
and the file is refused when one expands beyond the limit.

The scan is of the raw bytes (no PDF parser): each `stream` keyword, the dictionary before
it, its filter chain. Images are not measured: PDFium decodes them only to render, into a
bitmap of the size asked. Not covered, left to the reader process's memory limit: streams of
an encrypted file (they inflate only once decrypted) and a content stream that calls itself
an image.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

from parsers.limits import (
    MAX_CONTENT_STREAM_BYTES,
    MAX_FONT_STREAM_BYTES,
    MAX_INFLATED_BYTES,
    MB,
    ParseError,
)

_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
# An embedded font file (TrueType /Length1, Type 1 /Length2, CFF and OpenType subtypes): a
# whole CJK font is 10-20 MB, more than any page's content.
_FONT = re.compile(rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b")
_DICT_REACH = 4096  # how far before `stream` its dictionary is looked for
STEP = 1 * MB

# Filters whose output can be far larger than their input. ASCII85 and ASCIIHex shrink
# (or grow 4:1 at most, bounded by the input size); they are undone first so that what
# follows them is measured.
_EXPANDING = {"FlateDecode", "Fl", "LZWDecode", "LZW", "RunLengthDecode", "RL"}
_TEXT_CODINGS = {"ASCII85Decode", "A85", "ASCIIHexDecode", "AHx"}


def check_streams(data: bytes) -> int:
    """The inflated size of the file's measured streams; a ParseError beyond the limits."""
    total = 0
    for head, body in _streams(data):
        filters = _filters(head)
        if not _EXPANDING.intersection(filters) or _IMAGE.search(head):
            continue
        limit = MAX_FONT_STREAM_BYTES if _FONT.search(head) else MAX_CONTENT_STREAM_BYTES
        size = _decoded_size(body, filters, limit)
        if size > limit:
            raise ParseError(f"refused: a PDF stream expands beyond {limit // MB} MB")
        total += size
        if total > MAX_INFLATED_BYTES:
            raise ParseError(f"refused: PDF streams expand beyond {MAX_INFLATED_BYTES // MB} MB")
    return total


def _streams(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(dictionary bytes, raw stream bytes) of each stream in the file."""
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - _DICT_REACH) : match.start()]
        start_of_object = head.rfind(b" obj")
        if start_of_object >= 0:
            head = head[start_of_object:]
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end >= 0 else len(data)]
        yield head, body.removesuffix(b"\n").removesuffix(b"\r")  # the EOL before endstream


def _filters(head: bytes) -> list[str]:
    found = _FILTER.search(head)
    if not found:
        return []
    return [name.decode("ascii") for name in _NAME.findall(found.group(1))]


def _decoded_size(raw: bytes, filters: list[str], limit: int) -> int:
    """How many bytes the filter chain makes of `raw`, counted up to just beyond `limit`."""
    data = raw
    for position, name in enumerate(filters):
        if name in _TEXT_CODINGS:
            data = _undo_text_coding(data, name)
            continue
        if name not in _EXPANDING:
            return 0  # DCT, JBIG2, Crypt...: not what PDFium inflates while reading text
        last = position == len(filters) - 1
        if last:
            return sum(len(chunk) for chunk in _bounded(_decode_steps(data, name), limit))
        # Not the last filter: its output is the next one's input, so it is kept (bounded).
        data = b"".join(_bounded(_decode_steps(data, name), limit))
        if len(data) > limit:
            return len(data)
    return len(data)


def _bounded(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        yield chunk
        if size > limit:
            return


def _decode_steps(data: bytes, name: str) -> Iterator[bytes]:
    if name in ("FlateDecode", "Fl"):
        return _inflate_steps(data)
    if name in ("LZWDecode", "LZW"):
        return _lzw_steps(data)
    return _run_length_steps(data)


def _inflate_steps(data: bytes) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    chunk = data
    try:
        while chunk and not inflater.eof:
            out = inflater.decompress(chunk, STEP)
            yield out
            chunk = inflater.unconsumed_tail
            if not out and not chunk:
                break
    except zlib.error:
        return  # damaged: PDFium will say so, or read what it can; nothing more to bound


def _lzw_steps(data: bytes) -> Iterator[bytes]:
    # pdfminer.six (installed with pdfplumber) has a streaming LZW decoder, as PDF defines it.
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    try:
        yield from LZWDecoder(BytesIO(data)).run()
    except Exception:  # damaged input: stop measuring, as for Flate
        return


def _run_length_steps(data: bytes) -> Iterator[bytes]:
    """RunLengthDecode's output, as sizes only: a 2-byte run is 128 bytes (64:1)."""
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:  # end of data
            return
        if length < 128:
            yield data[i + 1 : i + 2 + length]
            i += length + 2
        else:
            yield bytes(257 - length)
            i += 2


def _undo_text_coding(data: bytes, name: str) -> bytes:
    try:
        if name in ("ASCIIHexDecode", "AHx"):
            text = re.sub(rb"\s+", b"", data.split(b">", 1)[0])
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        text = re.sub(rb"\s+", b"", data.split(b"~>", 1)[0])
        return base64.a85decode(text.removeprefix(b"<~"))
    except (ValueError, binascii.Error):
        return b""
