"""Layout → the parsed-report object of ../shared/spec/report-json.md."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from parsers.checks import compute_checks
from parsers.hanzi import LOOKALIKES_ONE, canon, is_traditional, plain, to_simplified
from parsers.layout import LOW_CONFIDENCE, Cell, Layout
from parsers.legacy import read_legacy
from parsers.legacy_text import title_in_running_text
from parsers.tables import Found, read_active, read_applications, read_review
from parsers.template import (
    ACTIVE_FIELDS,
    APPLICANT_COLUMNS,
    OTHER_SUBROWS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    application_rows,
)
from parsers.values import fold
from parsers.vocabulary import (
    AGENCY_NOISE,
    AGENCY_WORDS,
    DISCLOSURE_WORDS,
    HEADING_MAX,
    HEADING_NUMBER,
    REPORT_WORDS,
    SECTION_HEADINGS,
    STATS_PERIOD,
    TEMPLATE_MARKERS,
    TITLE_TAILS,
    YEAR,
    YEAR_STUMP,
    digit_years,
    names_report,
)

APPLICATIONS_MISSING = "applications table not found"
CONVERTED = "text: converted from traditional characters"
_BREADCRUMB = re.compile(r"[:：>。,，]|当前位置")  # a breadcrumb, or a sentence: not a title
_TEXT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
CONTENTS_MIN = 3  # headings on consecutive lines that make a table of contents


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

    def region(self, key: str) -> tuple[int, int]:
        """Where a section's table is: its span, or, when its heading was not found, between
        the headings found around where it belongs."""
        span = self.span(key)
        if span is not None:
            return span
        order = [k for k, _ in SECTION_HEADINGS]
        before = [self.starts[k] for k in order[: order.index(key)] if k in self.starts]
        after = [self.starts[k] for k in order[order.index(key) + 1 :] if k in self.starts]
        return (max(before) + 1 if before else 0), min(after, default=self.total)


def find_sections(texts: list[str]) -> Sections:
    headings = [
        canon(t) if len(t) <= HEADING_MAX * 2 and HEADING_NUMBER.match(fold(t)) else ""
        for t in texts
    ]
    sections = _sections_from(headings, 0)
    rows = sorted(sections.starts.values())
    if len(rows) >= CONTENTS_MIN and rows[-1] - rows[0] == len(rows) - 1:
        # Headings on consecutive lines, nothing under them: a table of contents. The
        # report's own headings follow it.
        body = _sections_from(headings, rows[-1] + 1)
        if len(body.starts) >= len(rows) - 1:
            sections = body
    return _out_of_order(headings, sections)


def _out_of_order(headings: list[str], sections: Sections) -> Sections:
    """Add the sections whose heading stands out of the form's order (四 printed before 三):
    the first heading line that names one and that no section took."""
    used = set(sections.starts.values())
    for key, phrases in SECTION_HEADINGS:
        if key in sections.starts:
            continue
        for r, heading in enumerate(headings):
            if r in used or not heading or len(heading) > HEADING_MAX:
                continue
            if phrases.search(heading):
                sections.starts[key] = r
                used.add(r)
                break
    return sections


def _sections_from(headings: list[str], position: int) -> Sections:
    """Where each section's heading stands among `headings` (canonical; "" for a line that is
    none), in the sections' order, from row `position` on."""
    starts: dict[str, int] = {}
    for key, phrases in SECTION_HEADINGS:
        for r in range(position, len(headings)):
            heading = headings[r]
            if heading and len(heading) <= HEADING_MAX and phrases.search(heading):
                starts[key] = r
                position = r + 1
                break
    return Sections(starts, len(headings))


def find_captions(texts: list[str], start: int) -> Sections:
    """Where, from row `start` on, a short line names each section's table: a caption such as
    附表2：收到和处理政府信息公开申请情况统计表, numbered or not."""
    return _sections_from([canon(t) if len(t) <= HEADING_MAX * 2 else "" for t in texts], start)


