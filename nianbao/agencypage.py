"""What the agency page shows: the body's reports by year and a chart of its key figures.

The chart is an SVG drawn by the template row-nianbao-agencies.html from the points made here:
no script, nothing fetched. Years from 2019 come from `figures`; 2008–2018 reports print the
old 统计表 instead, read into `legacy_figures` (database.md): its rows that mean the same
(requests received, 不予公开, reviews, lawsuits) fill the same columns, so one series runs
from 2008 to today (the view agency_series holds the same for SQL and CSV).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasette.database import Database

# The series drawn: (figures column, label, colour).
SERIES = (
    ("new_received", "新收申请 requests received", "#1f77b4"),
    ("denied", "不予公开 denied", "#d62728"),
    ("litigation_total", "行政诉讼 lawsuits", "#2ca02c"),
)
WIDTH, HEIGHT, MARGIN = 560, 220, 40


# legacy_figures key → the figures column whose meaning it shares: a 2008–2018 report's row of
# the old 统计表 shown in the same column as the national tables' 总计 of later years.
LEGACY_COLUMNS = {
    "applications": "new_received",
    "replies_denied": "denied",
    "reviews": "review_total",
    "lawsuits": "litigation_total",
}


async def legacy_figures_of(db: Database, agency_id: int) -> dict[int, dict[str, int]]:
    """Report id → the figures the agency's pre-2019 reports print in their old 统计表 (or
    state in sentences), as figures columns."""
    if not await db.table_exists("legacy_figures"):
        return {}
    marks = ", ".join("?" * len(LEGACY_COLUMNS))
    rows = await db.execute(
        "select l.report_id, l.key, l.value from legacy_figures l "
        "join reports r on r.id = l.report_id "
        f"where r.agency_id = ? and l.key in ({marks})",
        [agency_id, *LEGACY_COLUMNS],
    )
    found: dict[int, dict[str, int]] = {}
    for report_id, key, value in rows:
        if value is not None:
            found.setdefault(report_id, {})[LEGACY_COLUMNS[key]] = value
    return found


def chart(by_year: dict[int, dict]) -> dict | None:
    """SVG coordinates of each series over the years; a blank figure leaves a gap."""
    years = sorted(by_year)
    if not years:
        return None
    top = max(
        [by_year[y].get(c) or 0 for y in years for c, *_ in SERIES] + [1],
    )
    step = (WIDTH - 2 * MARGIN) / max(len(years) - 1, 1)

    def x(i: int) -> float:
        return round(MARGIN + i * step, 1)

    def y(value: float) -> float:
        return round(HEIGHT - MARGIN - value / top * (HEIGHT - 2 * MARGIN), 1)

    series = []
    for column, label, colour in SERIES:
        points = [
            {"x": x(i), "y": y(by_year[year][column]), "value": by_year[year][column], "year": year}
            for i, year in enumerate(years)
            if by_year[year].get(column) is not None
        ]
        line = " ".join(f"{p['x']},{p['y']}" for p in points)
        series.append({"label": label, "colour": colour, "points": points, "line": line})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "years": [{"x": x(i), "year": year} for i, year in enumerate(years)],
        "top": top,
        "top_y": y(top),
        "base_y": y(0),
        "series": series,
    }


async def agency_page(db: Database, agency_id: int) -> dict | None:
    """Everything row-nianbao-agencies.html shows beyond the agency's own columns."""
    rows = await db.execute(
        "select r.id, r.year, r.title, r.url, r.format, r.template, r.checks_failed, "
        "r.superseded_by, f.new_received, f.denied, f.total_processed, f.litigation_total, "
        "f.review_total from reports r left join figures f on f.report_id = r.id "
        "where r.agency_id = ? order by r.year desc, r.id desc",
        [agency_id],
    )
    reports = [dict(r) for r in rows]
    legacy = await legacy_figures_of(db, agency_id)
    for report in reports:  # 2008–2018: the old 统计表's figures in the same columns
        report.update(legacy.get(report["id"], {}))
    by_year: dict[int, dict] = {}
    for report in reversed(reports):  # oldest first: a year's latest current report wins
        if report["year"] is not None and report["superseded_by"] is None:
            by_year[report["year"]] = report
    missing = []
    if by_year:
        missing = [y for y in range(min(by_year), max(by_year)) if y not in by_year]
    names = (await db.execute("select names from agencies where id = ?", [agency_id])).first()
    return {
        "reports": reports,
        "legacy": bool(legacy),
        "chart": chart(by_year),
        "missing_years": missing,
        "names": json.loads(names[0] or "[]") if names else [],
    }
