"""Layout → the parsed-report object of ../shared/spec/report-json.md."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.checks import compute_checks
from parsers.layout import Cell, Layout
from parsers.legacy import read_legacy
from parsers.legacy_text import title_in_running_text, year_in_running_text
from parsers.tables import read_active, read_applications, read_review
from parsers.template import (
    ACTIVE_FIELDS,
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    TEMPLATE_MARKERS,
    application_rows,
)
from parsers.values import fold

# Section headings, in the order the templates print them: key → what the heading says.
SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overview", re.compile(r"总体情况|总体概况|概述")),
    ("active", re.compile(r"主动公开政府信息情况|主动公开情况")),
    ("applications", re.compile(r"收到和处理政府信息公开申请|依申请公开政府信息情况")),
    ("review", re.compile(r"行政复议.{0,3}行政诉讼|复议.{0,2}诉讼情况")),
    ("problems", re.compile(r"存在的主要问题|存在问题|主要问题及改进")),
    ("other", re.compile(r"其他需要报告的事项|其他事项")),
)
_HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]|第[一二三四五六七八九十]+部分)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
APPLICATIONS_MISSING = "applications table not found"
_TITLE_WORDS = re.compile(r"年度报告|年报|工作报告")
_DISCLOSURE = re.compile(r"政府信息公开|政务公开|信息公开")
_BREADCRUMB = re.compile(r"[:：>。]|当前位置")
_TITLE_TAILS = ("工作", "年度", "政府信息", "政务公开", "信息公开")
_STATS_PERIOD = re.compile(r"统计期限为?\s*((?:19|20)\d{2})\s*年")


@dataclass
class Sections:
    """Row index where each section's heading stands, in reading order."""

    starts: dict[str, int]
    total: int

    def span(self, key: str) -> tuple[int, int] | None:
        if key not in self.starts:
            return None
        start = self.starts[key]
        later = [s for s in self.starts.values() if s > start]
        return start + 1, min(later, default=self.total)


def find_sections(texts: list[str]) -> Sections:
    starts: dict[str, int] = {}
    position = 0
    for key, pattern in SECTIONS:
        for r in range(position, len(texts)):
            folded = fold(texts[r])
            if len(folded) <= 40 and _HEADING_NUMBER.match(folded) and pattern.search(folded):
                starts[key] = r
                position = r + 1
                break
    return Sections(starts, len(texts))


def _title(layout: Layout, texts: list[str], first_section: int) -> str | None:
    """The report's title: the container's, else the heading lines above the body."""
    for title in layout.titles:
        if _TITLE_WORDS.search(title) and _DISCLOSURE.search(title):
            return re.sub(r"\s+", "", title)
    head = [fold(t) for t in texts[: max(first_section, 1)][:30] if t.strip()]
    candidates = []
    for i, line in enumerate(head):
        if len(line) > 60 or not _TITLE_WORDS.search(line) or _BREADCRUMB.search(line):
            continue
        title = line
        # A title broken over lines: prepend lines while it lacks its beginning.
        for before in reversed(head[:i]):
            bare = title.startswith(_TITLE_TAILS) or _YEAR.match(title)
            if not bare or len(before) > 30 or _BREADCRUMB.search(before):
                break
            title = before + title
        if _DISCLOSURE.search(title):
            candidates.append(title)
    with_year = [t for t in candidates if _YEAR.search(t)]
    return (with_year or candidates or layout.titles or [None])[0]


def _agency(title: str | None) -> str | None:
    if not title:
        return None
    parts = _YEAR.split(title, maxsplit=1)
    if len(parts) == 3 and parts[0].strip():
        agency = parts[0]
    else:
        agency = parts[-1]
    agency = _DISCLOSURE.split(agency, maxsplit=1)[0]
    agency = re.sub(r"(关于|公布|发布)$", "", agency).strip(' 《》“”"')
    return agency or None


def _year(title: str | None, texts: list[str]) -> int | None:
    if title:
        match = _YEAR.search(title)
        if match:
            return int(match.group(1))
    for text in texts[:80]:
        match = _STATS_PERIOD.search(fold(text))
        if match:
            return int(match.group(1))
    return None


