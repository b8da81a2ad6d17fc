"""The arithmetic a report can be held to (report-json.md, "checks").

A failed check is data, not an error: many published reports do not add up.
"""

from __future__ import annotations

from parsers.template import APPLICANT_COLUMNS, PROCESSED_ROWS, REVIEW_KINDS, REVIEW_OUTCOMES


def _check(name: str, parts: list, total, what: str) -> dict:
    """parts must add up to total; ok is null when any cell is blank."""
    if total is None or any(p is None for p in parts):
        return {"name": name, "ok": None, "detail": f"{what}: blank cells"}
    got = sum(parts)
    ok = abs(got - total) < 1e-6
    return {"name": name, "ok": ok, "detail": f"{what}: {got} {'=' if ok else '≠'} {total}"}


def compute_checks(report: dict) -> list[dict]:
    rows = report.get("applications") or {}
    checks: list[dict] = []
    if rows:
        columns = APPLICANT_COLUMNS
        for column in columns:
            received = [rows["new_received"][column], rows["carried_over"][column]]
            settled = [rows["total_processed"][column], rows["carried_forward"][column]]
            if None in received or None in settled:
                checks.append(
                    {
                        "name": f"balance_{column}",
                        "ok": None,
                        "detail": "新收 + 上年结转 = 总计 + 结转下年度: blank cells",
                    }
                )
            else:
                ok = sum(received) == sum(settled)
                checks.append(
                    {
                        "name": f"balance_{column}",
                        "ok": ok,
                        "detail": f"新收 + 上年结转 = {sum(received)}, 总计 + 结转下年度 = {sum(settled)}",
                    }
                )
        for key, values in rows.items():
            parts = [values[c] for c in columns[:-1]]
            checks.append(
                _check(f"row_total_{key}", parts, values["total"], "six applicant columns vs 总计")
            )
        for column in columns:
            parts = [rows[key][column] for key in PROCESSED_ROWS if key in rows]
            checks.append(
                _check(
                    f"processed_total_{column}",
                    parts,
                    rows["total_processed"][column],
                    "（一）…（六） vs （七）总计",
                )
            )
    review = report.get("review_litigation") or {}
    for kind in REVIEW_KINDS:
        if kind in review:
            outcomes = review[kind]
            name = "review_total" if kind == "review" else f"{kind}_total"
            parts = [outcomes[o] for o in REVIEW_OUTCOMES[:-1]]
            checks.append(_check(name, parts, outcomes["total"], "four outcomes vs 总计"))
    if "missing_rows" in report:
        missing = report["missing_rows"]
        checks.append(
            {
                "name": "template_rows_present",
                "ok": not missing,
                "detail": f"not found: {', '.join(missing)}" if missing else "every row found",
            }
        )
    return checks
