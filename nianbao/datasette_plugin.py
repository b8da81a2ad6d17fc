"""Datasette plugin: Chinese search, and every report one click from its archived original.

- `escape_fts` is replaced so that Datasette's own search box queries the bigram index of
  archive.search (two-character words such as 复议 work).
- `/-/archive/<fetch_id>` serves the archived bytes of a fetch from its WARC record. Scraped
  HTML is served under a sandboxing Content-Security-Policy: it is shown, never run in this
  site's origin.
- In `reports`, `sha256` renders as a link to the archived copy of those bytes.
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.search import fts_query
from archive.warc import read_response

SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which defines escape_fts
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query)


@hookimpl
def register_routes():
    return [(r"^/-/archive/(?P<fetch_id>\d+)$", archived_copy)]


async def archived_copy(datasette, request):
    fetch_id = int(request.url_vars["fetch_id"])
    for database in datasette.databases.values():
        if not database.path:
            continue
        try:
            result = await database.execute(
                "select url, warc_file, warc_offset, content_type from fetches where id = ?",
                [fetch_id],
            )
        except Exception:
            continue
        row = result.first()
        if row is None:
            continue
        warc_dir = Path(database.path).parent / "warc"
        info, body = read_response(warc_dir, row["warc_file"], row["warc_offset"])
        content_type = row["content_type"] or "application/octet-stream"
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": SANDBOX,
            "X-Archived-URL": row["url"],
            "X-Archived-At": info["date"] or "",
            "Content-Disposition": "inline",
        }
        if content_type.startswith("application/pdf"):
            headers.pop("Content-Security-Policy")  # the browser's own PDF viewer, no page script
        return Response(body, status=200, headers=headers, content_type=content_type)
    return Response.text(f"no archived fetch {fetch_id}", status=404)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # fetch_id keeps Datasette's own foreign-key link to the fetch; the sha256 of the bytes
    # is where the bytes themselves are one click away.
    if table == "reports" and column == "sha256" and value and row["fetch_id"] is not None:
        path = datasette.urls.path(f"/-/archive/{row['fetch_id']}")
        return Markup(
            f'<a href="{escape(path)}" title="sha256 {escape(value)}">archived copy</a> '
            f"<small>{escape(value[:12])}…</small>"
        )
    return None
