"""Agencies, cross-year checks, figures and the search index, written to a real SQLite file."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from archive.agencies import agency_name
from archive.database import close_database, open_database, store_report
from archive.provenance import Provenance
from archive.search import fts_query
from parsers import parse_path
from tests.conftest import FIXTURES

SEED = FIXTURES / "seeds" / "002_f2f902bb0c6bb4fe.txt"  # a 2019-format report, every cell printed


@pytest.fixture(scope="module")
def seed_report() -> dict:
    return parse_path(SEED)


def store(db, report: dict, url: str, text: str = "本年度收到行政复议申请", portal="county"):
    provenance = Provenance(
        url=url,
        page_url=url,
        sha256=hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest(),
        fetched_at="2025-01-01T00:00:00Z",
        portal=portal,
        province="江苏省",
        level="county",
    )
    return store_report(db, report, text, provenance, "test")


def a_year(report: dict, agency: str, year: int) -> dict:
    report = copy.deepcopy(report)
    report["agency"], report["year"] = agency, year
    report["title"] = f"{agency}{year}年政府信息公开工作年度报告"
    return report


def checks_of(db, report_id: int) -> dict[str, dict]:
    rows = db.query("select name, ok, detail from checks where report_id = ?", [report_id])
    return {r["name"]: r for r in rows}


def test_the_same_body_over_the_years(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    first = a_year(seed_report, "沭阳县", 2023)
    first["applications"]["denied_state_secret"]["total"] = 2
    first["applications"]["denied_third_party"]["total"] = 3
    second = a_year(seed_report, "沭阳县人民政府", 2024)
    carried = first["applications"]["carried_forward"]
    second["applications"]["carried_over"] = {**carried, "natural_person": 99}  # a mismatch
    second["applications"]["new_received"]["total"] += 1  # not a copy
    first_id = store(db, first, "http://county.test/2023.html")
    second_id = store(db, second, "http://county.test/2024.html")
    copied_id = store(db, a_year(second, "沭阳县", 2025), "http://county.test/2025.html")

    agencies = list(db.query("select * from agencies"))
    assert len(agencies) == 1
    assert json.loads(agencies[0]["names"]) == ["沭阳县", "沭阳县人民政府"]
    assert (agencies[0]["province"], agencies[0]["level"]) == ("江苏省", "county")

    checks = checks_of(db, second_id)
    assert checks["previous_year_natural_person"]["ok"] == 0
    assert "≠" in checks["previous_year_natural_person"]["detail"]
    assert checks["previous_year_commercial"]["ok"] == 1
    assert checks["same_tables_as_previous_year"]["ok"] == 1
    assert checks_of(db, first_id)["previous_year_total"]["ok"] is None  # no 2022 report
    assert checks_of(db, copied_id)["same_tables_as_previous_year"]["ok"] == 0
    failed = db.execute("select checks_failed from reports where id = ?", [second_id]).fetchone()
    assert failed[0] >= 1

    figures = {r["year"]: r for r in db.query("select * from figures")}
    assert sorted(figures) == [2023, 2024, 2025]
    applications = {k: v["total"] for k, v in first["applications"].items()}
    denied = sum(v for k, v in applications.items() if k.startswith("denied_"))
    assert figures[2023]["denied"] == denied >= 5
    assert figures[2023]["new_received"] == applications["new_received"]
    assert figures[2024]["agency"] == figures[2023]["agency"]
    close_database(db)


def test_checks_compare_with_the_previous_year_whatever_order_reports_come_in(
    tmp_path, seed_report
):
    """A report stored after the next year's, and a new version of it, change the checks
    of the next year's report; a report without an agency still has its figures row."""
    db = open_database(tmp_path / "nianbao.db")
    later_id = store(db, a_year(seed_report, "沭阳县", 2024), "http://county.test/2024.html")
    assert checks_of(db, later_id)["previous_year_total"]["ok"] is None  # no 2023 report yet
    earlier = a_year(seed_report, "沭阳县人民政府", 2023)
    earlier_id = store(db, earlier, "http://county.test/2023.html")
    check = checks_of(db, later_id)["previous_year_total"]
    assert check["ok"] is not None and f"(#{earlier_id})" in check["detail"]
    # the 2023 report changes its 结转下年度: the 2024 report now disagrees with it
    earlier["applications"]["carried_forward"]["total"] += 1
    newer_id = store(db, earlier, "http://county.test/2023.html")
    check = checks_of(db, later_id)["previous_year_total"]
    assert check["ok"] == 0 and f"(#{newer_id})" in check["detail"]
    figures = {r["report_id"] for r in db.query("select report_id from figures")}
    assert figures == {later_id, newer_id}  # the superseded version has none
    failed = db.execute("select checks_failed from reports where id = ?", [later_id])
    assert failed.fetchone()[0] >= 1

    nameless = a_year(seed_report, "沭阳县", 2022)
    nameless["agency"] = None
    nameless_id = store(db, nameless, "http://county.test/2022.html")
    row = db.execute("select agency, year from figures where report_id = ?", [nameless_id])
    assert row.fetchone() == (None, 2022)
    close_database(db)


