"""The old 统计表 of a 2008–2018 report → `legacy_figures` (report-json.md).

The table is found by its column headers (指标名称 / 计量单位 / 本年度 / 历年累计), else by
rows whose labels name rows of the old table and are followed by numbers. It is read in one
of two ways:
- grid: the header's cells stand in columns (an HTML, Word or PDF table, tab rows), so each
  cell's column says what it holds;
- stream: the columns are lost (one cell per line, the table flattened into one line of
  text), so a label is followed by its unit and numbers, in the header's order.
What each row means comes from parsers.legacy_template, matched by meaning: a label holding
a row's words, else one close to a row's wordings (a lost character, a look-alike).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from parsers.layout import Layout
from parsers.legacy_template import (
    GENERIC_OTHER,
    HEADER_SLACK,
    HEADER_WORDS,
    LEGACY_ROWS,
    MONEY,
    MONEY_UNITS,
    ROWS_BY_KEY,
    TABLE_UNIT,
    UNITS,
    YEAR_HEADER,
    LegacyRow,
    unit_kind,
)
from parsers.legacy_text import figures_from_text
from parsers.values import fold, is_value, read_number

SIMILAR = 0.8  # a label this close to one wording only (and no needle) names that row
MARGIN = 0.05  # … and closer to it than to any other row's wordings by this much
LABEL_MAX = 40  # characters: a longer cell is prose, not a row's label
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Numbering before a label: 其中： 一、 （一） (1) 1. 1、 ① 第一项, in any order and number.
_NUMBERING = re.compile(
    r"^(?:其中[:：,，]?|[一二三四五六七八九十]+[、.,]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、,)]|[①-⑳]|第[一二三四五六七八九十]+[项条])+"
)
# A unit in brackets after a label: 收费金额（元）, 申请数(件), （单位：件）.
_LABEL_UNIT = re.compile(r"[(（](?:计量)?(?:单位[:：])?([^()（）]{1,2})[)）]$")
_HEADING_END = ("情况", "统计表")
_PROSE = re.compile(r"[。；;！？]")

Number = int | float | None


@dataclass
class Part:
    """A piece of a cell: a label, a unit, a number or a header word."""

    text: str
    kind: str  # label | unit | value | header
    col: int
    row: int
    role: str | None = None  # for a header: the column it heads
    span: int = 1


@dataclass
class Row:
    label: str
    units: list[str] = field(default_factory=list)
    cells: list[Part] = field(default_factory=list)  # unit and value parts, in order
    row: int = 0


@dataclass
class Header:
    parts: list[Part]
    grid: bool  # its cells stand in distinct columns
    year: int | None = None

    def role_at(self, col: int) -> str | None:
        for part in self.parts:
            if part.col <= col < part.col + part.span:
                return part.role
        return None

    @property
    def first_data_col(self) -> int:
        return min((p.col for p in self.parts if p.role != "label"), default=1)

    def value_roles(self) -> list[str]:
        return [p.role for p in self.parts if p.role in ("value", "cumulative", "other")]


def canonical(label: str) -> str:
    """A label as it is compared: folded, without numbering and a unit in brackets."""
    folded = fold(label)
    folded = _LABEL_UNIT.sub("", folded)
    return _NUMBERING.sub("", folded) or folded


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _holds(label: str, needle: str) -> bool:
    return all(word in label for word in needle.split("+"))


# ---------------------------------------------------------------- labels → keys


@dataclass
class Match:
    key: str | None
    score: float
    how: str  # needle | group | similar | none


def match_label(label: str, unit: str | None, group: str | None) -> Match:
    """Which row of the old table a printed label names."""
    text = canonical(label)
    if not text or len(text) > LABEL_MAX or not _CJK.search(text):
        return Match(None, 0.0, "none")
    kind = unit_kind(unit)
    candidates = [
        row
        for row in LEGACY_ROWS
        if not any(word in text for word in row.avoid)
        and (kind is None or kind == "other" and row.units != MONEY or kind == row.units)
    ]
    if kind == "other":  # 人, 场, 天: no row of the old table counts in these
        return Match(None, 0.0, "none")

    def closeness(row: LegacyRow) -> float:
        return max(_similarity(text, canonical(w)) for w in row.wordings)

    held = [row for row in candidates if any(_holds(text, n) for n in row.needles)]
    if held:
        best = max(held, key=closeness)
        return Match(best.key, 2.0 + closeness(best), "needle")
    if group and GENERIC_OTHER.match(text) and f"{group}_other" in ROWS_BY_KEY:
        return Match(f"{group}_other", 1.5, "group")
    scored = sorted(((closeness(row), row.key) for row in candidates), reverse=True)
    if scored and scored[0][0] >= SIMILAR:
        second = scored[1][0] if len(scored) > 1 else 0.0
        if scored[0][0] - second >= MARGIN:
            return Match(scored[0][1], scored[0][0], "similar")
    return Match(None, 0.0, "none")


# ---------------------------------------------------------------- cells → parts


def _header_role(text: str) -> str | None:
    folded = fold(text)
    if len(folded) > 12:
        return None
    if YEAR_HEADER.match(folded):
        return "value"
    for role, words in HEADER_WORDS.items():
        if any(word in folded and len(folded) - len(word) <= HEADER_SLACK for word in words):
            return role
    return None


def _unit(text: str) -> str | None:
    folded = fold(text).strip("()（）")
    return folded if folded in UNITS else None


def _kind(text: str) -> str:
    if _unit(text):
        return "unit"
    if is_value(text):
        return "value"
    return "label"


def parts_of(layout: Layout) -> list[Part]:
    """Every cell as parts; a cell holding a whole flattened row (`行政复议数 件 2 7`) or a
    whole flattened table is split at its spaces."""
    parts: list[Part] = []
    for r, row in enumerate(layout.rows):
        for cell in row:
            pieces = _SPACE.split(cell.text.strip())
            if len(pieces) > 1 and any(_kind(p) != "label" for p in pieces):
                for piece in pieces:
                    parts.append(Part(piece, _kind(piece), cell.col, r))
            else:
                parts.append(
                    Part(cell.text.strip(), _kind(cell.text), cell.col, r, None, cell.span)
                )
    return parts


def _find_header(parts: list[Part]) -> tuple[Header, int] | None:
    """The first run of header words that names a value column; returns it and the index of
    the part after it."""
    i = 0
    while i < len(parts):
        run: list[Part] = []
        j = i
        while j < len(parts) and (
            _header_role(parts[j].text) or (run and parts[j].kind == "value" and not parts[j].text)
        ):
            if parts[j].text:
                run.append(parts[j])
            j += 1
        roles = [_header_role(p.text) for p in run]
        if len(run) >= 2 and ("value" in roles or "cumulative" in roles):
            header_parts = [
                Part(p.text, "header", p.col, p.row, role, p.span)
                for p, role in zip(run, roles, strict=True)
            ]
            cols = [p.col for p in header_parts]
            grid = len(set(cols)) == len(cols) and len({p.row for p in header_parts}) == 1
            return Header(header_parts, grid), j
        i = j + 1 if j > i else i + 1
    return None


def _settle_years(header: Header, year: int | None, warnings: list[str]) -> None:
    """Of two year columns (2012年, 2013年), the year reported on is the value; say which
    columns are not read."""
    years = {}
    for part in header.parts:
        match = YEAR_HEADER.match(fold(part.text))
        if match:
            years[id(part)] = int(match.group(1))
    if not years:
        return
    if len(years) == 1:
        header.year = next(iter(years.values()))
        return
    reported = year if year in years.values() else max(years.values())
    header.year = reported
    for part in header.parts:
        if id(part) in years and years[id(part)] != reported:
            part.role = "other"
            warnings.append(f'legacy_figures: column "{part.text}" not read (not {reported})')


# ---------------------------------------------------------------- parts → rows


def _join_label(pieces: list[str]) -> str:
    """Label pieces of one row: a bare 其中：/1. joins what follows it; of two labels in a
    row (a group cell over its rows), the last names the row."""
    label = ""
    for piece in pieces:
        text = _SPACE.sub("", piece)
        if not text:
            continue
        if not label or _NUMBERING.fullmatch(label) or not _NUMBERING.match(text):
            label += text
        else:
            label = text
    return label


def _is_prose(part: Part) -> bool:
    return part.kind == "label" and (
        len(fold(part.text)) > LABEL_MAX or bool(_PROSE.search(part.text))
    )


def _grid_rows(parts: list[Part], header: Header) -> list[Row]:
    rows: list[Row] = []
    by_row: dict[int, list[Part]] = {}
    for part in parts:
        by_row.setdefault(part.row, []).append(part)
    for r, cells in by_row.items():
        labels = [p.text for p in cells if p.col < header.first_data_col and p.kind != "value"]
        rest = [p for p in cells if p.col >= header.first_data_col]
        if any(_is_prose(p) for p in cells) and rows:
            break
        label = _join_label(labels)
        if not label:
            continue
        row = Row(label, row=r)
        for part in rest:
            if header.role_at(part.col) == "unit" or part.kind == "unit":
                if part.text.strip():
                    row.units.append(fold(part.text))
            else:
                row.cells.append(part)
        rows.append(row)
    return rows


def _stream_rows(parts: list[Part]) -> list[Row]:
    rows: list[Row] = []
    pending: list[Part] = []  # label pieces not yet followed by a number

    def close() -> None:
        if pending:
            rows.append(Row(_join_label([p.text for p in pending]), row=pending[0].row))
            pending.clear()

    for part in parts:
        if _is_prose(part):
            if rows:
                break
            pending.clear()
            continue
        if part.kind == "label":
            if not (pending and (_continues(pending, part) or _is_fragment(pending))):
                close()
            pending.append(part)
            continue
        close()
        if not rows:
            continue
        if part.kind == "unit":
            rows[-1].units.append(fold(part.text))
        else:
            rows[-1].cells.append(part)
    close()
    return rows


def _continues(pending: list[Part], part: Part) -> bool:
    """A label piece on the same line continues the pieces before it (a label with spaces in
    it), unless it starts a numbered row or they end a heading (一、主动公开情况)."""
    last = pending[-1]
    return (
        part.row == last.row
        and not _NUMBERING.match(fold(part.text))
        and not fold(last.text).endswith(_HEADING_END)
    )


def _is_fragment(pieces: list[Part]) -> bool:
    return bool(_NUMBERING.fullmatch(fold("".join(p.text for p in pieces))))


# ---------------------------------------------------------------- rows → figures


@dataclass
class LegacyTable:
    figures: list[dict]
    year: int | None  # the year the header names (2013年度)


def read_legacy_table(layout: Layout, year: int | None, warnings: list[str]) -> LegacyTable | None:
    """The report's old 统计表, or None when it prints none."""
    parts = parts_of(layout)
    found = _find_header(parts)
    notes: list[str] = []
    if found:
        header, start = found
        _settle_years(header, year, notes)
        body = [p for p in parts[start:] if p.kind != "header"]
        rows = _grid_rows(body, header) if header.grid else _stream_rows(body)
    else:
        header = None
        rows = _headerless_rows(parts)
    rows = _trim(rows)
    default_unit = _table_unit(parts)
    figures = _figures(rows, header, default_unit, notes)
    keyed = [f for f in figures if f["key"]]
    if not keyed or (header is None and len(keyed) < 2):
        return None
    if header is None:
        notes.append(
            "legacy_figures: the table has no column headers; the first number of a row "
            "read as the year's, a second as 历年累计"
        )
    warnings.extend(notes)
    return LegacyTable(figures, header.year if header else None)


