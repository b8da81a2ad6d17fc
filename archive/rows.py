"""Writing many rows at once: a plain executemany, for the tables every report adds to."""

from __future__ import annotations

import sqlite_utils


def write_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert `rows` (dicts of column → value) into `table`, in the caller's transaction.

    Not sqlite-utils' insert_all: a report writes a hundred rows to six tables, and
    insert_all's per-call checks made storing one report 13 ms of the crawl's reactor thread.
    """
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if columns:
        db.conn.executemany(
            _insert_sql(table, columns), [[row.get(c) for c in columns] for row in rows]
        )


def insert_row(db: sqlite_utils.Database, table: str, row: dict) -> int:
    """Insert one row, in the caller's transaction; returns its rowid."""
    return db.conn.execute(_insert_sql(table, list(row)), list(row.values())).lastrowid


def _insert_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(f"[{c}]" for c in columns)
    return f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"


def write_checks(db: sqlite_utils.Database, report_id: int, checks: list[dict]) -> None:
    """Insert a report's checks ({name, ok, detail}; ok True, False or None) as `checks` rows."""
    rows = [
        {
            "report_id": report_id,
            "name": check["name"],
            "ok": None if check["ok"] is None else int(check["ok"]),
            "detail": check["detail"],
        }
        for check in checks
    ]
    write_rows(db, "checks", rows)
