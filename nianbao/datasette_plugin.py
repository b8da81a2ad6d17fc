"""Datasette plugin: Chinese search, every report one click from its archived original, and
the pages a journalist reads (templates in nianbao/templates/).

- `escape_fts` is replaced so that Datasette's own search box queries the bigram index of
  archive.search (two-character words such as 复议 work).
- `/-/archive/<fetch_id>` serves the archived bytes of a fetch from its WARC record. Scraped
  HTML is served under a sandboxing Content-Security-Policy: it is shown, never run in this
  site's origin.
- In `reports`, `sha256` renders as a link to the archived copy of those bytes.
- `asgi_wrapper`: pages are kept in memory until the database changes (nianbao.pagecache).
- `extra_template_vars` gives the templates what they show beyond a row's columns: a report
  laid out as the national form (nianbao.reportpage), an agency's years and chart
  (nianbao.agencypage), the tables a newcomer starts from (metadata: plugins.nianbao).
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.search import fts_query
from archive.warc import read_response
from nianbao.agencypage import agency_page
from nianbao.pagecache import PageCache
from nianbao.reportpage import report_page

SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which defines escape_fts
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def page_data():
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


def start_here(datasette) -> dict[str, dict[str, str]]:
    """Database → the tables a newcomer starts from, each with a line on what it is for
    (metadata.yml: databases.<name>.plugins.nianbao.start_here)."""
    return {
        name: (datasette.plugin_config("nianbao", database=name) or {}).get("start_here") or {}
        for name in datasette.databases
    }


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: PageCache(app, datasette)


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