def _headerless_rows(parts: list[Part]) -> list[Row]:
    """Rows from the first label that names a row of the old table and has a number."""
    for i, part in enumerate(parts):
        if part.kind != "label" or _is_prose(part):
            continue
        if match_label(part.text, None, None).how != "needle":
            continue
        if i + 1 < len(parts) and parts[i + 1].kind in ("unit", "value") and parts[i + 1].text:
            return _stream_rows(parts[i:])
    return []


def _trim(rows: list[Row]) -> list[Row]:
    """Drop rows after the last one that prints a unit or a number (notes, a signature)."""
    last = max((i for i, r in enumerate(rows) if r.units or r.cells), default=-1)
    return [r for r in rows[: last + 1] if _CJK.search(r.label)]


def _table_unit(parts: list[Part]) -> str | None:
    for part in parts:
        match = TABLE_UNIT.search(fold(part.text))
        if match and match.group(1) in UNITS:
            return match.group(1)
    return None


def _figures(
    rows: list[Row], header: Header | None, default_unit: str | None, warnings: list[str]
) -> list[dict]:
    roles = header.value_roles() if header else ["value", "cumulative"]
    has_cumulative = "cumulative" in roles
    matches: list[Match] = []
    group: str | None = None
    for row in rows:
        unit = _row_unit(row, default_unit)
        match = match_label(row.label, unit, group) if (row.cells or row.units) else None
        match = match or Match(None, 0.0, "none")
        matches.append(match)
        group = ROWS_BY_KEY[match.key].group if match.key else None
    _one_row_per_key(rows, matches, warnings)
    figures = []
    for row, match in zip(rows, matches, strict=True):
        figures.append(_figure(row, match, header, roles, has_cumulative, default_unit, warnings))
    return figures


