"""Where the bytes of an archived fetch are: the WARC record of the fetch, or for a revisit
(bytes unchanged since an earlier fetch) the record it refers to. The archived-copy route and
the report page's link into a PDF both ask here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasette.database import Database

# The fetch, and the record holding its bytes: its own, or the one a revisit refers to.
ARCHIVED = """
select f.id, f.url, f.content_encoding,
  coalesce(o.warc_file, f.warc_file) as warc_file,
  coalesce(o.warc_offset, f.warc_offset) as warc_offset,
  coalesce(f.content_type, o.content_type) as content_type
from fetches f left join fetches o on o.record_id = f.refers_to and o.refers_to is null
where {where} order by f.id limit 1
"""


async def archived_record(
    database: Database, fetch_id: int | None = None, sha256: str | None = None
) -> dict | None:
    """The fetch with that id (or the first with that sha256) and where its bytes are:
    url, content_encoding, content_type, warc_dir, warc_file, warc_offset. None when the
    database has no such fetch, or no fetches table, or no file beside it for its archive."""
    if not database.path:
        return None
    where, params = ("f.id = ?", [fetch_id]) if fetch_id is not None else ("f.sha256 = ?", [sha256])
    if not await database.table_exists("fetches"):
        return None
    row = (await database.execute(ARCHIVED.format(where=where), params)).first()
    if row is None:
        return None
    return {**dict(row), "warc_dir": Path(database.path).parent / "warc"}
