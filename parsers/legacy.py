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
from collections import Counter
from dataclasses import dataclass, field

from parsers.layout import Layout
from parsers.legacy_labels import (
    CJK,
    HEADING_END,
    LABEL_MAX,
    LABEL_UNIT,
    NUMBERING,
    Match,
    match_label,
    one_row_per_key,
    settle_either,
)
from parsers.legacy_template import (
    DAMAGED_YEAR_HEADER,
    HEADER_GROUP,
    HEADER_SLACK,
    HEADER_WORDS,
    MONEY,
    MONEY_UNITS,
    ROWS_BY_KEY,
    SINCE,
    TABLE_UNIT,
    UNITS,
    YEAR_HEADER,
)
from parsers.legacy_text import figures_from_text
from parsers.values import fold, is_value, printed_unit, read_number

_SPACE = re.compile(r"\s+")
_YEAR_PIECE = re.compile(r"^(?:19|20)\d{2}$")
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
        return [
            p.role for p in self.parts if p.role in ("value", "cumulative", "previous", "other")
        ]


# ---------------------------------------------------------------- cells → parts


def _header_role(text: str) -> str | None:
    folded = fold(text)
    if _table_unit_note(folded):
        return None  # 单位：件 above the table says its unit; it heads no column
    if YEAR_HEADER.match(folded) or DAMAGED_YEAR_HEADER.match(folded):
        return "value"
    since = SINCE.sub("", folded)
    if since != folded and _role_by_words(since) == "cumulative":
        return "cumulative"
    return _role_by_words(folded) if len(folded) <= 12 else None


def _role_by_words(folded: str) -> str | None:
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
    """Every cell as parts; a cell holding a whole flattened row (`行政复议数 件 2 7`), a row
    of headers or a whole flattened table is split at its spaces. A label with a space in it
    (金额（万 元）) is not: it holds no number."""
    parts: list[Part] = []
    for r, row in enumerate(layout.rows):
        for cell in row:
            pieces = _SPACE.split(cell.text.strip())
            if len(pieces) > 1 and _flattened(cell.text, pieces):
                for piece in pieces:
                    parts.append(Part(piece, _kind(piece), cell.col, r))
            else:
                parts.append(
                    Part(cell.text.strip(), _kind(cell.text), cell.col, r, None, cell.span)
                )
    return parts


def _flattened(text: str, pieces: list[str]) -> bool:
    if _header_role(text) is not None:  # 2013 年度, 指 标 名 称: one header
        return False
    # Numbers after a label (a row's numbers), not before it (2 .政府公报公开数 is a label).
    kinds = [_kind(p) for p in pieces]
    first = kinds.index("label") if "label" in kinds else len(pieces)
    numbers = any(p and k == "value" for p, k in zip(pieces[first:], kinds[first:], strict=True))
    return numbers or sum(1 for p in pieces if _header_role(p)) >= 2


def _find_header(parts: list[Part]) -> tuple[Header, int] | None:
    """The first run of header words that names a value column; returns it and the index of
    the part after it."""
    i = 0
    while i < len(parts):
        run: list[Part] = []
        j = i
        while j < len(parts):
            part = parts[j]
            if _header_role(part.text):
                run.append(part)
            elif part.kind == "value" and not part.text and run:
                pass  # a blank cell in the header row
            elif _YEAR_PIECE.match(part.text) and j + 1 < len(parts):
                # 2013 年度 flattened with a space in it
                if not fold(parts[j + 1].text).startswith("年"):
                    break
                nxt = parts[j + 1]
                run.append(Part(part.text + nxt.text, "label", part.col, part.row))
                j += 1
            else:
                break
            j += 1
        header = _header(run)
        if header is not None:
            return header, j
        i = j + 1 if j > i else i + 1
    return None