def _one_row_per_key(rows: list[Row], matches: list[Match], warnings: list[str]) -> None:
    """A key names one row: the closest; another row read as the same key keeps its label."""
    best: dict[str, int] = {}
    for i, match in enumerate(matches):
        if match.key and (match.key not in best or match.score > matches[best[match.key]].score):
            best[match.key] = i
    for i, match in enumerate(matches):
        if match.key and best[match.key] != i:
            warnings.append(
                f'legacy_figures.{match.key}: "{rows[i].label}" also reads as this row; '
                f'kept with key null ("{rows[best[match.key]].label}" is closer)'
            )
            matches[i] = Match(None, 0.0, "none")


def _row_unit(row: Row, default_unit: str | None) -> str | None:
    if row.units:
        return row.units[0]
    match = _LABEL_UNIT.search(fold(row.label))
    if match and match.group(1) in UNITS:
        return match.group(1)
    return default_unit


def _figure(
    row: Row,
    match: Match,
    header: Header | None,
    roles: list[str],
    has_cumulative: bool,
    default_unit: str | None,
    warnings: list[str],
) -> dict:
    unit = _row_unit(row, default_unit)
    key = match.key
    where = f"legacy_figures.{key or row.label}"
    if match.how == "similar":
        warnings.append(f'{where}: label "{row.label}" read as "{ROWS_BY_KEY[key].label}"')
    money = unit in MONEY_UNITS or (key is not None and ROWS_BY_KEY[key].units == MONEY)
    if money and unit is None:
        warnings.append(f"{where}: no unit printed; the amount kept as printed (万元 assumed)")
    values = _assign(row, header, roles, where, warnings)
    figure: dict = {
        "key": key,
        "label": row.label,
        "unit": "万元" if money and (unit in MONEY_UNITS or unit is None) else unit,
    }
    for role in ("value", "cumulative"):
        if role == "cumulative" and not has_cumulative:
            continue
        figure[role] = _amount(values.get(role), unit, money, where, warnings)
    figure["source"] = "table"
    return figure


