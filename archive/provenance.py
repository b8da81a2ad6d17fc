"""Provenance: what the archive records about one fetch, and where a report's bytes came from.

A `Fetch` is built once per HTTP exchange — by the crawl from the request and response it just
had, or by `nianbao build` from the WARC record alone — and gives both the `fetches` row and the
`WARC-Nianbao-*` headers written into the record. Everything the row holds is in the record
(WARC-Date, WARC-Record-ID, the HTTP headers, the annotations), so a database rebuilt from warc/
has the same fetch rows as the crawl that wrote it.

`sha256` and `length` are those of the document: the payload with its Content-Encoding undone,
the bytes the parsers read and the archived copy serves. For the payload as received (gzip and
all) the record carries its own WARC-Payload-Digest, in the row as `payload_digest`. A revisit
(`refers_to` set) has no payload of its own: its sha256, length and payload digest are those of
the record it refers to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from archive.payload import PayloadDecodeError, decodable, decoded, digests

ANNOTATION_PREFIX = "WARC-Nianbao-"
# Fetch field → annotation name (WARC-Nianbao-<Name>) carried by its response record.
ANNOTATIONS = {
    "portal": "Portal",
    "role": "Role",
    "page_url": "Page",
    "province": "Province",
    "level": "Level",
    "method": "Method",
    "referer": "Referer",
    "note": "Note",
}
BLOCKED_ANNOTATION = "Blocked"
# A revisit record has no payload: the document's digest and length ride along with it.
REVISIT_ANNOTATIONS = {"sha256": "Sha256", "length": "Length"}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso_utc(moment: datetime) -> str:
    """The one timestamp format of the database: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def warc_date(moment: datetime) -> str:
    """The same moment as a WARC-Date (2026-12-02T05:10:40Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_warc_date(value: str) -> datetime:
    """A WARC-Date (with or without fractions of a second) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None) or None


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class Fetch:
    """One archived HTTP response and what the crawl knew about it."""

    url: str
    status: int
    fetched_at: datetime
    headers: list[tuple[str, str]]  # the response's HTTP headers
    sha256: str  # of the document (Content-Encoding undone)
    length: int | None
    payload_digest: str  # WARC-Payload-Digest: of the payload as received
    record_id: str
    refers_to: str | None = None  # a revisit: the record holding the payload
    method: str = "GET"
    referer: str | None = None
    portal: str | None = None
    role: str = "page"  # "document" when the spider fetched it as a possible report
    page_url: str | None = None  # the column entry that led to a document
    province: str | None = None
    level: str | None = None
    blocked: bool = False
    note: str | None = None

    @classmethod
    def received(
        cls, payload: bytes, record_id: str | None = None, limit: int = 0, **fields
    ) -> tuple[Fetch, bytes]:
        """The Fetch of a payload as received, and the document it carries (decoded).

        A payload that cannot be decoded (an unknown coding, damaged, beyond `limit` bytes)
        is its own document, with a note saying so."""
        encoding = _header(fields["headers"], "Content-Encoding")
        try:
            document = decoded(payload, encoding, limit)
            problem = None if decodable(encoding) else f"Content-Encoding {encoding} not decoded"
        except PayloadDecodeError as error:
            document, problem = payload, f"Content-Encoding {encoding} not decoded: {error}"
        if problem:
            fields["note"] = "; ".join(filter(None, [fields.get("note"), problem]))
        sha256, payload_digest = digests(payload, document)
        fetch = cls(
            sha256=sha256,
            length=len(document),
            payload_digest=payload_digest,
            record_id=record_id or new_record_id(),
            **fields,
        )
        return fetch, document

    def revisiting(self, original: dict) -> Fetch:
        """This fetch as a revisit of the record of `original`: the fetches row of a record
        that holds a payload (archive.fetches)."""
        return replace(
            self,
            refers_to=original["record_id"],
            sha256=original["sha256"],
            length=original["length"],
            payload_digest=original["payload_digest"],
        )

    @property
    def document_url(self) -> str:
        """The URL a report read from this response is cited by: its own, or for an answer
        to a POST (a script-rendered page's body, from one endpoint for every report) the page
        it fills."""
        return self.page_url if self.method == "POST" and self.page_url else self.url

    def annotations(self) -> dict[str, str]:
        """The WARC-Nianbao-<Name> headers of the record (empty values left out)."""
        found = {name: getattr(self, field) for field, name in ANNOTATIONS.items()}
        found[BLOCKED_ANNOTATION] = "1" if self.blocked else None
        if self.refers_to:
            found.update({name: getattr(self, f) for f, name in REVISIT_ANNOTATIONS.items()})
        return {
            name: str(value) for name, value in found.items() if value is not None and value != ""
        }

    def row(self, warc_file: str, warc_offset: int, warc_length: int) -> dict:
        """The `fetches` row (database.md), pointing at the record at warc_file@warc_offset."""
        return {
            "url": self.url,
            "status": self.status,
            "fetched_at": iso_utc(self.fetched_at),
            "content_type": _header(self.headers, "Content-Type"),
            "content_encoding": _header(self.headers, "Content-Encoding"),
            "location": _header(self.headers, "Location") if 300 <= self.status < 400 else None,
            "sha256": self.sha256,
            "length": self.length,
            "payload_digest": self.payload_digest,
            "record_id": self.record_id,
            "refers_to": self.refers_to,
            "warc_file": warc_file,
            "warc_offset": warc_offset,
            "warc_length": warc_length,
            "portal": self.portal,
            "referer": self.referer,
            "method": self.method,
            "etag": _header(self.headers, "ETag"),
            "last_modified": _header(self.headers, "Last-Modified"),
            "blocked": int(self.blocked),
            "note": self.note,
        }

    @classmethod
    def from_record(cls, record: dict, payload: bytes, limit: int = 0) -> tuple[Fetch, bytes]:
        """The Fetch a response or revisit record describes (archive.warc's description of
        it, and its payload as stored), and the document it carries (b"" for a revisit)."""
        notes = record["annotations"]  # lower-cased names
        fields = {field: notes.get(name.lower()) for field, name in ANNOTATIONS.items()}
        note = fields.pop("note")
        fields = {
            **fields,
            "url": record["url"],
            "status": record["status"],
            "fetched_at": parse_warc_date(record["date"]),
            "headers": record["headers"],
            "blocked": notes.get(BLOCKED_ANNOTATION.lower()) == "1",
            "method": fields["method"] or "GET",
            "role": fields["role"] or "page",
        }
        if record["type"] == "revisit":
            fetch = cls(
                note=note,
                sha256=notes.get("sha256"),
                # unknown (null), not 0, in a revisit written without the annotation
                length=int(notes["length"]) if notes.get("length") else None,
                payload_digest=record["payload_digest"],
                record_id=record["record_id"],
                refers_to=record["refers_to"],
                **fields,
            )
            return fetch, b""
        # The crawl's note already says what decoding found: not said twice.
        fetch, document = cls.received(payload, record["record_id"], limit, **fields, note=None)
        fetch.note = note or fetch.note
        return fetch, document


@dataclass
class Provenance:
    """Where a report's bytes came from: the fetch that archived them, and its portal."""

    url: str
    page_url: str | None
    sha256: str
    fetched_at: str
    fetch_id: int | None = None
    portal: str | None = None
    province: str | None = None
    level: str | None = None
