"""How many rows of the per-report tables hold each value of their facet columns, kept exact
by triggers.

A facet over a whole national table (10 million `applications` rows) is a GROUP BY that visits
every row: SQLite cannot make it in under a second. The counts change only when rows are
written, so triggers keep them in `facet_counts`, in the same transaction as the rows
themselves, whoever writes them (store_report, a re-parse, a researcher's own SQL): over the
whole table, and, for the columns pages are often filtered by, over the rows where that
column holds one value (the page of a year). The Datasette plugin reads them for such pages (nianbao.facets); a page filtered
otherwise counts its own rows.
"""

from __future__ import annotations

import sqlite_utils

FACET_COUNTS = "facet_counts"

# The columns a reader facets by (metadata.yml), in the tables with many rows per report.
COUNTED_FACETS: dict[str, tuple[str, ...]] = {
    "applications": ("row", "year", "province"),
    "active_disclosure": ("item", "field"),
    "review_litigation": ("kind",),
    "legacy_figures": ("key", "source", "unit"),
    "checks": ("name", "ok"),
}
# Counted columns a page is often filtered by (one year, one province): the other columns are
# counted per value of these too. Each pair costs every row written another count to keep.
COUNTED_BY: dict[str, tuple[str, ...]] = {"applications": ("year", "province")}

# Counts over the whole table (filter_col = filter_value = ''), and over the rows where one
# other counted column holds one value (a page filtered by year: its facets by row and
# province). value and filter_value have no declared type: a year stays an integer.
TABLE_SQL = (
    f"create table [{FACET_COUNTS}] (tbl text not null, filter_col text not null, "
    "filter_value not null, col text not null, value not null, count integer not null, "
    "primary key (tbl, filter_col, filter_value, col, value)) without rowid"
)


def counted_pairs(table: str) -> list[tuple[str, str]]:
    """(filter column or '', column) of each count kept for `table`."""
    columns = COUNTED_FACETS[table]
    by = COUNTED_BY.get(table, ())
    return [("", c) for c in columns] + [(f, c) for f in by for c in columns if c != f]


def _keys(table: str, row: str) -> list[tuple[str, str, str, str]]:
    """(filter_col, filter_value, col, value) SQL of each count a row of `table` adds to."""
    return [
        (f"'{by}'", f"{row}.[{by}]" if by else "''", f"'{column}'", f"{row}.[{column}]")
        for by, column in counted_pairs(table)
    ]


def _add(table: str, key: tuple[str, str, str, str]) -> str:
    filter_col, filter_value, column, value = key
    return (
        f"insert into [{FACET_COUNTS}] (tbl, filter_col, filter_value, col, value, count) "
        f"select '{table}', {filter_col}, {filter_value}, {column}, {value}, 1 "
        f"where {filter_value} is not null and {value} is not null "
        "on conflict (tbl, filter_col, filter_value, col, value) do update set count = count + 1;"
    )


def _remove(table: str, key: tuple[str, str, str, str]) -> str:
    filter_col, filter_value, column, value = key
    return (
        f"update [{FACET_COUNTS}] set count = count - 1 where tbl = '{table}' and "
        f"filter_col = {filter_col} and filter_value = {filter_value} and col = {column} "
        f"and value = {value};"
    )


def trigger_sql(table: str) -> dict[str, str]:
    """Trigger name → its SQL: a row inserted adds one to each of its counts, a row deleted
    takes one off, an update of a counted column does both."""
    added = " ".join(_add(table, key) for key in _keys(table, "new"))
    removed = " ".join(_remove(table, key) for key in _keys(table, "old"))
    listed = ", ".join(f"[{c}]" for c in COUNTED_FACETS[table])
    return {
        f"{FACET_COUNTS}_{table}_insert": f"after insert on [{table}] begin {added} end",
        f"{FACET_COUNTS}_{table}_delete": f"after delete on [{table}] begin {removed} end",
        f"{FACET_COUNTS}_{table}_update": (
            f"after update of {listed} on [{table}] begin {removed} {added} end"
        ),
    }


def wanted_triggers() -> dict[str, str]:
    return {
        name: f"CREATE TRIGGER [{name}] {body}"
        for table in COUNTED_FACETS
        for name, body in trigger_sql(table).items()
    }


def ensure_facet_counts(db: sqlite_utils.Database) -> None:
    """Create the counts and their triggers, or count again when the triggers are not the ones
    wanted (a new counted column; a table rewritten by a migration loses its triggers)."""
    wanted = wanted_triggers()
    have = dict(
        db.execute(
            "select name, sql from sqlite_master where type = 'trigger' and name glob ?",
            [f"{FACET_COUNTS}_*"],
        ).fetchall()
    )
    if db[FACET_COUNTS].exists() and have == wanted:
        return
    with db.conn:
        drop_facet_counts(db)
        db.execute(TABLE_SQL)
        for sql in wanted.values():
            db.execute(sql)
        count_again(db)


def drop_facet_counts(db: sqlite_utils.Database) -> None:
    """The counts and their triggers gone (before a bulk load; ensure_facet_counts counts
    again)."""
    for (name,) in db.execute(
        "select name from sqlite_master where type = 'trigger' and name glob ?",
        [f"{FACET_COUNTS}_*"],
    ).fetchall():
        db.execute(f"drop trigger [{name}]")
    db.execute(f"drop table if exists [{FACET_COUNTS}]")


def count_again(db: sqlite_utils.Database) -> None:
    """Every count taken from the rows themselves."""
    db.execute(f"delete from [{FACET_COUNTS}]")
    insert = f"insert into [{FACET_COUNTS}] (tbl, filter_col, filter_value, col, value, count) "
    for table in COUNTED_FACETS:
        for by, column in counted_pairs(table):
            scope = f"[{by}]" if by else "''"  # the whole table: one scope, ''
            db.execute(
                f"{insert} select ?, ?, {scope}, ?, [{column}], count(*) from [{table}] "
                f"where {scope} is not null and [{column}] is not null "
                f"group by {scope}, [{column}]",
                [table, by, column],
            )


def value_counts(
    db: sqlite_utils.Database, table: str, column: str, where: tuple[str, object] = ("", "")
) -> dict:
    """value → rows holding it, as the counts say: over the whole table, or over the rows
    where another counted column holds a value (`where`: that column and value)."""
    return dict(
        db.execute(
            f"select value, count from [{FACET_COUNTS}] where tbl = ? and filter_col = ? "
            "and filter_value = ? and col = ? and count > 0",
            [table, *where, column],
        ).fetchall()
    )
