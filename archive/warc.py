"""WARC 1.1 files with warcio: one request and one response (or revisit) record per fetch.

A response record holds the HTTP response as received: status line, headers and payload, the
payload still in its Content-Encoding (gzip…). Only the transfer coding is undone (Scrapy's
download handler de-chunks), so `Transfer-Encoding` is dropped and `Content-Length` gives the
stored length. A re-fetch whose payload the archive already holds is a `revisit` record
(the HTTP headers, no payload) pointing at the record that holds it: `identical-payload-digest`
for a 200 with the same payload, `server-not-modified` for a 304.

Each record is its own gzip member, flushed before its offset is handed out, so a crash at
any moment leaves every record that was reported as written readable. A file being written
is named `*.warc.gz.open`; it gets its final name when closed, or, after a crash, when the
next archive opened on the directory cuts its unfinished last record (`recover`). Files
rotate at a size limit; names carry the host and process id so several crawler processes
can write into one directory.
"""

from __future__ import annotations

import io
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.payload import CHUNK, PayloadDecoder, warc_digest
from archive.provenance import ANNOTATION_PREFIX, warc_date

DEFAULT_MAX_BYTES = 1024**3
OPEN_SUFFIX = ".open"
# Headers of the transfer, not of the payload we store: Scrapy hands the body de-chunked.
_TRANSFER_HEADERS = {"transfer-encoding", "content-length"}
REVISIT_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True)
class Revisit:
    """The record a revisit refers to: the one that holds the payload."""

    record_id: str
    url: str
    date: datetime  # its WARC-Date
    payload_digest: str
    profile: str = REVISIT_IDENTICAL


@dataclass(frozen=True)
class WarcLocation:
    file: str  # name relative to the WARC directory
    offset: int  # of the response record
    length: int


class WarcArchive:
    """Appends fetches to rotating WARC files under `directory`."""

    def __init__(
        self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES, prefix: str = "nianbao"
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.prefix = prefix
        self._serial = 0
        self._file: io.BufferedWriter | None = None
        self._name = ""
        self._writer: WARCWriter | None = None

    def _open(self) -> None:
        self.close()
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        while True:
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{process_tag()}-{self._serial:05d}.warc.gz"
            if not (self.directory / name).exists():
                break
        self._name = name
        self._file = open(self.directory / (name + OPEN_SUFFIX), "ab")  # noqa: SIM115
        self._writer = WARCWriter(self._file, gzip=True, warc_version="WARC/1.1")
        self._write_warcinfo()

    def _write_warcinfo(self) -> None:
        info = {"software": "nianbao (warcio)", "format": "WARC File Format 1.1", "robots": "obey"}
        record = self._writer.create_warcinfo_record(self._name, info)
        self._writer.write_record(record)
        self._sync()

    def _sync(self) -> None:
        # flush() is enough for a killed process: the bytes are in the OS. fsync, for power
        # loss, is paid on rotation and close only.
        self._file.flush()

    def write(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_method: str = "GET",
        request_headers: list[tuple[str, str]] | None = None,
        request_body: bytes = b"",
        annotations: dict[str, str] | None = None,
        date: datetime | None = None,
        record_id: str | None = None,
        revisit: Revisit | None = None,
        payload_digest: str | None = None,
    ) -> WarcLocation:
        """Archive one exchange; returns where its response (or revisit) record starts.

        `body` is the payload as received (Content-Encoding kept). `annotations` become
        `WARC-Nianbao-<Name>` headers of the record (portal, role, page…: archive.provenance),
        so a database can be rebuilt from the WARC files alone; `date`, when the fetch
        happened, is both records' WARC-Date. With `revisit`, the payload is not stored again:
        the record refers to the one holding it. `payload_digest`: the WARC-Payload-Digest of
        `body` when the caller has it already (archive.payload.digests), not computed again.
        """
        dated = {"WARC-Date": warc_date(date)} if date else {}
        fields = {**dated, **({"WARC-Record-ID": record_id} if record_id else {})}
        if self._writer is None or self._file.tell() >= self.max_bytes:
            self._open()
        kept = [(k, v) for k, v in headers if k.lower() not in _TRANSFER_HEADERS]
        if revisit is None:
            kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        if revisit is None:
            response = self._writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http_headers,
                length=len(body),
                warc_headers_dict={
                    **fields,
                    "WARC-Payload-Digest": payload_digest or warc_digest(body),
                },
            )
        else:
            response = self._writer.create_warc_record(
                url,
                "revisit",
                http_headers=http_headers,
                warc_headers_dict={
                    **fields,
                    "WARC-Profile": revisit.profile,
                    "WARC-Refers-To": revisit.record_id,
                    "WARC-Refers-To-Target-URI": revisit.url,
                    "WARC-Refers-To-Date": warc_date(revisit.date),
                    "WARC-Payload-Digest": revisit.payload_digest,
                },
            )
        for name, value in (annotations or {}).items():
            if value:
                response.rec_headers.add_header(ANNOTATION_PREFIX + name, value)
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        request_line = f"{request_method} /{path} HTTP/1.1"
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            http_headers=StatusAndHeaders(
                request_line, request_headers or [], is_http_request=True
            ),
            length=len(request_body),
            warc_headers_dict=dated,
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self._file.tell()
        self._writer.write_record(response)
        length = self._file.tell() - offset
        self._writer.write_record(request)
        self._sync()
        return WarcLocation(self._name, offset, length)

    def write_metadata(
        self, url: str, kind: str, content: bytes, date: datetime | None = None
    ) -> None:
        """Archive what the crawl concluded about `url` (not something the server sent): a
        `metadata` record of `kind` (WARC-Nianbao-Kind), its JSON `content`, so a database
        rebuilt from the WARC files alone knows it too."""
        if self._writer is None or self._file.tell() >= self.max_bytes:
            self._open()
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(content),
            length=len(content),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": warc_date(date)} if date else {},
        )
        record.rec_headers.add_header(ANNOTATION_PREFIX + "Kind", kind)
        self._writer.write_record(record)
        self._sync()

    def close(self) -> None:
        if self._file is not None:
            self._sync()
            os.fsync(self._file.fileno())
            self._file.close()
            open_path = self.directory / (self._name + OPEN_SUFFIX)
            open_path.rename(self.directory / self._name)
        self._file = None
        self._writer = None


