"""The database writer's derived tables: agencies, cross-year checks, figures.

They follow from the reports: store_report (archive.database) assigns each report its agency
and refreshes that agency — its names, province and level, the cross-year checks of its
reports and their figures — in the report's own transaction. `refresh_all` does every agency,
for a database written some other way (a migration, the bench's generator).
"""

from __future__ import annotations

import json
from collections import Counter

import sqlite_utils

from archive.agencies import agency_name, name_level, place_province
from archive.crossyear import Values, cross_year_checks, is_cross_year
from archive.figures import refresh_sql
from archive.rows import write_checks
from parsers.template import APPLICANT_COLUMNS, REVIEW_OUTCOMES


def assign_agency(db: sqlite_utils.Database, row: dict) -> int | None:
    """The id of the agencies row of a report row (created if new), or None without a name."""
    found = agency_name(row.get("agency"), row.get("province"), row.get("portal"))
    if found is None:
        return None
    same = db.execute("select id from agencies where key = ?", [found.key]).fetchone()
    if same:
        return same[0]
    return db["agencies"].insert({"key": found.key, "name": found.name}).last_pk


def refresh_agency(db: sqlite_utils.Database, agency_id: int | None) -> None:
    """Bring an agency's row, its reports' cross-year checks and their figures up to date."""
    if agency_id is None:
        return
    reports = list(
        db.query(
            "select id, agency, year, province, level, portal, superseded_by, template "
            "from reports where agency_id = ? order by year, id",
            [agency_id],
        )
    )
    db.execute("delete from figures where agency_id = ?", [agency_id])
    if not reports:
        db.execute("delete from agencies where id = ?", [agency_id])
        return
    _update_agency(db, agency_id, reports)
    current = [r for r in reports if r["superseded_by"] is None]
    _write_cross_year_checks(db, current)
    db.execute(refresh_sql("r.agency_id = :agency_id"), {"agency_id": agency_id})


def refresh_all(db: sqlite_utils.Database) -> None:
    """Every report's agency, every agency, every figure: for data not written by store_report."""
    for row in db.query("select id, agency, province, portal from reports"):
        db.execute(
            "update reports set agency_id = ? where id = ?", [assign_agency(db, row), row["id"]]
        )
    for (agency_id,) in db.execute("select id from agencies").fetchall():
        refresh_agency(db, agency_id)


def _most_common(values) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _update_agency(db: sqlite_utils.Database, agency_id: int, reports: list[dict]) -> None:
    names = [agency_name(r["agency"]) for r in reports]
    # the spelling most reports use; on a tie, the latest report's (reports come by year)
    counts = Counter(n.name for n in names if n)
    latest = {n.name: i for i, n in enumerate(names) if n}
    name = max(counts, key=lambda n: (counts[n], latest[n]))
    core = next(n.core for n in names if n and n.name == name)
    province = _most_common(r["province"] for r in reports) or place_province(core)
    registry_level = _most_common(r["level"] for r in reports)
    years = [r["year"] for r in reports if r["year"] is not None]
    db["agencies"].update(
        agency_id,
        {
            "name": name,
            "province": province,
            "level": name_level(core, registry_level),
            "portal": _most_common(r["portal"] for r in reports),
            "names": json.dumps(sorted({r["agency"] for r in reports}), ensure_ascii=False),
            "reports": len(reports),
            "first_year": min(years, default=None),
            "last_year": max(years, default=None),
        },
    )


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


def _write_cross_year_checks(db: sqlite_utils.Database, reports: list[dict]) -> None:
    """Rewrite the cross-year checks of an agency's current reports, and their failure counts."""
    values = table_values(db, [r["id"] for r in reports])
    by_year: dict[int, dict] = {}
    for report in reports:  # by year, then id: the latest version of a year wins
        if report["year"] is not None:
            by_year[report["year"]] = report
    for report in reports:
        previous = by_year.get(report["year"] - 1) if report["year"] is not None else None
        if previous is not None:
            previous = {**previous, "values": values[previous["id"]]}
        mine = values[report["id"]]
        has_tables = any(key[0] == "applications" for key in mine)
        names = [
            n for (n,) in db.execute("select name from checks where report_id = ?", [report["id"]])
        ]
        if any(is_cross_year(n) for n in names):
            db.execute(
                "delete from checks where report_id = ? and (name like 'previous_year_%' "
                "or name = 'same_tables_as_previous_year')",
                [report["id"]],
            )
        write_checks(db, report["id"], cross_year_checks(mine, has_tables, previous))
        db.execute(
            "update reports set checks_failed = "
            "(select count(*) from checks where report_id = ? and ok = 0) where id = ?",
            [report["id"], report["id"]],
        )