def test_a_report_read_again_as_another_agencys_moves_with_its_figures(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    url = "http://county.test/2023.html"
    provenance = Provenance(url, url, "same-bytes", "2025-01-01T00:00:00Z", portal="county")
    report_id = store_report(db, a_year(seed_report, "沭阳县", 2023), "", provenance)
    # a newer parser reads the same fetch: same row, another agency and year
    assert store_report(db, a_year(seed_report, "索镇", 2022), "", provenance) is None
    assert [r["name"] for r in db.query("select name from agencies")] == ["索镇"]
    figures = db.execute("select report_id, agency, year from figures").fetchall()
    assert figures == [(report_id, "索镇", 2022)]
    close_database(db)


def test_a_government_is_one_agency_under_the_names_it_calls_itself_by():
    for long_name in ("苏州工业园区党工委管委会", "苏州工业园区管委会", "苏州工业园区管理委员会"):
        assert agency_name(long_name).key == agency_name("苏州工业园区").key, long_name
    assert agency_name("苏州工业园区财政局").key != agency_name("苏州工业园区").key


def test_a_blank_part_leaves_a_sum_blank(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    report = a_year(seed_report, "索镇", 2020)
    report["applications"]["denied_third_party"]["total"] = None
    report_id = store(db, report, "http://town.test/2020.html")
    row = db.execute("select denied, granted from figures where report_id = ?", [report_id])
    denied, granted = row.fetchone()
    assert denied is None and granted == report["applications"]["granted"]["total"]
    close_database(db)


def test_a_reparsed_report_is_searched_by_its_new_text(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    report = a_year(seed_report, "东峡镇", 2020)
    url = "http://town.test/a.html"
    report_id = store(db, report, url, text="收到行政诉讼")
    assert store(db, report, url, text="收到行政复议") is None  # same bytes: refreshed in place

    def found(word: str) -> list[int]:
        sql = "select rowid from reports_fts where reports_fts match ?"
        return [r[0] for r in db.execute(sql, [fts_query(word)])]

    assert found("复议") == [report_id] and found("诉讼") == []
    size = db.execute("select count(*) from sqlite_master where name = 'texts'").fetchone()[0]
    assert size == 0  # the text is stored once, in reports.text
    close_database(db)


def test_a_page_seen_again_shows_what_a_build_wrote_since(tmp_path, seed_report):
    """nianbao.pagecache keeps pages only until the database files change."""
    import asyncio

    from datasette.app import Datasette

    path = tmp_path / "nianbao.db"
    db = open_database(path)
    store(db, a_year(seed_report, "索镇", 2020), "http://town.test/2020.html")

    async def count(datasette) -> int:
        response = await datasette.client.get("/nianbao/reports.json?_size=0")
        return response.json()["filtered_table_rows_count"]

    async def scenario() -> list[int]:
        datasette = Datasette([str(path)])
        seen = [await count(datasette), await count(datasette)]
        store(db, a_year(seed_report, "索镇", 2021), "http://town.test/2021.html")
        seen.append(await count(datasette))
        warming = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        await asyncio.gather(*warming)  # the default pages it makes in the background
        return seen

    assert asyncio.run(scenario()) == [1, 1, 2]
    close_database(db)


def test_a_kept_page_is_served_only_at_the_host_it_was_made_for(tmp_path, seed_report):
    """Pages link to themselves by the Host they were asked at (Datasette's JSON links)."""
    import asyncio

    from datasette.app import Datasette

    path = tmp_path / "nianbao.db"
    db = open_database(path)
    store(db, a_year(seed_report, "索镇", 2020), "http://town.test/2020.html")
    close_database(db)

    async def alternates() -> list[bool]:
        datasette = Datasette([str(path)])
        links = []
        for host in ("a.test", "b.test", "a.test"):
            page = await datasette.client.get("/nianbao/reports", headers={"host": host})
            links.append(f'href="http://{host}/nianbao/reports.json"' in page.text)
        warming = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        await asyncio.gather(*warming)
        return links

    assert asyncio.run(alternates()) == [True, True, True]


def test_a_row_key_newer_than_the_schema_is_stored_not_refused(tmp_path, seed_report):
    db = open_database(tmp_path / "nianbao.db")
    report = a_year(seed_report, "索镇", 2020)
    report["applications"]["a_new_row"] = dict.fromkeys(report["applications"]["granted"], 1)
    report["missing_rows"] = ["applications.denied_query_matter"]
    report_id = store(db, report, "http://town.test/2020.html")
    rows = [
        r[0] for r in db.execute("select row from applications where report_id = ?", [report_id])
    ]
    assert "a_new_row" in rows
    missing = db.execute("select missing_rows from reports where id = ?", [report_id]).fetchone()
    assert json.loads(missing[0]) == ["applications.denied_query_matter"]
    close_database(db)


def test_a_report_is_stored_whole_or_not_at_all(tmp_path, seed_report):
    """A write that fails half-way (here the last table's insert; a full disk, a kill) leaves
    no report row and none of its table rows: nothing half-stored that a resumed crawl would
    then skip as known."""
    db = open_database(tmp_path / "nianbao.db")
    db.execute(
        "create trigger fail_checks before insert on checks "
        "begin select raise(abort, 'disk full'); end"
    )
    with pytest.raises(Exception, match="disk full"):
        store(db, seed_report, "http://x.test/a")
    for table in ("reports", "applications", "active_disclosure", "review_litigation"):
        assert db.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
    close_database(db)
