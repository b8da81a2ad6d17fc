"""Provenance: what the archive records about one fetch, and where a report's bytes came from.

A `Fetch` is built once per HTTP exchange — by the crawl from the request and response it just
had, or by `nianbao build` from the WARC record alone — and gives both the `fetches` row and the
`WARC-Nianbao-*` headers written into the record. Everything the row holds is in the record
(WARC-Date, the HTTP headers, the annotations), so a database rebuilt from warc/ has the same
fetch rows as the crawl that wrote it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

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


@dataclass
class Fetch:
    """One archived HTTP response and what the crawl knew about it."""

    url: str
    status: int
    fetched_at: datetime
    headers: list[tuple[str, str]]  # the response's HTTP headers
    sha256: str
    length: int
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
    def of_body(cls, body: bytes, **fields) -> Fetch:
        return cls(sha256=hashlib.sha256(body).hexdigest(), length=len(body), **fields)

    @property
    def document_url(self) -> str:
        """The URL a report read from this response is cited by: its own, or for an answer
        to a POST (a script-rendered page's body, from one endpoint for every report) the page
        it fills."""
        return self.page_url if self.method == "POST" and self.page_url else self.url

    def annotations(self) -> dict[str, str]:
        """The WARC-Nianbao-<Name> headers of the response record (empty values left out)."""
        found = {name: getattr(self, field) for field, name in ANNOTATIONS.items()}
        found[BLOCKED_ANNOTATION] = "1" if self.blocked else None
        return {name: str(value) for name, value in found.items() if value}

    def row(self, warc_file: str, warc_offset: int, warc_length: int) -> dict:
        """The `fetches` row (database.md), pointing at the record at warc_file@warc_offset."""
        return {
            "url": self.url,
            "status": self.status,
            "fetched_at": iso_utc(self.fetched_at),
            "content_type": _header(self.headers, "Content-Type"),
            "sha256": self.sha256,
            "length": self.length,
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
    def from_record(cls, record: dict, payload: bytes) -> Fetch:
        """The Fetch a response record describes (archive.warc's description of it)."""
        notes = record["annotations"]  # lower-cased names
        fields = {field: notes.get(name.lower()) for field, name in ANNOTATIONS.items()}
        return cls.of_body(
            payload,
            url=record["url"],
            status=record["status"],
            fetched_at=parse_warc_date(record["date"]),
            headers=list(record["headers"].items()),
            blocked=notes.get(BLOCKED_ANNOTATION.lower()) == "1",
            **{**fields, "method": fields["method"] or "GET", "role": fields["role"] or "page"},
        )


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
