"""What the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportDocument:
    """A fetched document that holds a report: a detail page or its attachment."""

    url: str
    page_url: str | None
    title: str | None  # the link text in the column list
    body: bytes = field(repr=False)
    fetch_id: int | None
    portal: str | None
    content_type: str = ""


@dataclass
class ColumnPage:
    """A page of a 年报 column (or 专题) the spider read, and how many reports it listed."""

    portal: str | None
    column: str  # the column's first page: what the columns table remembers
    reports: int  # report links on this page
    title: str | None = None
    found_by: str | None = None  # registry, start-url, or "discovered from <url>"
    entry: str | None = None  # where the crawl started when it found the column