def short_host() -> str:
    return socket.gethostname().split(".")[0] or "host"


def process_tag() -> str:
    """HOST-PID of this process, as WARC file names (and a distributed worker's database)
    carry it."""
    return f"{short_host()}-{os.getpid()}"


def writer_tag(name: str) -> str | None:
    """The HOST-PID of the process that wrote the WARC file `name` (PREFIX-STAMP-HOST-PID-N…)."""
    parts = name.split(".warc.gz")[0].split("-")
    return "-".join(parts[2:-1]) if len(parts) >= 5 else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(directory: Path) -> list[str]:
    """Close the files of crashed writers: cut an unfinished last record, give the final name.

    Only files this host wrote, of processes no longer alive: whether another host's writer
    is alive cannot be told from here (a directory shared over the network, or copied while
    a crawl ran), so its open files are left as they are and read up to their last whole
    record (iter_records). Returns the names recovered.
    """
    recovered = []
    host = short_host()
    for path in sorted(Path(directory).glob("*.warc.gz" + OPEN_SUFFIX)):
        # writer_tag, not a split on "-": host names such as ip-10-0-0-7 hold dashes too
        writer_host, _, pid = (writer_tag(path.name) or "").rpartition("-")
        if writer_host != host or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        try:
            end = _complete_length(path)
            with open(path, "r+b") as handle:
                handle.truncate(end)
            path.rename(path.with_name(path.name[: -len(OPEN_SUFFIX)]))
        except FileNotFoundError:
            continue  # another process starting on this directory recovered it first
        recovered.append(path.name)
    return recovered


def _complete_length(path: Path) -> int:
    """Bytes up to the end of the last record that reads back whole."""
    end = 0
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                iterator.read_to_end(record)
                end = iterator.get_record_offset() + iterator.get_record_length()
        except Exception:  # the unfinished record: everything before it stands
            pass
    return end


