"""How nianbao runs Datasette: read-only, on loopback, with our metadata and settings.

The database is served read-only but not immutable: a crawl writes it as it goes and
`nianbao build` replaces its content in one transaction (archive/publish.py), both through
SQLite's write-ahead log, and Datasette's next query sees the change, with no restart. An
immutable database (`datasette -i`) must never change while served: SQLite may then answer
wrongly or report it corrupt.
"""

from __future__ import annotations

import errno
import socket
import sys
from importlib.resources import files
from pathlib import Path

# Titles, descriptions, facets and canned queries: package data, so a wheel install has it.
# (Datasette 1.0 moves settings and plugin configuration to datasette.yaml; pyproject keeps
# datasette below 1.0 until we follow it.)
METADATA = files("nianbao") / "metadata.yml"
# The report, agency and home pages (row-nianbao-reports.html …): package data too. A plugin
# module inside a package has no templates folder of its own for Datasette to find.
TEMPLATES = files("nianbao") / "templates"

# Facet suggestions run a query per column on every table page: off, they cost seconds on
# large tables. Facets a user asks for still run.
SETTINGS = {
    "suggest_facets": "off",
    "facet_time_limit_ms": "2000",
    "sql_time_limit_ms": "5000",
    "default_page_size": "50",
    # reports.text holds whole reports: show the start of long cells, the row page has all
    "truncate_cells_html": "160",
}


class PortInUse(RuntimeError):
    """Something already listens on the port; the message names the option to change."""


def check_port_free(host: str, port: int, option: str) -> None:
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server will: a port left in TIME_WAIT is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} is in use: choose another with {option}") from None
            raise


def checkpoint(database: Path) -> None:
    """Fold a write-ahead log a killed crawl left into the file before serving it."""
    import sqlite3

    if database.with_name(database.name + "-wal").exists():
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def datasette_command(database: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database),  # mutable, opened read-only (mode=ro): see the module docstring
        "--metadata",
        str(METADATA),
        "--template-dir",
        str(TEMPLATES),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    return command