def _title(layout: Layout, texts: list[str], first_section: int) -> str | None:
    """The report's title: the container's, else the heading lines above the body."""
    for title in layout.titles:
        if names_report(canon(title)):
            return re.sub(r"\s+", "", title)
    head = [fold(t) for t in texts[: max(first_section, 1)][:30] if t.strip()]
    candidates = []
    for i, line in enumerate(head):
        if len(line) > 60 or not REPORT_WORDS.search(canon(line)) or _BREADCRUMB.search(line):
            continue
        title = line
        # A title broken over lines: prepend lines while it lacks its beginning.
        for before in reversed(head[:i]):
            bare = (
                title.startswith(TITLE_TAILS)
                or digit_years(title)[:1].isdigit()
                or not DISCLOSURE_WORDS.search(canon(title))
            )
            if not bare or len(before) > 30 or _BREADCRUMB.search(before):
                break
            title = before + title
        if DISCLOSURE_WORDS.search(canon(title)):
            candidates.append(title)
    with_year = [t for t in candidates if YEAR.search(digit_years(canon(t)))]
    return (with_year or candidates or layout.titles or [None])[0]


def _agency(title: str | None) -> str | None:
    if not title:
        return None
    printed = fold(title)
    # same positions: look-alike digits read, a year in numerals in digits
    read = digit_years(printed.translate(LOOKALIKES_ONE))
    year = YEAR.search(read)
    if year and printed[: year.start()].strip():
        start, end = 0, year.start()
    else:
        start, end = (year.end() if year else 0), len(printed)
    disclosure = DISCLOSURE_WORDS.search(read, start, end)
    if disclosure:
        end = disclosure.start()
    agency = YEAR_STUMP.sub("", printed[start:end])
    agency = AGENCY_NOISE.sub("", agency).strip(' 《》“”"')
    return _agency_words(agency) or None


def _agency_of_text(agency: str | None, body: str, warnings: list[str]) -> str | None:
    """The agency as the text prints it, where the title lost one of its characters: the
    title's agency is nowhere else, but the text (`body`, plain) names it with one character
    more."""
    if not agency or len(agency) < 2:
        return agency
    if body.count(agency) > 1:  # the title's line, and elsewhere: it is what it says
        return agency
    found = _with_one_more(agency, body).most_common(1)
    if not found or found[0][1] < (2 if len(agency) <= 3 else 1):
        return agency
    warnings.append(f'agency: the title says "{agency}", the text "{found[0][0]}"')
    return found[0][0]


def _with_one_more(agency: str, body: str) -> Counter[str]:
    """The strings of `body` that are `agency` with one Chinese character put inside it,
    counted without overlap from the left. (A regular expression of the alternatives would
    say the same, but compiling its character classes anew for each agency took 9 ms.)"""
    starts: set[int] = set()
    for i in range(1, len(agency)):
        head, tail = agency[:i], agency[i:]
        start = body.find(head)
        while start >= 0:
            gap = start + i
            if gap < len(body) and "\u4e00" <= body[gap] <= "\u9fff":
                if body.startswith(tail, gap + 1):
                    starts.add(start)
            start = body.find(head, start + 1)
    found: Counter[str] = Counter()
    end = 0
    for start in sorted(starts):
        if start >= end:
            end = start + len(agency) + 1
            found[body[start:end]] += 1
    return found


def _agency_words(agency: str) -> str:
    """Words agencies are made of, where a look-alike stands in them: 入民政府 → 人民政府."""
    read = agency.translate(LOOKALIKES_ONE)
    for word in AGENCY_WORDS:
        start = read.find(word.translate(LOOKALIKES_ONE))
        if start >= 0:
            agency = agency[:start] + word + agency[start + len(word) :]
    return agency


def _year(title: str | None, texts: list[str]) -> int | None:
    if title:
        match = YEAR.search(digit_years(canon(title)))
        if match:
            return int(match.group(1))
    for text in texts[:80]:
        match = STATS_PERIOD.search(digit_years(canon(text)))
        if match:
            return int(match.group(1))
    return None


def _year_of_text(texts: list[str], sections: Sections) -> int | None:
    """The year the text before the tables names most (2020年，我镇…): the reported year
    when neither the title nor a 统计期限 says it."""
    end = sections.starts.get("active", min(len(texts), 80))
    years = Counter(
        int(year) for text in texts[:end] for year in _TEXT_YEAR.findall(digit_years(canon(text)))
    )
    return years.most_common(1)[0][0] if years else None