def _describe(record) -> dict:
    http = record.http_headers
    warc = record.rec_headers
    return {
        "type": record.rec_type,
        "url": warc.get_header("WARC-Target-URI"),
        "date": warc.get_header("WARC-Date"),
        "record_id": warc.get_header("WARC-Record-ID"),
        "payload_digest": warc.get_header("WARC-Payload-Digest"),
        "refers_to": warc.get_header("WARC-Refers-To"),
        "status": int(http.get_statuscode()) if http else None,
        "headers": list(http.headers) if http else [],
        "annotations": {
            name[len(ANNOTATION_PREFIX) :].lower(): value
            for name, value in warc.headers
            if name.startswith(ANNOTATION_PREFIX)
        },
    }


def content_encoding(info: dict) -> str | None:
    """The Content-Encoding a record's payload is stored in."""
    return next((v for k, v in info["headers"] if k.lower() == "content-encoding"), None)


def _path(directory: Path, file: str) -> Path:
    path = Path(directory) / file
    if not path.exists() and path.with_name(file + OPEN_SUFFIX).exists():
        return path.with_name(file + OPEN_SUFFIX)  # still being written
    return path


def _record_at(handle, file: str, offset: int):
    handle.seek(offset)
    for record in ArchiveIterator(handle):
        if record.rec_type not in ("response", "revisit"):
            raise ValueError(f"{file}@{offset}: a {record.rec_type} record, not a response")
        return record
    raise ValueError(f"{file}@{offset}: no record there")


def read_response(directory: Path, file: str, offset: int) -> tuple[dict, bytes]:
    """The description and payload, decoded, of the response record at `offset` of a WARC
    file (a revisit record has no payload: b"")."""
    info, chunks = open_response(directory, file, offset)
    return info, b"".join(chunks)


def open_response(
    directory: Path, file: str, offset: int, chunk: int = CHUNK
) -> tuple[dict, Iterator[bytes]]:
    """(description, iterator of decoded payload chunks) of the record at `offset`, read
    lazily, so a large document is never held whole; the iterator closes the file."""
    handle = open(_path(directory, file), "rb")  # noqa: SIM115 - closed by the iterator
    try:
        record = _record_at(handle, file, offset)
    except BaseException:
        handle.close()
        raise
    info = _describe(record)

    def chunks() -> Iterator[bytes]:
        try:
            decoder = PayloadDecoder(content_encoding(info))
            while piece := record.raw_stream.read(chunk):
                yield decoder.decode(piece)
            yield decoder.finish()
        finally:
            handle.close()

    return info, chunks()


def warc_files(directory: Path) -> list[Path]:
    """Closed WARC files and files still open, in name order (an open file sorts as closed)."""
    paths = Path(directory).glob("*.warc.gz*")
    found = [p for p in paths if p.name.endswith((".warc.gz", ".warc.gz" + OPEN_SUFFIX))]
    return sorted(found, key=lambda p: p.name.removesuffix(OPEN_SUFFIX))


def iter_records(
    directory: Path, metadata: bool = False
) -> Iterator[tuple[str, int, int, dict, bytes]]:
    """(file, offset, length, description, payload as stored) of every response and revisit
    record — and, with `metadata`, of our metadata records (write_metadata) — file by file,
    in the order written. A file still open (another host's writer, alive or not) is read up
    to its last whole record and named as it will be once closed."""
    types = ("response", "revisit", "metadata") if metadata else ("response", "revisit")
    for path in warc_files(directory):
        still_open = path.name.endswith(OPEN_SUFFIX)
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle)
            try:
                for record in iterator:
                    if record.rec_type not in types:
                        continue
                    payload = record.raw_stream.read()
                    iterator.read_to_end(record)
                    yield (
                        path.name.removesuffix(OPEN_SUFFIX),
                        iterator.get_record_offset(),
                        iterator.get_record_length(),
                        _describe(record),
                        payload,
                    )
            except Exception:
                if not still_open:
                    raise
                # the record being written when the file was copied or its writer died
