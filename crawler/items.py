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
