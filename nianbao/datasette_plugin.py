"""Datasette plugin: Chinese search, every report one click from its archived original, and
the pages a journalist reads (templates in nianbao/templates/).

- `escape_fts` is replaced so that Datasette's own search box queries the bigram index of
  archive.search (two-character words such as 复议 work).
- `/-/archive/<fetch_id>` serves the archived document of a fetch from its WARC record (a
  revisit's from the record it refers to), `/-/archive/sha256/<hex>` the document with that
  digest. A payload the portal sent compressed (gzip…) is served decoded: the bytes whose
  sha256 the database gives. It is streamed, read in a thread, so a 200 MB attachment holds
  up no other request. Scraped HTML is served under a sandboxing Content-Security-Policy: it
  is shown, never run in this site's origin.
- In `reports`, `sha256` renders as a link to the archived copy of those bytes; a source URL
  in `reports` and `figures` is shown short; a `figures` title opens the report's page.
- Facets of the big per-report tables read the counts the database keeps (nianbao.facets).
- `asgi_wrapper`: pages are kept in memory until the database changes (nianbao.pagecache).
- `extra_template_vars` gives the templates what they show beyond a row's columns: a report
  laid out as the national form (nianbao.reportpage), an agency's years and chart
  (nianbao.agencypage), the tables a newcomer starts from (metadata: plugins.nianbao).
"""

from __future__ import annotations

import asyncio
import sqlite3
import string
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from archive.search import fts_query
from archive.warc import open_response
from nianbao.agencypage import agency_page
from nianbao.archived import archived_record
from nianbao.facets import CountedFacet
from nianbao.pagecache import PageCache
from nianbao.reportpage import report_page

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Request

SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which defines escape_fts
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts_query)


@hookimpl
def extra_template_vars(
    template: str,
    database: str | None,
    table: str | None,
    view_name: str,
    request: Request | None,
    datasette: Datasette,
) -> Callable:
    async def page_data() -> dict:
        if view_name == "row" and table in ROW_PAGES:
            try:
                key = int(request.url_vars["pks"])
            except (KeyError, ValueError):
                return {}
            return {"page": await ROW_PAGES[table](datasette.get_database(database), key)}
        if view_name in ("index", "database"):
            return {"start_here": start_here(datasette)}
        return {}

    return page_data


ROW_PAGES = {"reports": report_page, "agencies": agency_page}


def start_here(datasette: Datasette) -> dict[str, dict[str, str]]:
    """Database → the tables a newcomer starts from, each with a line on what it is for
    (metadata.yml: databases.<name>.plugins.nianbao.start_here)."""
    return {
        name: (datasette.plugin_config("nianbao", database=name) or {}).get("start_here") or {}
        for name in datasette.databases
    }


@hookimpl
def register_facet_classes() -> list[type]:
    return [CountedFacet]


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable:
    return lambda app: PageCache(app, datasette)


@hookimpl
def register_routes() -> list[tuple[str, Callable]]:
    return [
        (r"^/-/archive/(?P<fetch_id>\d+)$", archived_copy),
        (r"^/-/archive/sha256/(?P<sha256>[0-9a-f]{64})$", archived_copy),
    ]


async def archived_copy(datasette: Datasette, request: Request) -> Response | StreamedBytes:
    fetch_id, sha256 = request.url_vars.get("fetch_id"), request.url_vars.get("sha256")
    for database in datasette.databases.values():
        row = await archived_record(
            database, int(fetch_id) if fetch_id else None, None if fetch_id else sha256
        )
        if row is None:
            continue
        info, chunks = await asyncio.to_thread(
            open_response, row["warc_dir"], row["warc_file"], row["warc_offset"]
        )
        content_type = row["content_type"] or "application/octet-stream"
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": SANDBOX,
            # as a URI: a header carries Latin-1 only, and a WARC another tool wrote may
            # name its documents by IRI (年报.pdf), not percent-encoded
            "X-Archived-URL": quote(row["url"], safe=string.punctuation),
            "X-Archived-At": info["date"] or "",
            "Content-Disposition": "inline",
        }
        if row["content_encoding"]:  # received compressed; served decoded
            headers["X-Archived-Content-Encoding"] = row["content_encoding"]
        if content_type.startswith("application/pdf"):
            headers.pop("Content-Security-Policy")  # the browser's own PDF viewer, no page script
        return StreamedBytes(chunks, headers, content_type)
    missing = f"fetch {fetch_id}" if fetch_id else f"document with sha256 {sha256}"
    return Response.text(f"no archived {missing}", status=404)


class StreamedBytes:
    """A response whose body is read chunk by chunk in a thread, off the event loop.
    (Datasette's AsgiStream writes text only.)"""

    def __init__(self, chunks: Iterator[bytes], headers: dict[str, str], content_type: str):
        self.chunks = chunks
        self.headers = {**headers, "Content-Type": content_type}

    async def asgi_send(self, send) -> None:
        headers = [
            [k.lower().encode("latin-1"), v.encode("latin-1")] for k, v in self.headers.items()
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        try:
            while (chunk := await asyncio.to_thread(next, self.chunks, None)) is not None:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await asyncio.to_thread(self.chunks.close)  # closes the WARC file
        await send({"type": "http.response.body", "body": b""})


# Where a URL cites a report's source (the table's subject is the report, not the URL), it
# is shown short, whole on hover: a long URL would make every row a column of characters.
CITED_URLS = {"reports": ("url", "page_url"), "figures": ("url",)}


@hookimpl
def render_cell(
    row: sqlite3.Row,
    value: object,
    column: str,
    table: str | None,
    database: str,
    datasette: Datasette,
) -> Markup | None:
    if table == "reports" and column == "sha256" and isinstance(value, str) and value:
        return archived_copy_link(row, value, datasette)
    if column in CITED_URLS.get(table, ()) and isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return Markup('<a href="{}" title="{}">{}</a>').format(value, value, short_url(value))
    if table == "figures" and column == "title" and value and "report_id" in row.keys():
        # figures' key is the report: its title opens the report's page, not the figures row
        page = datasette.urls.row(database, "reports", row["report_id"])
        return Markup('<a href="{}">{}</a>').format(page, value)
    return None


def archived_copy_link(row: sqlite3.Row, sha256: str, datasette: Datasette) -> Markup:
    """fetch_id keeps Datasette's own foreign-key link to the fetch; the sha256 of the bytes
    is where the bytes themselves are one click away. A page may leave fetch_id out
    (?_nocol=fetch_id, ?_col=sha256): the link then names the bytes by their digest."""
    fetch_id = row["fetch_id"] if "fetch_id" in row.keys() else None
    archived = f"/-/archive/{fetch_id}" if fetch_id is not None else f"/-/archive/sha256/{sha256}"
    return Markup('<a href="{}" title="sha256 {}">archived copy</a> <small>{}…</small>').format(
        datasette.urls.path(archived), sha256, sha256[:12]
    )


def short_url(url: str, tail: int = 32) -> str:
    """host/…/name of a URL: which site, and which file, in one short line."""
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1] + (f"?{parts.query}" if parts.query else "")
    if len(name) > tail:
        name = name[: tail - 1] + "…"
    between = "/…/" if parts.path.strip("/").count("/") else "/"
    return parts.netloc + between + name