def _template(texts: list[str], year: int | None) -> str | None:
    body = fold("".join(texts))
    scores = {
        name: sum(body.count(m) for m in markers) for name, markers in TEMPLATE_MARKERS.items()
    }
    if any(scores.values()):
        return max(scores, key=lambda name: scores[name])
    if year is None:
        return None
    if year < 2019:
        return "pre2019"
    return "2019" if year < 2021 else "2021"


def _region(layout: Layout, sections: Sections, key: str) -> list[list[Cell]]:
    span = sections.span(key)
    if span is None:
        return layout.rows
    return layout.rows[span[0] : span[1]]


def _narrative(texts: list[str], sections: Sections, key: str) -> str | None:
    span = sections.span(key)
    if span is None:
        return None
    text = "\n".join(t for t in texts[span[0] : span[1]] if t.strip()).strip()
    return text or None


def _applications(found: dict[str, list], template: str) -> dict[str, dict]:
    rows = {}
    for spec in application_rows(template):
        values = found.get(spec.key, [None] * len(APPLICANT_COLUMNS))
        rows[spec.key] = dict(zip(APPLICANT_COLUMNS, values, strict=True))
    if template == "2021" and "other" not in found:
        subrows = [rows[key] for key in OTHER_SUBROWS if key in found]
        if subrows:
            rows["other"] = {
                column: (
                    None
                    if all(r[column] is None for r in subrows)
                    else sum(r[column] or 0 for r in subrows)
                )
                for column in APPLICANT_COLUMNS
            }
    return rows


def build_report(layout: Layout, source: str) -> dict:
    warnings = list(layout.warnings)
    texts = layout.row_texts()
    sections = find_sections(texts)
    first_section = min(sections.starts.values(), default=len(texts))
    title = _title(layout, texts, first_section) or title_in_running_text(texts)
    year = _year(title, texts) or year_in_running_text(texts)
    # A document with no text (a scanned PDF) has no template, whatever its title says.
    template = _template(texts, year) if layout.rows else None
    # Before 2019: the old 统计表, or figures stated in sentences (parsers.legacy).
    legacy = read_legacy(layout, texts, template, year, warnings) if layout.rows else None
    if legacy is not None:
        template, year = legacy.template, legacy.year
    report = {
        "source": source,
        "title": title,
        "agency": _agency(title),
        "year": year,
        "template": template,
        "active_disclosure": {},
        "active_disclosure_extra": [],
        "applications": {},
        "review_litigation": {},
        "legacy_figures": legacy.figures if legacy is not None else [],
        "sections": {
            key: _narrative(texts, sections, key) for key in ("overview", "problems", "other")
        },
        "checks": [],
        "warnings": warnings,
    }
    if title is None:
        warnings.append("no title found")
    if year is None:
        warnings.append("no year found")
    if template not in ("2019", "2021"):
        if template is None:
            warnings.append("template unknown: no national table found and no year")
        return report

    items, extras = read_active(_region(layout, sections, "active"), template, warnings)
    report["active_disclosure"] = {
        item: items.get(item, dict.fromkeys(names))
        for item, names in ACTIVE_FIELDS[template].items()
    }
    report["active_disclosure_extra"] = extras
    found = read_applications(_region(layout, sections, "applications"), template, warnings)
    report["applications"] = _applications(found, template)
    review = read_review(_region(layout, sections, "review"), warnings)
    report["review_litigation"] = review or {
        kind: dict.fromkeys(REVIEW_OUTCOMES) for kind in REVIEW_KINDS
    }
    if not found:
        warnings.append(APPLICATIONS_MISSING)
    if review is None:
        warnings.append("review and litigation table not found")
    report["checks"] = compute_checks(report)
    return report


def is_report(report: dict) -> bool:
    """A parsed document is a 年报: it prints the national tables, or it is titled as one and
    has the report's sections (the free-form reports before 2019)."""
    if report.get("template") in ("2019", "2021"):
        # A notice about 年报 (关于做好…年度报告…的通知) gets a template from its year but
        # prints no table; a report with blank tables still prints the table's labels.
        return APPLICATIONS_MISSING not in report.get("warnings", ())
    sections = report.get("sections") or {}
    titled = bool(report.get("title") and _TITLE_WORDS.search(report["title"]))
    return titled and sum(1 for text in sections.values() if text) >= 1