def _header(run: list[Part]) -> Header | None:
    """Header parts as columns: pieces of one cell with the same role are one column
    (指标 名称 flattened with a space in it)."""
    merged: list[Part] = []
    for part in run:
        role = _header_role(part.text)
        last = merged[-1] if merged else None
        if last and last.role == role and (last.col, last.row) == (part.col, part.row):
            last.text += part.text
            continue
        merged.append(Part(part.text, "header", part.col, part.row, role, part.span))
    roles = [p.role for p in merged]
    if len(merged) < 2 or ("value" not in roles and "cumulative" not in roles):
        return None
    # 数量 over the columns 本年度 and 历年累计 heads no column of its own.
    specific = [p for p in merged if p.role in ("value", "cumulative") and not _generic(p)]
    if specific:
        merged = [p for p in merged if not _generic(p)]
    rows: dict[int, list[int]] = {}
    for part in merged:
        rows.setdefault(part.row, []).append(part.col)
    grid = any(len(cols) > 1 for cols in rows.values()) and all(
        len(set(cols)) == len(cols) for cols in rows.values()
    )
    return Header(merged, grid)


def _generic(part: Part) -> bool:
    return fold(part.text) in HEADER_GROUP


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
    """Label pieces of one row, joined: a label with spaces in it, or broken over two cells. A
    numbered piece starts the label again unless what came before is bare numbering (其中：,
    1.); so does any piece after a heading (一、主动公开情况, a group cell over its rows)."""
    label = ""
    for piece in pieces:
        text = _SPACE.sub("", piece)
        if not text:
            continue
        fresh = NUMBERING.match(text) or label.endswith(HEADING_END)
        if not label or NUMBERING.fullmatch(label) or not fresh:
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
        rows[-1].cells.append(part)
    close()
    return rows


def _continues(pending: list[Part], part: Part) -> bool:
    """A label piece on the same line continues the pieces before it (a label with spaces in
    it), unless it starts a numbered row or they end a heading (一、主动公开情况)."""
    last = pending[-1]
    return (
        part.row == last.row
        and not NUMBERING.match(fold(part.text))
        and not fold(last.text).endswith(HEADING_END)
    )


def _is_fragment(pieces: list[Part]) -> bool:
    return bool(NUMBERING.fullmatch(fold("".join(p.text for p in pieces))))


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
        notes += [
            f'legacy_figures: column "{p.text}" not read (not the year reported on)'
            for p in header.parts
            if p.role == "previous"
        ]
        body = [p for p in parts[start:] if p.kind != "header"]
        rows = _grid_rows(body, header) if header.grid else _stream_rows(body)
    else:
        rows = _headerless_rows(parts)
        header = _inferred_header(rows)
    rows = _trim(rows)
    default_unit = _table_unit(parts)
    figures = _figures(rows, header, default_unit, notes)
    keyed = [f for f in figures if f["key"]]
    if not keyed or (not found and len(keyed) < 2):
        return None
    if not found:
        notes.append(
            "legacy_figures: the table has no column headers; the first column of numbers "
            "read as the year's" + (", a second as 历年累计" if "cumulative" in figures[0] else "")
        )
    warnings.extend(notes)
    return LegacyTable(figures, header.year if header else None)


def _inferred_header(rows: list[Row]) -> Header | None:
    """Columns of a table printed without headers: of the columns where most rows hold a
    number (right of the one holding units), the first is the year's and a second the 历年累计
    the old form prints next to it. None when the cells know no columns (their order tells)."""
    cells = [p for row in rows for p in row.cells]
    if len({p.col for p in cells}) <= 1:
        return None
    units = Counter(p.col for p in cells if p.kind == "unit")
    unit_col = units.most_common(1)[0][0] if units else -1
    numbers = Counter(p.col for p in cells if p.kind == "value" and p.text.strip())
    most = max(numbers.values(), default=0)
    columns = sorted(col for col, n in numbers.items() if col > unit_col and n * 2 >= most)
    roles = ("value", "cumulative")
    parts = [Part("", "header", col, 0, role) for col, role in zip(columns, roles, strict=False)]
    if unit_col >= 0:
        parts.append(Part("", "header", unit_col, 0, "unit"))
    return Header(sorted(parts, key=lambda p: p.col), grid=True) if parts else None


