"""Pages served again from memory until the database changes.

A facet over the whole of a national `applications` table (10 million rows) is a scan SQLite
cannot make in under a second, and every table page counts its rows. The archive changes once
a week (a crawl or a build); between two changes the same page is the same bytes. So GET pages
are kept, keyed by their URL (and Host: JSON pages give absolute URLs), until the size or time
of a database file changes (the file or its write-ahead log: a commit changes one of them);
then every kept page is dropped and the pages a newcomer opens first — each table with the
facets metadata.yml gives it — are made again in the background.

Not kept: requests with a cookie (an actor may see other pages), `Cache-Control: no-cache`
(a reader or the bench asking for a fresh page), responses that set a cookie, streamed or
large responses, errors.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasette.app import Datasette

# ASGI: the scope of a request, and the receive and send of its messages.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_PAGES = 256
MAX_BYTES = 2_000_000  # a page larger than this is made again each time
MAX_TOTAL_BYTES = 64_000_000  # what all kept pages may hold: the oldest go first


def database_version(paths: list[str]) -> tuple:
    """What changes when any of the database files is written."""
    version = []
    for path in paths:
        for name in (path, path + "-wal"):
            try:
                stat = os.stat(name)
            except FileNotFoundError:
                continue
            version.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(version)


class PageCache:
    """ASGI middleware around Datasette (the plugin's asgi_wrapper)."""

    def __init__(self, app: App, datasette: Datasette):
        self.app = app
        self.datasette = datasette
        self.pages: OrderedDict[tuple, list[dict]] = OrderedDict()
        self.sizes: dict[tuple, int] = {}
        self.warmed: tuple | None = None
        self.tasks: set[asyncio.Task] = set()

    def _version(self) -> tuple:
        paths = [db.path for db in self.datasette.databases.values() if db.path]
        return database_version(paths)

    @staticmethod
    def cacheable(scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if scope["path"].startswith("/-/"):
            return False
        headers = dict(scope.get("headers") or [])
        if b"cookie" in headers or b"no-cache" in headers.get(b"cache-control", b""):
            return False
        return b"_stream" not in scope.get("query_string", b"")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.cacheable(scope):
            return await self.app(scope, receive, send)
        version = self._version()
        host = dict(scope.get("headers") or []).get(b"host", b"")
        if version != self.warmed:  # started, or the database changed: make the first pages
            self.warmed = version
            self.pages.clear()  # pages of the old data: never asked for again
            self.sizes.clear()
            task = asyncio.get_running_loop().create_task(warm(self.datasette, host))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        # The version too: a page begun before a change and finished after it is kept under
        # the old version, where no one finds it.
        key = (scope["path"], scope.get("query_string", b""), host, version)
        if key in self.pages:
            self.pages.move_to_end(key)
            for message in self.pages[key]:
                await send(message)
            return
        messages: list[dict] = []
        size = 0

        async def keep(message: dict) -> None:
            nonlocal size
            messages.append(message)
            size += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        start = messages[0] if messages else {}
        sets_cookie = any(name.lower() == b"set-cookie" for name, _ in start.get("headers", []))
        if start.get("status") == 200 and size <= MAX_BYTES and not sets_cookie:
            self.pages[key], self.sizes[key] = messages, size
            while len(self.pages) > MAX_PAGES or sum(self.sizes.values()) > MAX_TOTAL_BYTES:
                oldest, _ = self.pages.popitem(last=False)
                del self.sizes[oldest]


async def warm(datasette: Datasette, host: bytes) -> None:
    """Make each table's default page once, in the background, so no reader waits for it;
    as asked for at `host`, the address readers use (pages link to themselves by it)."""
    headers = {"host": host.decode("latin-1")} if host else {}
    for name, database in datasette.databases.items():
        if not database.path or not Path(database.path).exists():
            continue
        hidden = set(await database.hidden_table_names())
        for table in await database.table_names():
            if table in hidden:
                continue
            try:
                await datasette.client.get(datasette.urls.table(name, table), headers=headers)
            except Exception:  # a page that fails here fails for the reader too, and says why
                continue
            await asyncio.sleep(0)
