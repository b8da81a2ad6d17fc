"""HTTP payloads: archived as the server sent them, decoded only to be read.

A WARC response record holds the payload with its Content-Encoding (gzip, deflate, br,
zstd) as it came over the wire. Everything that reads the document — the parsers, the
`sha256` of the database, the archived copy Datasette serves — reads it decoded, through
`PayloadDecoder`, bounded so that a small compressed payload cannot expand without limit.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024


class PayloadDecodeError(ValueError):
    """A payload that does not decode as its Content-Encoding says, or decodes too large."""


def content_codings(content_encoding: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order the server applied them."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    return [c for c in codings if c and c != "identity"]


class _Zlib:
    """gzip (x-gzip) and deflate, with or without its zlib wrapper (servers send both)."""

    def __init__(self, coding: str):
        self.coding = coding
        self.inflater = None
        self.pending = b""

    def _start(self, data: bytes):
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inflater is None:
            self.pending += data
            if len(self.pending) < 2:
                return
            data, self.pending = self.pending, b""
            self.inflater = self._start(data)
        while data:
            yield self.inflater.decompress(data, CHUNK)
            data = self.inflater.unconsumed_tail
            if self.inflater.eof and self.inflater.unused_data.strip(b"\0"):
                # concatenated gzip members, as gzip(1) writes them
                data = self.inflater.unused_data
                self.inflater = self._start(data)

    def finish(self) -> Iterator[bytes]:
        if self.pending:
            yield from self.feed(b"")
        if self.inflater is not None:
            yield self.inflater.flush()
            if not self.inflater.eof and self.coding != "deflate":
                raise PayloadDecodeError(f"{self.coding} payload ends early")


class _Brotli:
    def __init__(self, coding: str):
        import brotli  # a Scrapy dependency: Scrapy asks servers for br

        self.decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        chunk = self.decompressor.process(data, output_buffer_limit=CHUNK)
        while chunk:  # output held back by the limit comes out on empty input
            yield chunk
            if self.decompressor.is_finished():
                return
            chunk = self.decompressor.process(b"", output_buffer_limit=CHUNK)

    def finish(self) -> Iterator[bytes]:
        if not self.decompressor.is_finished():
            raise PayloadDecodeError("br payload ends early")
        return iter(())


class _Zstd:
    def __init__(self, coding: str):
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd  # a Scrapy dependency: Scrapy asks servers for zstd

        self.decompressor = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.decompressor.eof:
            return
        yield self.decompressor.decompress(data, CHUNK)
        while not self.decompressor.eof and not self.decompressor.needs_input:
            yield self.decompressor.decompress(b"", CHUNK)

    def finish(self) -> Iterator[bytes]:
        if not self.decompressor.eof:
            raise PayloadDecodeError("zstd payload ends early")
        return iter(())


_DECODERS = {"gzip": _Zlib, "x-gzip": _Zlib, "deflate": _Zlib, "br": _Brotli, "zstd": _Zstd}


def decodable(content_encoding: str | None) -> bool:
    return all(coding in _DECODERS for coding in content_codings(content_encoding))


class PayloadDecoder:
    """Undoes a Content-Encoding chunk by chunk; raises PayloadDecodeError past `limit` bytes
    (0: no limit) or on a damaged payload. Codings it does not know pass through unchanged
    (`decodable` tells)."""

    def __init__(self, content_encoding: str | None, limit: int = 0):
        codings = [c for c in content_codings(content_encoding) if c in _DECODERS]
        if len(codings) != len(content_codings(content_encoding)):
            codings = []  # a coding we cannot undo: nothing is undone
        # the last coding applied is the first to undo
        self.stages = [_DECODERS[c](c) for c in reversed(codings)]
        self.limit = limit
        self.size = 0

    def decode(self, chunk: bytes) -> bytes:
        return self._collect(self._through(0, [chunk]))

    def finish(self) -> bytes:
        return self._collect(self._finish(0))

    def _through(self, stage: int, chunks: Iterable[bytes]) -> Iterator[bytes]:
        if stage == len(self.stages):
            yield from chunks
            return
        decoder = self.stages[stage]
        for chunk in chunks:
            yield from self._through(stage + 1, _guarded(decoder.feed(chunk)))

    def _finish(self, stage: int) -> Iterator[bytes]:
        if stage == len(self.stages):
            return
        yield from self._through(stage + 1, _guarded(self.stages[stage].finish()))
        yield from self._finish(stage + 1)

    def _collect(self, chunks: Iterator[bytes]) -> bytes:
        """The output, counted as it comes: a bomb stops at the limit, not in memory."""
        out = []
        for chunk in chunks:
            self.size += len(chunk)
            if self.limit and self.size > self.limit:
                raise PayloadDecodeError(f"payload expands beyond {self.limit} bytes")
            out.append(chunk)
        return b"".join(out)


def _guarded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A decompressor's own errors (zlib.error, brotli.error, ZstdError) as one kind."""
    try:
        yield from chunks
    except PayloadDecodeError:
        raise
    except Exception as error:
        raise PayloadDecodeError(f"damaged payload: {error}") from error


def decoded(payload: bytes, content_encoding: str | None, limit: int = 0) -> bytes:
    """The document a payload carries (Content-Encoding undone): the payload itself when it
    has no coding to undo."""
    if not content_codings(content_encoding):
        return payload
    decoder = PayloadDecoder(content_encoding, limit)
    return decoder.decode(payload) + decoder.finish()


def warc_digest(data: bytes) -> str:
    """A WARC-Payload-Digest: sha256 in base32, as `warcio check` verifies it."""
    return as_warc_digest(hashlib.sha256(data).digest())


def as_warc_digest(sha256: bytes) -> str:
    return "sha256:" + base64.b32encode(sha256).decode("ascii")


def digests(payload: bytes, document: bytes) -> tuple[str, str]:
    """(sha256 hex of the document, WARC digest of the payload): one pass when they are the
    same bytes, as they are unless the server compressed the payload."""
    payload_sha = hashlib.sha256(payload).digest()
    document_sha = payload_sha if document is payload else hashlib.sha256(document).digest()
    return document_sha.hex(), as_warc_digest(payload_sha)