def _headerless_rows(parts: list[Part]) -> list[Row]:
    """A table without column headers: of the runs of parts between prose, the one with the
    most rows that name rows of the old table."""
    best: list[Row] = []
    best_keyed = 0
    run: list[Part] = []
    for part in [*parts, None]:
        if part is not None and not _is_prose(part):
            run.append(part)
            continue
        rows = _trim(_stream_rows(run))
        keyed = sum(1 for r in rows if r.cells and match_label(r.label, None, None).key)
        if keyed > best_keyed:
            best, best_keyed = rows, keyed
        run = []
    return best


def _trim(rows: list[Row]) -> list[Row]:
    """Drop rows after the last one that prints a unit or a number (notes, a signature)."""
    last = max((i for i, r in enumerate(rows) if r.units or r.cells), default=-1)
    return [r for r in rows[: last + 1] if CJK.search(r.label)]


def _table_unit_note(folded: str) -> str | None:
    match = TABLE_UNIT.search(folded)
    return match.group(1) if match and match.group(1) in UNITS else None


def _table_unit(parts: list[Part]) -> str | None:
    return next(filter(None, (_table_unit_note(fold(p.text)) for p in parts)), None)


def _figures(
    rows: list[Row], header: Header | None, default_unit: str | None, warnings: list[str]
) -> list[dict]:
    if header is not None:
        roles = header.value_roles()
    else:  # no headers: a second number in a row is the 历年累计 the old form prints next
        two = any(sum(1 for c in row.cells if c.kind == "value" and c.text) > 1 for row in rows)
        roles = ["value", "cumulative"] if two else ["value"]
    has_cumulative = "cumulative" in roles
    units = [_row_unit(row, default_unit) for row in rows]
    matches: list[Match] = []
    group: str | None = None
    for row, unit in zip(rows, units, strict=True):
        match = match_label(row.label, unit, group) if (row.cells or row.units) else None
        match = match or Match(None, 0.0, "none")
        matches.append(match)
        group = ROWS_BY_KEY[match.key].group if match.key else None
    labels = [row.label for row in rows]
    one_row_per_key(labels, matches, warnings)
    settle_either(labels, matches, warnings)
    return [
        _figure(row, match, unit, header, roles, has_cumulative, warnings)
        for row, match, unit in zip(rows, matches, units, strict=True)
    ]


def _row_unit(row: Row, default_unit: str | None) -> str | None:
    """The row's unit: its unit cell, else in brackets after its label (金额（元）), else
    printed with its numbers (412条), else the table's (单位：件)."""
    if row.units:
        return row.units[0]
    match = LABEL_UNIT.search(fold(row.label))
    if match and match.group(1) in UNITS:
        return match.group(1)
    for part in row.cells:
        printed = printed_unit(part.text) if part.kind == "value" else None
        if printed:
            return printed
    return default_unit


def _figure(
    row: Row,
    match: Match,
    unit: str | None,
    header: Header | None,
    roles: list[str],
    has_cumulative: bool,
    warnings: list[str],
) -> dict:
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
    cells = [p for p in row.cells if p.kind == "value" and (p.text or header is not None)]
    if cells and len(cells) < len(roles):
        missing = ", ".join(roles[len(cells) :])
        warnings.append(
            f"{where}: {len(cells)} numbers where {len(roles)} belong; {missing} taken as "
            "missing (the columns' order kept)"
        )
    elif len(cells) > len(roles):
        warnings.append(f"{where}: {len(cells)} numbers where {len(roles)} belong; extra not read")
    found = {}
    for role, part in zip(roles, cells, strict=False):
        found.setdefault(role, part)
    return found


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
    # read_number brought an amount printed with its unit (120元) to 万元 already.
    if printed_unit(part.text) not in MONEY_UNITS and unit in MONEY_UNITS:
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
    elif table.year is not None and table.year != year:
        warnings.append(
            f"legacy_figures: the 统计表's column header says {table.year}, the report {year}"
        )
    return Legacy(table.figures, template, year)
