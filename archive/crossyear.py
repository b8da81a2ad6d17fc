"""Checks across years (database.md): the form ties each report to the same body's last one.

This year's 二、上年结转 must equal last year's 四、结转下年度, column by column; a report whose
tables all equal last year's was copied (a known practice). Both are rows of `checks` on the
later report. A report's table values here are a dict (table, row or item, column) → value.
"""

from __future__ import annotations

from parsers.template import APPLICANT_COLUMNS

PREVIOUS_YEAR = "previous_year_"
SAME_TABLES = "same_tables_as_previous_year"

Values = dict[tuple[str, str, str], float | int | None]


def _previous_label(previous: dict) -> str:
    return f"the {previous['year']} report (#{previous['id']})"


def carried_over_checks(current: Values, previous: dict | None) -> list[dict]:
    """previous_year_<column>: 上年结转 = the previous-year report's 结转下年度.

    `previous`: {"id", "year", "values"} of the same body's report of the year before, or None.
    """
    checks = []
    for column in APPLICANT_COLUMNS:
        name = f"{PREVIOUS_YEAR}{column}"
        now = current.get(("applications", "carried_over", column))
        if previous is None:
            checks.append({"name": name, "ok": None, "detail": "no previous-year report"})
            continue
        then = previous["values"].get(("applications", "carried_forward", column))
        where = _previous_label(previous)
        if now is None or then is None:
            detail = f"上年结转 {_cell(now)}, 结转下年度 of {where} {_cell(then)}: blank cells"
            checks.append({"name": name, "ok": None, "detail": detail})
            continue
        ok = now == then
        detail = f"上年结转 {now} {'=' if ok else '≠'} 结转下年度 {then} of {where}"
        checks.append({"name": name, "ok": ok, "detail": detail})
    return checks


def same_tables_check(current: Values, previous: dict | None) -> dict:
    """same_tables_as_previous_year: ok false when every table value equals last year's.

    Two years of nothing but zeros (a quiet township) cannot be told from a copy: ok is null
    then, and the detail says so."""
    printed = {key: value for key, value in current.items() if value is not None}
    if previous is None:
        return {"name": SAME_TABLES, "ok": None, "detail": "no previous-year report"}
    if not printed:
        return {"name": SAME_TABLES, "ok": None, "detail": "no table values in this report"}
    where = _previous_label(previous)
    before = previous["values"]
    keys = set(current) | set(before)
    differing = sum(1 for key in keys if current.get(key) != before.get(key))
    if differing:
        detail = f"{differing} of {len(keys)} table values differ from {where}"
        return {"name": SAME_TABLES, "ok": True, "detail": detail}
    if not any(printed.values()):
        detail = (
            f"all {len(keys)} table values equal {where}, and all are 0: "
            "a quiet year cannot be told from a copied report"
        )
        return {"name": SAME_TABLES, "ok": None, "detail": detail}
    detail = f"all {len(keys)} table values equal {where}: copied tables?"
    return {"name": SAME_TABLES, "ok": False, "detail": detail}


def cross_year_checks(current: Values, has_tables: bool, previous: dict | None) -> list[dict]:
    """Every cross-year check of one report; none for a report without the national tables."""
    if not has_tables:
        return []
    return [*carried_over_checks(current, previous), same_tables_check(current, previous)]


def is_cross_year(name: str) -> bool:
    return name.startswith(PREVIOUS_YEAR) or name == SAME_TABLES


def _cell(value) -> str:
    return "blank" if value is None else str(value)