def _template(body: str, year: int | None) -> str | None:
    """The template the column headers in `body` (plain text: no marker holds a look-alike,
    so the body is not translated) name, else the one of the reported year."""
    scores = {name: markers.count(body) for name, markers in TEMPLATE_MARKERS.items()}
    if any(scores.values()):
        return max(scores, key=lambda name: scores[name])
    if year is None:
        return None
    if year < 2019:
        return "pre2019"
    return "2019" if year < 2021 else "2021"


def _regions(
    layout: Layout, texts: list[str], sections: Sections, key: str
) -> Iterator[list[list[Cell]]]:
    """Where a section's table may be: its region, then, for reports that print their tables
    after the text (附表 at the end), the rows under the caption that names it there
    (附表2：收到和处理政府信息公开申请情况统计表), else all the rows after the last heading.
    Lazily: the second is looked for only when the first does not hold the table."""
    start, end = sections.region(key)
    yield layout.rows[start:end]
    last = max(sections.starts.values(), default=None)
    if last is not None and last + 1 >= end:
        captions = find_captions(texts, last + 1)
        tail = captions.span(key) or (last + 1, len(texts))
        yield layout.rows[tail[0] : tail[1]]


def _read_table(
    read: Callable, regions: Iterable[list[list[Cell]]], warnings: list[str], doubtful: list[str]
):
    """What `read(rows, warnings, doubtful)` gives for the first region that holds its table
    (else for the first region), with that reading's warnings and doubtful cells."""
    readings = []
    for rows in regions:
        notes: list[str] = []
        unsure: list[str] = []
        result = read(rows, notes, unsure)
        readings.append((result, notes, unsure))
        if (result[0] if isinstance(result, tuple) else result).rows:
            break
    else:
        readings = readings[:1]
    result, notes, unsure = readings[-1]
    warnings += notes
    doubtful += unsure
    return result


def _narrative(texts: list[str], sections: Sections, key: str) -> str | None:
    span = sections.span(key)
    if span is None:
        return None
    text = "\n".join(t for t in texts[span[0] : span[1]] if t.strip()).strip()
    return text or None


def _simplified(layout: Layout, texts: list[str]) -> Layout | None:
    """The layout in simplified characters, or None when it is not in traditional ones."""
    if not is_traditional("".join(texts) + "".join(layout.titles)):
        return None
    rows = [[replace(c, text=to_simplified(c.text)) for c in row] for row in layout.rows]
    return replace(layout, rows=rows, titles=[to_simplified(t) for t in layout.titles])


def _applications(found: Found, template: str) -> dict[str, dict]:
    rows = {}
    for spec in application_rows(template):
        values = found.values.get(spec.key, [None] * len(APPLICANT_COLUMNS))
        rows[spec.key] = dict(zip(APPLICANT_COLUMNS, values, strict=True))
    if template == "2021" and "other" not in found.values:
        # The form's （六）其他处理 is the sum of its three sub-rows: derived only where all
        # three print a number, never with a blank taken as zero.
        subrows = [rows[key] for key in OTHER_SUBROWS]
        rows["other"] = {
            column: (
                sum(r[column] for r in subrows)
                if all(isinstance(r[column], int | float) for r in subrows)
                else None
            )
            for column in APPLICANT_COLUMNS
        }
    return rows


def _missing_rows(template: str, active: Found, applications: Found, review: Found) -> list[str]:
    """Template rows the report does not print (report-json.md, missing_rows)."""
    missing = [f"active_disclosure.{k}" for k in ACTIVE_FIELDS[template] if k not in active.rows]
    derived = {"other"} if all(k in applications.rows for k in OTHER_SUBROWS) else set()
    missing += [
        f"applications.{spec.key}"
        for spec in application_rows(template)
        if spec.key not in applications.rows and spec.key not in derived
    ]
    missing += [f"review_litigation.{kind}" for kind in REVIEW_KINDS if kind not in review.rows]
    return missing


