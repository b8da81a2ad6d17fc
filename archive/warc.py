"""WARC 1.1 files with warcio: one request and one response record per fetch.

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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.provenance import ANNOTATION_PREFIX, warc_date

DEFAULT_MAX_BYTES = 1024**3
OPEN_SUFFIX = ".open"
# Headers that describe the transfer, not the payload we store (bodies are stored decoded).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


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
    ) -> WarcLocation:
        """Archive one exchange; returns where its response record starts.

        `annotations` become `WARC-Nianbao-<Name>` headers of the response record (portal,
        role, page…: archive.provenance), so a database can be rebuilt from the WARC files
        alone; `date`, when the fetch happened, is both records' WARC-Date.
        """
        dated = {"WARC-Date": warc_date(date)} if date else {}
        if self._writer is None or self._file.tell() >= self.max_bytes:
            self._open()
        kept = [(k, v) for k, v in headers if k.lower() not in _TRANSFER_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http_headers,
            length=len(body),
            warc_headers_dict=dated,
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
    """HOST-PID of this process, as WARC file names (and a distributed worker's database) carry it."""
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

    Files of a live process on this host are left alone. Returns the names recovered.
    """
    recovered = []
    host = short_host()
    for path in sorted(Path(directory).glob("*.warc.gz" + OPEN_SUFFIX)):
        # writer_tag, not a split on "-": host names such as ip-10-0-0-7 hold dashes too
        writer_host, _, pid = (writer_tag(path.name) or "").rpartition("-")
        if (
            writer_host == host
            and pid.isdigit()
            and int(pid) != os.getpid()
            and _pid_alive(int(pid))
        ):
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
    return {
        "url": record.rec_headers.get_header("WARC-Target-URI"),
        "date": record.rec_headers.get_header("WARC-Date"),
        "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
        "status": int(http.get_statuscode()) if http else None,
        "headers": dict(http.headers) if http else {},
        "annotations": {
            name[len(ANNOTATION_PREFIX) :].lower(): value
            for name, value in record.rec_headers.headers
            if name.startswith(ANNOTATION_PREFIX)
        },
    }


def _path(directory: Path, file: str) -> Path:
    path = Path(directory) / file
    if not path.exists() and path.with_name(file + OPEN_SUFFIX).exists():
        return path.with_name(file + OPEN_SUFFIX)  # still being written
    return path


def read_response(directory: Path, file: str, offset: int) -> tuple[dict, bytes]:
    """The description and payload of the response record at `offset` of a WARC file."""
    with open(_path(directory, file), "rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                raise ValueError(f"{file}@{offset}: a {record.rec_type} record, not a response")
            return _describe(record), record.content_stream().read()
    raise ValueError(f"{file}@{offset}: no record there")


def iter_responses(directory: Path):
    """(file, offset, length, description, payload) of every response record, file by file."""
    for path in sorted(Path(directory).glob("*.warc.gz")):
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle)
            for record in iterator:
                if record.rec_type != "response":
                    continue
                payload = record.content_stream().read()
                iterator.read_to_end(record)
                yield (
                    path.name,
                    iterator.get_record_offset(),
                    iterator.get_record_length(),
                    _describe(record),
                    payload,
                )
