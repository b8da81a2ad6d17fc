"""`figures`: one row per current report with the 总计 of the key rows — the CSV a journalist
downloads. Each figure is a printed 总计 cell, or the sum of printed 总计 cells when it gathers
several rows (denied = the eight 不予公开 rows); a sum is null unless every part was printed,
as report-json.md sums （六）其他处理: blank is not zero.
"""

from __future__ import annotations

from parsers.template import PROCESSED_ROWS

# figures column → the applications rows whose 总计 it is.
APPLICATION_FIGURES: dict[str, tuple[str, ...]] = {
    "new_received": ("new_received",),
    "carried_over": ("carried_over",),
    "granted": ("granted",),
    "partly_granted": ("partly_granted",),
    "denied": tuple(k for k in PROCESSED_ROWS if k.startswith("denied_")),
    "unable": tuple(k for k in PROCESSED_ROWS if k.startswith("unable_")),
    "rejected": tuple(k for k in PROCESSED_ROWS if k.startswith("rejected_")),
    "other": ("other",),
    "total_processed": ("total_processed",),
    "carried_forward": ("carried_forward",),
}
# figures column → (review_litigation kinds, outcome column).
REVIEW_FIGURES: dict[str, tuple[tuple[str, ...], str]] = {
    "review_total": (("review",), "total"),
    "review_corrected": (("review",), "corrected"),
    "litigation_total": (("litigation_direct", "litigation_after_review"), "total"),
    "litigation_corrected": (("litigation_direct", "litigation_after_review"), "corrected"),
}
DESCRIBING = ("report_id", "agency_id", "agency", "province", "level", "year", "template")
FIGURES = (*APPLICATION_FIGURES, *REVIEW_FIGURES)
COLUMNS = (*DESCRIBING, *FIGURES, "checks_failed", "title", "url")


def _sum_of_printed(key_column: str, keys: tuple[str, ...], value: str) -> str:
    """SQL: the sum of `value` over rows whose `key_column` is in keys, null unless all printed."""
    inside = ", ".join(f"'{k}'" for k in keys)
    printed = f"count(case when {key_column} in ({inside}) and {value} is not null then 1 end)"
    return (
        f"case when {printed} = {len(keys)} "
        f"then sum(case when {key_column} in ({inside}) then {value} end) end"
    )


def refresh_sql(reports_where: str) -> str:
    """Insert the figures of the current reports selected by `reports_where` (over `r`)."""
    applications = ", ".join(
        f"{_sum_of_printed('row', rows, 'total')} as {name}"
        for name, rows in APPLICATION_FIGURES.items()
    )
    reviews = ", ".join(
        f"{_sum_of_printed('kind', kinds, outcome)} as {name}"
        for name, (kinds, outcome) in REVIEW_FIGURES.items()
    )
    chosen = f"select r.id from reports r where r.superseded_by is null and ({reports_where})"
    return f"""
insert or replace into figures ({", ".join(COLUMNS)})
select r.id, r.agency_id, g.name, coalesce(g.province, r.province), coalesce(g.level, r.level),
  r.year, r.template, {", ".join(f"ap.{c}" for c in APPLICATION_FIGURES)},
  {", ".join(f"rl.{c}" for c in REVIEW_FIGURES)}, r.checks_failed, r.title, r.url
from reports r
left join agencies g on g.id = r.agency_id
left join (select report_id, {applications} from applications
           where report_id in ({chosen}) group by report_id) ap on ap.report_id = r.id
left join (select report_id, {reviews} from review_litigation
           where report_id in ({chosen}) group by report_id) rl on rl.report_id = r.id
where r.superseded_by is null and ({reports_where})
"""
