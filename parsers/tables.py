"""Read the three national tables out of rows of cells, by what each row means.

Each interpreter walks the cells of its section in reading order: a label cell that names a
template row is followed by that row's value cells. Which cells are values and which are
labels is decided per cell (parsers.values.is_value), so the same code reads tab rows, one
cell per line, broken labels and HTML grids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.layout import Cell
from parsers.template import (
    ACTIVE_FIELDS,
    ACTIVE_HEADER_NEEDLES,
    ACTIVE_ITEMS,
    APPLICANT_COLUMNS,
    MONEY_FIELDS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    RowSpec,
    application_rows,
)
from parsers.values import fold, is_blank, is_value, read_number

# Leading numbering of a label: 一、 （三） (3) 1. 1． 第一
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、,)]|第[一二三四五六七八九十]+[项条])+"
)
_REVIEW_HEADER = re.compile(r"维持|纠正|结果|审结|总计|合计|复议|诉讼|起诉")

Number = int | float | None


@dataclass(slots=True)
class Token:
    text: str
    label: str  # folded text without numbering; "" for a value cell
    value: bool
    row: int


def label_key(text: str) -> str:
    folded = fold(text)
    return _NUMBERING.sub("", folded) or folded


def tokenize(rows: list[list[Cell]]) -> list[Token]:
    tokens = []
    for r, row in enumerate(rows):
        for cell in row:
            value = is_value(cell.text)
            tokens.append(Token(cell.text, "" if value else label_key(cell.text), value, r))
    return tokens


def values_after(tokens: list[Token], i: int) -> tuple[list[Token], int]:
    """The value cells that belong to the label at tokens[i], and the index after them.

    Values on the label's own row belong to it. A label that ends its row (one cell per line,
    or a label broken from its numbers) takes the following rows made only of values.
    """
    row = tokens[i].row
    j = i + 1
    found: list[Token] = []
    while j < len(tokens) and tokens[j].row == row and tokens[j].value:
        found.append(tokens[j])
        j += 1
    if j < len(tokens) and tokens[j].row == row:
        return found, j  # another label follows on the same row
    if any(not is_blank(t.text) for t in found):
        return found, j
    # The label ended its row with no numbers: take whole rows of values below it.
    while j < len(tokens):
        row_tokens = [t for t in tokens[j:] if t.row == tokens[j].row]
        if not all(t.value for t in row_tokens):
            break
        found.extend(row_tokens)
        j += len(row_tokens)
    return found, j


MISSING = object()  # a cell the row lacks, to be inferred or left null


def fit(cells: list[str], n: int) -> tuple[list, str | None]:
    """Fit a row's value cells to the n columns the template prints.

    Returns the n cells (MISSING marks one that is absent) and a note when it had to guess.
    Flattened text pads merged cells with empty tabs, so blank cells at the edges of an
    over-long row are padding; a row of n-1 numbers framed by padding lacks one cell.
    """
    if len(cells) == n:
        return cells, None
    core = list(cells)
    while core and is_blank(core[0]):
        core.pop(0)
    while core and is_blank(core[-1]):
        core.pop()
    if not core:
        return [""] * n, None
    # An HTML row wider than its table is padded the same way (flattened text re-gridded).
    if len(core) == n - 1 and len(cells) > n and n > 1:
        return core + [MISSING], f"{len(core)} values where {n} belong"
    if len(cells) > n:
        trimmed = list(cells)
        while len(trimmed) > n and is_blank(trimmed[0]):
            trimmed.pop(0)
        while len(trimmed) > n and is_blank(trimmed[-1]):
            trimmed.pop()
        if len(trimmed) == n:
            return trimmed, None
        return trimmed[:n], f"{len(trimmed)} values where {n} belong; the first {n} taken"
    return cells + [MISSING] * (n - len(cells)), (
        f"{len(cells)} values where {n} belong; the last {n - len(cells)} left blank"
    )


def _number(cell, warnings: list[str], where: str, *, money: bool = False) -> Number:
    if cell is MISSING or cell is None:
        return None
    try:
        return read_number(cell, money=money)
    except ValueError:
        warnings.append(f"{where}: unreadable value {cell!r} taken as blank")
        return None


# ---------------------------------------------------------------- applications (section 三)


def _match_application(label: str, seen: set[str], specs: tuple[RowSpec, ...]) -> RowSpec | None:
    if not label or len(label) > 80:
        return None
    for spec in specs:
        if spec.key in seen or (spec.after and spec.after not in seen):
            continue
        if spec.exact:
            if label in spec.needles:
                return spec
        elif any(needle in label for needle in spec.needles):
            return spec
    return None


def _infer_missing(values: list[Number], key: str, warnings: list[str]) -> list[Number]:
    """One cell of a 7-cell row is absent: tell which from the row's own arithmetic."""
    present = [v for v in values if v is not None and v is not MISSING]
    core = values[:-1]
    if len(present) == len(core) and sum(core[:-1]) == core[-1]:
        # The last number is the row total of the others: the absent cell is an applicant
        # column worth total - sum = 0; 其他 is the column reports most often drop.
        filled = core[:-1] + [core[-1] - sum(core[:-1])] + [core[-1]]
        warnings.append(
            f"applications.{key}: 6 values where 7 belong; the last is their total, so the "
            f"missing cell was taken as other_org = {filled[5]}"
        )
        return filled
    if len(present) == len(core):
        warnings.append(
            f"applications.{key}: 6 values where 7 belong; they do not sum to the last, so "
            f"the missing cell was taken as the total = {sum(core)}"
        )
        return core + [sum(core)]
    warnings.append(f"applications.{key}: 6 values where 7 belong; the total left blank")
    return [None if v is MISSING else v for v in values]