def _assign(
    row: Row, header: Header | None, roles: list[str], where: str, warnings: list[str]
) -> dict[str, Part]:
    """Which of a row's cells is the year's value and which the 历年累计."""
    if header is not None and header.grid:
        found: dict[str, Part] = {}
        for part in row.cells:
            role = header.role_at(part.col)
            if role in ("value", "cumulative") and role not in found:
                found[role] = part
        return found
    cells = [p for p in row.cells if p.kind == "value"]
    if cells and len(cells) < len(roles):
        missing = ", ".join(roles[len(cells) :])
        warnings.append(
            f"{where}: {len(cells)} numbers where {len(roles)} belong; {missing} taken as "
            "missing (the columns' order kept)"
        )
    elif len(cells) > len(roles):
        warnings.append(f"{where}: {len(cells)} numbers where {len(roles)} belong; extra not read")
    return {role: part for role, part in zip(roles, cells, strict=False)}


def _amount(
    part: Part | None, unit: str | None, money: bool, where: str, warnings: list[str]
) -> Number:
    if part is None:
        return None
    try:
        number = read_number(part.text, money=money)
    except ValueError:
        warnings.append(f"{where}: unreadable value {part.text!r} taken as blank")
        return None
    if number is None or not money:
        return number
    printed_unit = re.search(r"(亿元|千元|万元|元)$", fold(part.text))
    if printed_unit is None and unit in MONEY_UNITS:
        number = round(number * MONEY_UNITS[unit], 6)
    return float(number)


# ---------------------------------------------------------------- the report


@dataclass
class Legacy:
    figures: list[dict]
    template: str | None
    year: int | None


def read_legacy(
    layout: Layout, texts: list[str], template: str | None, year: int | None, warnings: list[str]
) -> Legacy | None:
    """A report before 2019: its 统计表, else the figures its sentences state. A report of no
    known template that prints the old table is one before 2019."""
    if template not in (None, "pre2019"):
        return None
    table = read_legacy_table(layout, year, warnings)
    if table is None:
        if template is None:
            return None
        return Legacy(figures_from_text(texts, warnings), template, year)
    if template is None:
        warnings.append("template: pre2019, from its 统计表 (指标名称 / 计量单位 / 本年度)")
        template = "pre2019"
    if year is None and table.year is not None:
        warnings.append(f"year: {table.year}, from the 统计表's column header")
        year = table.year
    return Legacy(table.figures, template, year)