def build_report(layout: Layout, source: str) -> dict:
    warnings = list(layout.warnings)
    printed = layout.row_texts()  # the narrative is quoted as printed
    simplified = _simplified(layout, printed)
    if simplified is not None:
        layout = simplified
        warnings.append(CONVERTED)
    texts = layout.row_texts() if simplified is not None else printed
    sections = find_sections(texts)
    first_section = min(sections.starts.values(), default=len(texts))
    title = _title(layout, texts, first_section) or title_in_running_text(texts)
    year = _year(title, texts)
    if year is None:
        year = _year_of_text(texts, sections)
        if year is not None:
            warnings.append(f"year: not in the title; {year}, the year the text names most")
    body = plain("".join(texts))  # what the report printed, as one folded text
    # A document with no text (a scanned PDF) has no template, whatever its title says.
    template = _template(body, year) if layout.rows else None
    # Before 2019: the old 统计表, or figures stated in sentences (parsers.legacy).
    legacy = read_legacy(layout, texts, template, year, warnings) if layout.rows else None
    if legacy is not None:
        template, year = legacy.template, legacy.year
    report = {
        "source": source,
        "title": title,
        "agency": _agency_of_text(_agency(title), body, warnings),
        "year": year,
        "template": template,
        "active_disclosure": {},
        "active_disclosure_extra": [],
        "applications": {},
        "review_litigation": {},
        "legacy_figures": legacy.figures if legacy is not None else [],
        "sections": {
            key: _narrative(printed, sections, key) for key in ("overview", "problems", "other")
        },
        "checks": [],
        "warnings": warnings,
        "missing_rows": [],
    }
    if layout.ocr:
        report["ocr"] = layout.ocr
    if title is None:
        warnings.append("no title found")
    if year is None:
        warnings.append("no year found")
    if template not in ("2019", "2021"):
        if template is None:
            warnings.append("template unknown: no national table found and no year")
        return report

    doubtful: list[str] = []  # fields OCR read with little confidence

    def table(key: str, read: Callable):
        return _read_table(read, _regions(layout, texts, sections, key), warnings, doubtful)

    active, extras = table("active", lambda rows, w, d: read_active(rows, template, w, d))
    report["active_disclosure"] = {
        item: active.values.get(item, dict.fromkeys(names))
        for item, names in ACTIVE_FIELDS[template].items()
    }
    report["active_disclosure_extra"] = extras
    found = table("applications", lambda rows, w, d: read_applications(rows, template, w, d))
    report["applications"] = _applications(found, template)
    review = table("review", read_review)
    report["review_litigation"] = {
        kind: review.values.get(kind, dict.fromkeys(REVIEW_OUTCOMES)) for kind in REVIEW_KINDS
    }
    if not found.values:
        warnings.append(APPLICATIONS_MISSING)
    if not review.rows:
        warnings.append("review and litigation table not found")
    if doubtful:
        warnings.append(
            f"ocr: {len(doubtful)} cells below confidence {LOW_CONFIDENCE}: " + ", ".join(doubtful)
        )
    missing = _missing_rows(template, active, found, review)
    warnings += [f"{key}: not found" for key in missing]
    report["missing_rows"] = missing
    report["checks"] = compute_checks(report)
    return report


def is_report(report: dict) -> bool:
    """A parsed document is a 年报: it prints the national tables, or it is titled as one and
    has the report's sections or the old 统计表 (the reports before 2019)."""
    if report.get("template") in ("2019", "2021"):
        # A notice about 年报 (关于做好…年度报告…的通知) gets a template from its year but
        # prints no table; a report with blank tables still prints the table's labels.
        return APPLICATIONS_MISSING not in report.get("warnings", ())
    sections = report.get("sections") or {}
    titled = bool(report.get("title") and REPORT_WORDS.search(canon(report["title"])))
    # A report flattened into one line has no section headings of its own, but its old
    # 统计表 (parsers.legacy) says what it is.
    old_table = any(f.get("source") == "table" for f in report.get("legacy_figures") or ())
    return titled and (old_table or sum(1 for text in sections.values() if text) >= 1)