def read_applications(
    rows: list[list[Cell]], template: str, warnings: list[str]
) -> dict[str, list[Number]]:
    """Row key → the seven applicant-column values, for each row the report prints."""
    specs = application_rows(template)
    tokens = tokenize(rows)
    seen: set[str] = set()
    found: dict[str, list[Number]] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        spec = None if token.value else _match_application(token.label, seen, specs)
        if spec is None:
            i += 1
            continue
        seen.add(spec.key)
        cells, i = values_after(tokens, i)
        if not cells:
            continue  # a heading row such as （六）其他处理 over its sub-rows
        fitted, note = fit([c.text for c in cells], len(APPLICANT_COLUMNS))
        where = f"applications.{spec.key}"
        values = [MISSING if c is MISSING else _number(c, warnings, where) for c in fitted]
        if fitted.count(MISSING) == 1 and fitted[-1] is MISSING:
            values = _infer_missing(values, spec.key, warnings)
        else:
            if note:
                warnings.append(f"{where}: {note}")
            values = [None if v is MISSING else v for v in values]
        found[spec.key] = values
    return found


# ---------------------------------------------------------------- active disclosure (section 二)


def _active_item(label: str) -> str | None:
    for key, variants in ACTIVE_ITEMS.items():
        if label in variants:
            return key
    return None


def _is_active_header(label: str) -> bool:
    return any(needle in label for needle in ACTIVE_HEADER_NEEDLES)


def _yuan_header(label: str) -> bool:
    """A money header in 元 rather than 万元: (元) or 单位：元."""
    return "金额" in label and "元" in label and "万元" not in label


def read_active(
    rows: list[list[Cell]], template: str, warnings: list[str]
) -> tuple[dict[str, dict[str, Number]], list[dict]]:
    fields = ACTIVE_FIELDS[template]
    tokens = tokenize(rows)
    items: dict[str, dict[str, Number]] = {}
    extras: list[dict] = []
    parent: str | None = None  # an item printed as a heading over rows the report adds
    in_yuan = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.value:
            i += 1
            continue
        item = _active_item(token.label)
        if item is None and _is_active_header(token.label):
            if _yuan_header(token.label) or "金额" in token.label:
                in_yuan = _yuan_header(token.label)
            if "第二十条" in token.label:
                parent = None
            i += 1
            continue
        cells, j = values_after(tokens, i)
        if item is not None:
            if item not in fields:
                warnings.append(
                    f"active_disclosure: {token.text!r} is not in the {template} format"
                )
                i = j
                continue
            if cells:
                items[item] = _active_values(item, item, cells, fields[item], in_yuan, warnings)
                parent = None
            else:
                parent = item
            i = j
            continue
        if parent and cells and any(not is_blank(c.text) for c in cells):
            extras.append(
                {
                    "label": token.text.strip(),
                    "parent": parent,
                    "values": _active_values(
                        parent, token.label, cells, fields[parent], in_yuan, warnings
                    ),
                }
            )
        i = j
    return items, extras


def _active_values(
    item: str,
    name: str,
    cells: list[Token],
    names: tuple[str, ...],
    in_yuan: bool,
    warnings: list[str],
) -> dict[str, Number]:
    fitted, note = fit([c.text for c in cells], len(names))
    where = f"active_disclosure.{name}"
    if note:
        warnings.append(f"{where}: {note}")
    values: dict[str, Number] = {}
    for name_, cell in zip(names, fitted, strict=True):
        money = (item, name_) in MONEY_FIELDS
        value = _number(cell, warnings, where, money=money)
        if money and in_yuan and value is not None and cell is not MISSING:
            if not re.search(r"元", cell):
                value = round(value * 0.0001, 6)
        values[name_] = value
    return values


# ---------------------------------------------------------------- review and litigation (四)


def read_review(rows: list[list[Cell]], warnings: list[str]) -> dict[str, dict[str, Number]] | None:
    """The 15 cells under the last header of section 四, or None when it has no header."""
    tokens = tokenize(rows)
    last_header = None
    for i, token in enumerate(tokens):
        if not token.value and _REVIEW_HEADER.search(token.label) and len(token.label) <= 12:
            last_header = i
    if last_header is None:
        return None
    cells: list[Token] = []
    for token in tokens[last_header + 1 :]:
        if not token.value:
            break
        cells.append(token)
    n = len(REVIEW_KINDS) * len(REVIEW_OUTCOMES)
    fitted, note = fit([c.text for c in cells], n)
    if note:
        warnings.append(f"review_litigation: {note}")
    values = [_number(c, warnings, "review_litigation") for c in fitted]
    result = {}
    for k, kind in enumerate(REVIEW_KINDS):
        chunk = values[k * len(REVIEW_OUTCOMES) : (k + 1) * len(REVIEW_OUTCOMES)]
        result[kind] = dict(zip(REVIEW_OUTCOMES, chunk, strict=True))
    return result
