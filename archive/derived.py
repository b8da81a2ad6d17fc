"""The database writer's derived tables: agencies, cross-year checks, figures.

They follow from the reports: store_report (archive.database) assigns each report its agency
and, in the report's own transaction, brings up to date what storing it changed
(`refresh_after_store`): the agency's row — its names, province and level — the cross-year
checks that compare with the report, and the figures of the agency's reports.
"""

from __future__ import annotations

import json
from collections import Counter

import sqlite_utils

from archive.agencies import agency_name, name_level, place_province
from archive.crossyear import PREVIOUS_YEAR, SAME_TABLES, Values, cross_year_checks
from archive.figures import refresh_sql
from archive.rows import write_checks
from parsers.template import APPLICANT_COLUMNS, REVIEW_OUTCOMES

# The reports a refresh concerns, over `r`: this one, and those of the agencies given (JSON).
_CONCERNED = "r.id = :report_id or r.agency_id in (select value from json_each(:agencies))"


def assign_agency(db: sqlite_utils.Database, row: dict) -> int | None:
    """The id of the agencies row of a report row (created if new), or None without a name."""
    found = agency_name(row.get("agency"), row.get("province"), row.get("portal"))
    if found is None:
        return None
    same = db.execute("select id from agencies where key = ?", [found.key]).fetchone()
    if same:
        return same[0]
    return db["agencies"].insert({"key": found.key, "name": found.name}).last_pk


def refresh_after_store(
    db: sqlite_utils.Database, report_id: int, now: dict, before: dict | None
) -> None:
    """Bring up to date what storing report `report_id` changed. `now` holds its agency_id and
    year; `before` the id, agency_id and year of the row it replaced or refreshed (None: the
    first report of its URL).

    A report's cross-year checks compare it with its agency's report of the year before, so
    storing one changes its own checks and those of the agency's reports of the year after:
    where it stands now, and where the version it replaced stood. The agency's row (its most
    used name, its province and level) may change, and with it every figures row of the agency.
    """
    places = [now] + ([before] if before else [])
    agencies = [a for a in dict.fromkeys(p["agency_id"] for p in places) if a is not None]
    # The figures rows of the reports concerned go first (an agency left without reports is
    # deleted, and they point at it), and come back for the current ones at the end.
    concerned = {"report_id": report_id, "agencies": json.dumps(agencies)}
    db.execute(
        "delete from figures where report_id in (:report_id, :replaced) "
        "or agency_id in (select value from json_each(:agencies))",
        {**concerned, "replaced": before["id"] if before else None},
    )
    for agency_id in agencies:
        if not _update_agency(db, agency_id):
            continue  # its last report moved to another agency: the row is gone
        own = [report_id] if now["agency_id"] == agency_id else []
        years_after = {
            p["year"] + 1 for p in places if p["agency_id"] == agency_id and p["year"] is not None
        }
        _write_cross_year_checks(db, agency_id, own, years_after)
    db.execute(refresh_sql(_CONCERNED), concerned)


def _most_common(values) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _update_agency(db: sqlite_utils.Database, agency_id: int) -> bool:
    """Bring an agency's row up to date from its reports; without reports it is deleted
    (False)."""
    reports = list(
        db.query(
            "select agency, year, province, level, portal from reports "
            "where agency_id = ? order by year, id",
            [agency_id],
        )
    )
    if not reports:
        db.execute("delete from agencies where id = ?", [agency_id])
        return False
    names = [agency_name(r["agency"]) for r in reports]
    # the spelling most reports use; on a tie, the latest report's (reports come by year)
    counts = Counter(n.name for n in names if n)
    latest = {n.name: i for i, n in enumerate(names) if n}
    name = max(counts, key=lambda n: (counts[n], latest[n]))
    core = next(n.core for n in names if n and n.name == name)
    years = [r["year"] for r in reports if r["year"] is not None]
    db.execute(
        "update agencies set name = ?, province = ?, level = ?, portal = ?, names = ?, "
        "reports = ?, first_year = ?, last_year = ? where id = ?",
        [
            name,
            _most_common(r["province"] for r in reports) or place_province(core),
            name_level(core, _most_common(r["level"] for r in reports)),
            _most_common(r["portal"] for r in reports),
            json.dumps(sorted({r["agency"] for r in reports}), ensure_ascii=False),
            len(reports),
            min(years, default=None),
            max(years, default=None),
            agency_id,
        ],
    )
    return True


def table_values(db: sqlite_utils.Database, report_ids: list[int]) -> dict[int, Values]:
    """Every table value of the given reports, as (table, row or item, column) → value."""
    values: dict[int, Values] = {i: {} for i in report_ids}
    marks = ", ".join("?" * len(report_ids))
    for row in db.query(f"select * from applications where report_id in ({marks})", report_ids):
        for column in APPLICANT_COLUMNS:
            values[row["report_id"]][("applications", row["row"], column)] = row[column]
    for row in db.query(
        f"select * from active_disclosure where report_id in ({marks})", report_ids
    ):
        item = f"{row['parent']}/{row['item']}" if row["parent"] else row["item"]
        values[row["report_id"]][("active_disclosure", item, row["field"])] = row["value"]
    for row in db.query(
        f"select * from review_litigation where report_id in ({marks})", report_ids
    ):
        for outcome in REVIEW_OUTCOMES:
            values[row["report_id"]][("review_litigation", row["kind"], outcome)] = row[outcome]
    return values


def _write_cross_year_checks(
    db: sqlite_utils.Database, agency_id: int, report_ids: list[int], years: set[int]
) -> None:
    """Rewrite the cross-year checks, and the failure counts, of the agency's current reports
    that are among `report_ids` or of one of `years`."""
    current = db.execute(
        "select id, year from reports where agency_id = ? and superseded_by is null "
        "order by year, id",
        [agency_id],
    ).fetchall()
    latest_of_year = {year: report for report, year in current if year is not None}
    targets = [(report, year) for report, year in current if report in report_ids or year in years]
    if not targets:
        return
    previous = {
        report: latest_of_year.get(year - 1) if year is not None else None
        for report, year in targets
    }
    values = table_values(db, list({*previous, *previous.values()} - {None}))
    ids = json.dumps([report for report, _ in targets])
    db.execute(
        "delete from checks where report_id in (select value from json_each(?)) "
        "and (name glob ? or name = ?)",
        [ids, PREVIOUS_YEAR + "*", SAME_TABLES],
    )
    years_of = dict(current)
    for report, _ in targets:
        before = previous[report]
        last_year = (
            None
            if before is None
            else {"id": before, "year": years_of[before], "values": values[before]}
        )
        mine = values[report]
        has_tables = any(key[0] == "applications" for key in mine)
        write_checks(db, report, cross_year_checks(mine, has_tables, last_year))
    db.execute(
        "update reports set checks_failed = (select count(*) from checks c "
        "where c.report_id = reports.id and c.ok = 0) "
        "where id in (select value from json_each(?))",
        [ids],
    )
