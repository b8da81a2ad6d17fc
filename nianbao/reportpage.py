"""What the report page shows: the three national tables laid out as the form prints them.

Rows and columns come in the form's order with its Chinese labels (parsers.template,
parsers.form_labels); a blank cell stays blank. Failed checks and parser warnings are attached to
the row and cell they concern. The HTML is the template row-nianbao-reports.html.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING

from nianbao.archived import archived_record
from nianbao.pdfpage import archived_pdf_page
from parsers.form_labels import (
    ACTIVE_FIELD_LABELS,
    ACTIVE_GROUPS,
    ACTIVE_ITEM_LABELS,
    APPLICANT_LABELS,
    ORGANISATION_HEADING,
    REVIEW_KIND_LABELS,
    REVIEW_OUTCOME_LABELS,
)
from parsers.template import (
    ACTIVE_FIELDS,
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    application_rows,
)

if TYPE_CHECKING:
    from datasette.database import Database

# The headings table 三 prints its rows under (merged cells on the form's left).
RESULTS = "三、本年度办理结果"
APPLICATION_HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("denied_", (RESULTS, "（三）不予公开")),
    ("unable_", (RESULTS, "（四）无法提供")),
    ("rejected_", (RESULTS, "（五）不予处理")),
    ("other_", (RESULTS, "（六）其他处理")),
    ("granted", (RESULTS,)),
    ("partly_granted", (RESULTS,)),
    ("other", (RESULTS,)),
    ("total_processed", (RESULTS,)),
)
LABEL_COLUMNS = 3  # the form's 申请人情况 label area: heading, sub-heading, row

# Which cells a check is about: check name pattern → (rows, column or None for the row).
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def _headings(key: str) -> tuple[str, ...]:
    for prefix, headings in APPLICATION_HEADINGS:
        if key == prefix or (prefix.endswith("_") and key.startswith(prefix)):
            return headings
    return ()


def _check_cells(name: str) -> tuple[str, list[tuple[str, str | None]]]:
    """(table, [(row, column)]) a check concerns; column None: the whole row."""
    for prefix, rows in (
        ("balance_", BALANCE_ROWS),
        ("processed_total_", ("total_processed",)),
        ("previous_year_", ("carried_over",)),
    ):
        if name.startswith(prefix):
            column = name.removeprefix(prefix)
            return "applications", [(row, column) for row in rows]
    if name.startswith("row_total_"):
        return "applications", [(name.removeprefix("row_total_"), "total")]
    kind = name.removesuffix("_total")
    if kind in REVIEW_KINDS:
        return "review_litigation", [(kind, "total")]
    return "report", []


_WARNING_ROW = re.compile(r"^(applications|active_disclosure|review_litigation)\.(\w+)")


def attach_notes(checks: list[dict], warnings: list[str]) -> dict:
    """Failed checks and warnings by where they belong: notes[table][row] and failed cells."""
    notes: dict = {"applications": {}, "active_disclosure": {}, "review_litigation": {}}
    failed_cells: set[tuple[str, str, str]] = set()
    report_level: list[dict] = []
    for check in checks:
        if check["ok"] != 0:
            continue
        table, cells = _check_cells(check["name"])
        note = {"kind": "check", "name": check["name"], "text": check["detail"]}
        if table == "report":
            report_level.append(note)
            continue
        first_row = cells[0][0]
        notes[table].setdefault(first_row, []).append(note)
        failed_cells.update((table, row, column) for row, column in cells)
    for warning in warnings:
        match = _WARNING_ROW.match(warning)
        note = {"kind": "warning", "name": None, "text": warning}
        if match and match.group(1) in notes:
            notes[match.group(1)].setdefault(match.group(2), []).append(note)
        else:
            report_level.append(note)
    return {"notes": notes, "failed": failed_cells, "report": report_level}


def _cell(value, failed: bool = False) -> dict:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"value": "" if value is None else value, "blank": value is None, "failed": failed}


def applications_table(template: str, rows: dict[str, dict], attached: dict) -> dict:
    specs = list(application_rows(template))
    if template == "2021" and any(k in rows for k in OTHER_SUBROWS):
        specs = [s for s in specs if s.key != "other"]  # its value is their sum, not printed
    paths = [(*_headings(s.key), s.label) for s in specs]
    body = []
    for n, (spec, path) in enumerate(zip(specs, paths, strict=True)):
        labels = []
        for depth, text in enumerate(path):
            if n and len(paths[n - 1]) > depth + 1 and paths[n - 1][depth] == text:
                continue  # inside the merged heading cell above
            if depth < len(path) - 1:
                span = 1
                while n + span < len(paths) and paths[n + span][: depth + 1] == path[: depth + 1]:
                    span += 1
                labels.append({"text": text, "rowspan": span, "colspan": 1})
            else:
                labels.append({"text": text, "rowspan": 1, "colspan": LABEL_COLUMNS - depth})
        values = rows.get(spec.key)
        failed = attached["failed"]
        body.append(
            {
                "key": spec.key,
                "labels": labels,
                "found": values is not None,
                "cells": [
                    _cell((values or {}).get(c), ("applications", spec.key, c) in failed)
                    for c in APPLICANT_COLUMNS
                ],
                "notes": attached["notes"]["applications"].get(spec.key, []),
            }
        )
    return {
        "organisation_heading": ORGANISATION_HEADING,
        "natural_person": APPLICANT_LABELS["natural_person"],
        "organisations": [APPLICANT_LABELS[c] for c in APPLICANT_COLUMNS[1:-1]],
        "total": APPLICANT_LABELS["total"],
        "rows": body,
    }


def active_table(template: str, rows: list[dict], attached: dict) -> list[dict]:
    """Table 二 as groups: a 第二十条 heading, its field labels, its item rows and added rows."""
    values: dict[tuple[str | None, str], dict] = {}
    for row in rows:
        values.setdefault((row["parent"], row["item"]), {})[row["field"]] = row["value"]
    fields_of = ACTIVE_FIELDS.get(template, {})
    labels = ACTIVE_ITEM_LABELS.get(template, {})
    groups = []
    for heading, items in ACTIVE_GROUPS.get(template, ()):
        fields = fields_of[items[0]]
        body = []
        for item in items:
            body.append(_active_row(labels[item], values.get((None, item)), fields_of[item]))
            body[-1]["notes"] = attached["notes"]["active_disclosure"].get(item, [])
            for (parent, label), extra in values.items():
                if parent == item:
                    body.append({**_active_row(label, extra, fields_of[item]), "added": True})
        groups.append(
            {"heading": heading, "fields": [ACTIVE_FIELD_LABELS[f] for f in fields], "rows": body}
        )
    return groups


def _active_row(label: str, values: dict | None, fields: tuple[str, ...]) -> dict:
    return {
        "label": label,
        "found": values is not None,
        "cells": [_cell((values or {}).get(f)) for f in fields],
        "notes": [],
        "added": False,
    }


def review_table(rows: dict[str, dict], attached: dict) -> dict:
    failed = attached["failed"]
    return {
        "kinds": [REVIEW_KIND_LABELS[k] for k in REVIEW_KINDS],
        # The form prints 行政诉讼 once, over its two kinds ("行政诉讼：未经复议直接起诉" …).
        "litigation": REVIEW_KIND_LABELS["litigation_direct"].partition("：")[0],
        "litigation_kinds": [REVIEW_KIND_LABELS[k].partition("：")[2] for k in REVIEW_KINDS[1:]],
        "outcomes": [REVIEW_OUTCOME_LABELS[o] for o in REVIEW_OUTCOMES],
        "cells": [
            _cell((rows.get(kind) or {}).get(o), ("review_litigation", kind, o) in failed)
            for kind in REVIEW_KINDS
            for o in REVIEW_OUTCOMES
        ],
        "notes": [
            n for kind in REVIEW_KINDS for n in attached["notes"]["review_litigation"].get(kind, [])
        ],
    }


async def pdf_page(db: Database, report: dict) -> int | None:
    """The page of the archived PDF that prints table 三, or None (not a PDF, no text layer)."""
    if report.get("format") != "pdf" or report.get("fetch_id") is None:
        return None
    record = await archived_record(db, fetch_id=report["fetch_id"])
    if record is None:
        return None
    where = (record["warc_dir"], record["warc_file"], record["warc_offset"])
    try:
        return await asyncio.to_thread(archived_pdf_page, *where)
    except (OSError, ValueError):  # the archive is not beside the database: no page to give
        return None


async def report_page(db: Database, report_id: int) -> dict | None:
    """Everything row-nianbao-reports.html shows beyond the report's own columns."""
    found = (await db.execute("select * from reports where id = ?", [report_id])).first()
    if found is None:
        return None
    report = dict(found)

    async def rows(sql: str) -> list[dict]:
        return [dict(r) for r in await db.execute(sql, [report_id])]

    checks = await rows("select name, ok, detail from checks where report_id = ? order by id")
    attached = attach_notes(checks, json.loads(report.get("warnings") or "[]"))
    applications = await rows("select * from applications where report_id = ? order by id")
    reviews = await rows("select * from review_litigation where report_id = ? order by id")
    active = await rows("select * from active_disclosure where report_id = ? order by id")
    agency = None
    if report.get("agency_id") is not None:
        agency = (
            await db.execute("select id, name from agencies where id = ?", [report["agency_id"]])
        ).first()
    template = report.get("template")
    tables = template in ("2019", "2021")
    return {
        "report": report,
        "agency": dict(agency) if agency else None,
        "has_tables": tables,
        "applications": applications_table(template, {r["row"]: r for r in applications}, attached)
        if tables
        else None,
        "active": active_table(template, active, attached) if tables else [],
        "review": review_table({r["kind"]: r for r in reviews}, attached) if tables else None,
        "report_notes": attached["report"],
        "pdf_page": await pdf_page(db, report),
        "checks": {
            "passed": sum(1 for c in checks if c["ok"] == 1),
            "failed": sum(1 for c in checks if c["ok"] == 0),
            "blank": sum(1 for c in checks if c["ok"] is None),
        },
        "sections": [
            ("一、总体情况", report.get("overview")),
            ("存在的主要问题及改进情况", report.get("problems")),
            ("其他需要报告的事项", report.get("other_matters")),
        ],
    }
