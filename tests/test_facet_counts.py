"""The facet counts the database keeps equal what counting the rows gives, after any write,
and a table shown whole takes its facets from them."""

from __future__ import annotations

import asyncio

import pytest
import sqlite_utils
import yaml

from archive.database import close_database, open_database
from archive.facet_counts import COUNTED_FACETS, counted_pairs, drop_facet_counts, value_counts
from nianbao.serve import METADATA, TEMPLATES
from parsers import parse_path
from tests.test_derived import SEED, a_year, store


@pytest.fixture(scope="module")
def seed_report() -> dict:
    return parse_path(SEED)


def counted_rows(db, table: str, column: str, where: tuple[str, object] = ("", "")) -> dict:
    other, value = where
    selected = f"and [{other}] = ?" if other else ""
    return dict(
        db.execute(
            f"select [{column}], count(*) from [{table}] where [{column}] is not null "
            f"{selected} group by [{column}]",
            [value] if other else [],
        ).fetchall()
    )


def assert_counts_exact(db) -> None:
    """Every count kept, over the whole table and over each value of a column counted by."""
    for table in COUNTED_FACETS:
        for by, column in counted_pairs(table):
            values = counted_rows(db, table, by) if by else {"": 0}
            for value in values:
                where = (by, value)
                assert value_counts(db, table, column, where) == counted_rows(
                    db, table, column, where
                ), (table, column, where)


def test_counts_follow_every_write(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    for year in (2020, 2021):
        store(db, a_year(seed_report, "索镇", year), f"http://town.test/{year}.html")
    assert value_counts(db, "applications", "year") == {2020: 23, 2021: 23}
    # read again from the same bytes (a re-parse: rows deleted and written again)
    store(db, a_year(seed_report, "索镇", 2021), "http://town.test/2021.html")
    # a new version of a report: its rows added beside the old version's
    changed = a_year(seed_report, "索镇", 2020)
    changed["applications"]["granted"]["total"] = 999
    store(db, changed, "http://town.test/2020.html", text="另一份文字")
    # a researcher's own SQL
    with db.conn:
        db.execute("delete from applications where row = 'granted' and year = 2021")
        db.execute("update applications set province = '浙江省' where year = 2020")
        db.execute("update checks set ok = 1 - ok where id % 2 = 0")
    assert_counts_exact(db)
    close_database(db)


def test_a_database_without_counts_is_counted_when_opened(tmp_path, seed_report):
    path = tmp_path / "nianbao.db"
    db = open_database(path)
    store(db, a_year(seed_report, "索镇", 2020), "http://town.test/2020.html")
    drop_facet_counts(db)  # a database of an older schema, or a bulk load
    store(db, a_year(seed_report, "索镇", 2021), "http://town.test/2021.html")
    close_database(db)
    db = open_database(path)
    assert value_counts(db, "applications", "year") == {2020: 23, 2021: 23}
    assert_counts_exact(db)
    # a table rewritten by a migration (sqlite-utils transform) loses its triggers
    db.execute("drop trigger facet_counts_applications_insert")
    store(db, a_year(seed_report, "索镇", 2022), "http://town.test/2022.html")
    close_database(db)
    db = open_database(path)
    assert value_counts(db, "applications", "year") == {2020: 23, 2021: 23, 2022: 23}
    assert_counts_exact(db)
    close_database(db)


def facets(path, page: str) -> dict[str, dict]:
    from datasette.app import Datasette

    async def fetch() -> dict:
        datasette = Datasette(
            [str(path)],
            metadata=yaml.safe_load(METADATA.read_text(encoding="utf-8")),
            template_dir=str(TEMPLATES),
        )
        response = await datasette.client.get(page, headers={"Cache-Control": "no-cache"})
        assert response.status_code == 200, response.text
        results = response.json()["facet_results"]
        return {name: {v["value"]: v["count"] for v in f["results"]} for name, f in results.items()}

    return asyncio.run(fetch())


@pytest.fixture
def two_years(tmp_path, seed_report):
    path = tmp_path / "nianbao.db"
    db = open_database(path)
    for year in (2020, 2021):
        store(db, a_year(seed_report, "索镇", year), f"http://town.test/{year}.html")
    # Counts that differ from the rows show which the page read (the rows are 23 a year).
    with db.conn:
        db.execute("update facet_counts set count = 1000 where col = 'year' and value = 2020")
        db.execute(
            "update facet_counts set count = 1000 where filter_col = 'year' "
            "and filter_value = 2020 and col = 'province'"
        )
    close_database(db)
    return path


def test_a_whole_table_reads_the_counts_a_filtered_one_counts_rows(two_years):
    whole = facets(two_years, "/nianbao/applications.json?_size=0")
    assert set(whole) == {"row", "year", "province"}  # metadata.yml's facets, with labels
    assert whole["year"] == {2020: 1000, 2021: 23}
    # one year's page: the counts over that year's rows
    year = facets(two_years, "/nianbao/applications.json?_size=0&year=2020")
    assert year["province"] == {"江苏省": 1000} and year["year"] == {2020: 1000}
    assert facets(two_years, "/nianbao/applications.json?_size=0&year=2021")["row"]["granted"] == 1
    # filtered two ways: its rows counted
    filtered = facets(two_years, "/nianbao/applications.json?_size=0&province=江苏省&year=2020")
    assert filtered["year"] == {2020: 23}
    assert filtered["row"]["granted"] == 1
    assert facets(two_years, "/nianbao/applications.json?_size=0&year=1999") == {
        "row": {},
        "year": {},
        "province": {},
    }


def test_a_facet_asked_for_is_shown_once(two_years):
    shown = facets(two_years, "/nianbao/applications.json?_size=0&_facet=year")
    assert set(shown) == {"row", "year", "province"}
    assert shown["year"] == {2020: 23, 2021: 23}  # Datasette's own column facet counted it


def test_every_counted_facet_of_the_metadata_is_counted():
    tables = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["nianbao"]["tables"]
    counted = {
        (table, facet["counted"])
        for table, spec in tables.items()
        for facet in spec.get("facets", [])
        if isinstance(facet, dict) and "counted" in facet
    }
    assert counted
    assert counted <= {(t, c) for t, columns in COUNTED_FACETS.items() for c in columns}


def test_the_indexes_the_counts_replaced_are_dropped(tmp_path):
    path = tmp_path / "nianbao.db"
    db = open_database(path)
    db.execute("create index idx_applications_year_row on applications (year, row)")
    close_database(db)
    db = open_database(path)
    assert "idx_applications_year_row" not in {i.name for i in db["applications"].indexes}
    close_database(db)


def test_a_database_written_before_the_counts_is_faceted_by_counting(two_years):
    import sqlite3

    with sqlite3.connect(two_years) as conn:  # as `nianbao serve` finds an older file
        drop_facet_counts(sqlite_utils.Database(conn))
    assert facets(two_years, "/nianbao/applications.json?_size=0")["year"] == {2020: 23, 2021: 23}
