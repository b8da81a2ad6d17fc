"""Read the three national tables out of rows of cells, by what each row means.

Each interpreter walks the cells of its section in reading order: a label cell that names a
template row is followed by that row's value cells. Which cells are values and which are
labels is decided per cell (parsers.values.is_value), so the same code reads tab rows, one
cell per line, broken labels and HTML grids. Which label names which row is decided for the
whole table at once, by aligning the printed labels to the template's order
(parsers.align). A row found prints its cells; a cell it does not print is null, with a
warning: nothing is computed in place of a printed value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import Indel

from parsers.align import Target, Template, align, label_key, prepare, read_exactly
from parsers.hanzi import DIGIT_LOOKALIKES
from parsers.layout import LOW_CONFIDENCE, Cell
from parsers.template import (
    ACTIVE_EXTRA_LABELS,
    ACTIVE_FIELDS,
    ACTIVE_HEADER_NEEDLES,
    ACTIVE_ITEMS,
    APPLICANT_COLUMNS,
    APPLICATION_NON_ROWS,
    HEADING_ROWS,
    MONEY_FIELDS,
    REVIEW_HEADERS,
    REVIEW_KIND_GROUPS,
    REVIEW_KIND_NEEDLES,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    application_rows,
)
from parsers.values import MONEY_TO_WANYUAN, fold, is_blank, is_folded_value, read_number
from parsers.vocabulary import Phrases

# A cell of digits and their look-alikes (1O, l2), folded: a value the report printed but OCR
# or a typo garbled. It stands in its column (null, with a warning), not as a label.
_DIGITS = rf"[\d{re.escape(DIGIT_LOOKALIKES)}]+"
_GARBLED_VALUE = re.compile(rf"[+\-]?{_DIGITS}(?:[.,]{_DIGITS})*")
_SPACE = re.compile(r"\s+")

Number = int | float | None


@dataclass(slots=True)
class Token:
    text: str
    label: str  # label_key of the text; "" for a value cell
    value: bool
    row: int
    confidence: float | None = None  # OCR's, for a cell read by OCR


def tokenize(rows: list[list[Cell]]) -> list[Token]:
    tokens = []
    for r, row in enumerate(rows):
        for cell in row:
            for text, folded in cell_parts(cell.text):
                value = is_folded_value(folded) or _GARBLED_VALUE.fullmatch(folded) is not None
                label = "" if value else label_key(folded)
                tokens.append(Token(text, label, value, r, cell.confidence))
    return tokens


# Numbers apart in one cell (13612 252), and a number touching the label before it
# (行政规范性文件564): what a PDF table without rules gives where its columns stand close.
_SPACED_NUMBERS = re.compile(r"[+\-]?\d[\d,.]*(?:\s+[+\-]?\d[\d,.]*)+")
_LABEL_NUMBER = re.compile(r"(.*[\u4e00-\u9fff])(\d[\d,.]*)")


def cell_parts(text: str) -> list[tuple[str, str]]:
    """The cells (text, folded) a cell's text holds: several where numbers stand in it apart,
    or a number ends a label; one otherwise. Numbers are never joined across a gap (13612 252
    is not 13612252)."""
    folded = fold(text)
    if not folded or not folded[-1].isdigit() or folded.isdigit() and folded == text:
        return [(text, folded)]  # most cells: a label, or a number alone
    if folded != text.strip():  # whitespace (or full width) inside
        plain = unicodedata.normalize("NFKC", text).strip()
        if _SPACED_NUMBERS.fullmatch(plain):
            return [(part, fold(part)) for part in plain.split()]
    glued = None if is_folded_value(folded) else _LABEL_NUMBER.fullmatch(folded)
    if glued:
        return [(glued[1], glued[1]), (glued[2], glued[2])]
    return [(text, folded)]


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
        end = _row_end(tokens, j)
        if not all(t.value for t in tokens[j:end]):
            break
        found.extend(tokens[j:end])
        j = end
    return found, j


def _row_end(tokens: list[Token], start: int) -> int:
    """The index after the row that tokens[start] is on (tokenize keeps a row's cells together)."""
    row = tokens[start].row
    end = start
    while end < len(tokens) and tokens[end].row == row:
        end += 1
    return end


MISSING = object()  # a cell the row lacks: null, and the warning says which and why


def fit(cells: list[str], names: tuple[str, ...]) -> tuple[list, str | None]:
    """Fit a row's value cells to the columns the template prints (their `names`).

    Returns one cell per column (MISSING marks one the row lacks) and a note saying which
    cells were taken as missing and why, when it had to. Flattened text pads merged cells
    with empty tabs, so blank cells at the edges of an over-long row are padding.
    """
    n = len(names)
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
        return core + [MISSING], (
            f"{len(core)} values where {n} belong; {names[-1]} taken as missing "
            "(blank padding around the values, one cell short)"
        )
    if len(cells) > n:
        trimmed = list(cells)
        while len(trimmed) > n and is_blank(trimmed[0]):
            trimmed.pop(0)
        while len(trimmed) > n and is_blank(trimmed[-1]):
            trimmed.pop()
        if len(trimmed) == n:
            return trimmed, None
        printed = [c for c in trimmed if not is_blank(c)]
        if len(printed) == n:  # merged cells split into a value and blanks (colspan undone)
            return printed, (
                f"{len(trimmed)} cells where {n} belong; the blank ones taken as the rest of "
                "merged cells"
            )
        # Which cell is the extra one is unknown: a value moved into the wrong column would be
        # silently wrong, so none is taken.
        return [MISSING] * n, (
            f"{len(trimmed)} values where {n} belong; none taken (which is extra is unknown)"
        )
    lacking = ", ".join(names[len(cells) :])
    return cells + [MISSING] * (n - len(cells)), (
        f"{len(cells)} values where {n} belong; {lacking} taken as missing (the row ends early)"
    )


def note_doubtful(
    cells: list[Token],
    fitted: list,
    names: tuple[str, ...],
    where: str,
    doubtful: list[str] | None,
) -> None:
    """Add to `doubtful` (`where`.name) each field whose cell OCR read below LOW_CONFIDENCE."""
    if doubtful is None:
        return
    kept = [c for c in fitted if c is not MISSING]
    texts = [c.text for c in cells]
    # fit() keeps a run of the row's cells, in order: find where it starts.
    start = next(
        (s for s in range(len(cells) - len(kept) + 1) if texts[s : s + len(kept)] == kept), None
    )
    if start is None:
        return
    sources = iter(cells[start:])
    for name, cell in zip(names, fitted, strict=True):
        token = None if cell is MISSING else next(sources)
        if token is not None and token.confidence is not None:
            if token.confidence < LOW_CONFIDENCE:
                doubtful.append(f"{where}.{name}")


def _number(cell, warnings: list[str], where: str, *, money: bool = False) -> Number:
    if cell is MISSING or cell is None:
        return None
    try:
        return read_number(cell, money=money)
    except ValueError:
        warnings.append(f"{where}: unreadable value {cell!r} taken as blank")
        return None


@dataclass
class Found:
    """What a table interpreter read: values by row key, and the template rows it found."""

    values: dict = field(default_factory=dict)
    rows: set[str] = field(default_factory=set)


def _aligned(tokens: list[Token], template: Template) -> dict[int, int]:
    """Token index → template target index, for the label tokens that name a row."""
    labels = [i for i, t in enumerate(tokens) if not t.value]
    printed = [i + 1 < len(tokens) and tokens[i + 1].value for i in labels]
    matched = align([tokens[i].label for i in labels], template, printed)
    return {labels[k]: target for k, target in matched.items()}


def _printed(token: Token) -> str:
    """A label as warnings quote it: as printed, without the spaces inside it."""
    return _SPACE.sub("", token.text)


def _note_similar(token: Token, template: Template, target: int, where: str, warnings: list):
    spec = template.targets[target].spec
    if not read_exactly(token.text, template.targets[target]):
        warnings.append(f'{where}.{spec.key}: label "{_printed(token)}" read as "{spec.label}"')


def _printed_alone(where: str, label: Token) -> str:
    """The warning for a row whose label is printed without a value after it: the row is
    named in missing_rows, not taken as blank."""
    return f'{where}: label "{_printed(label)}" printed without values'


def _note_unread(
    label: Token, cells: list[Token], where: str, why: str, warnings: list[str]
) -> None:
    """A label no template row takes, followed by values: the row is not read, and said so."""
    if any(not is_blank(c.text) for c in cells):
        warnings.append(f'{where}: row "{_printed(label)}" not read ({why})')


# ---------------------------------------------------------------- applications (section 三)


def _continuation(tokens: list[Token], i: int, matched: dict, target: Target) -> int | None:
    """The label after tokens[i] when it is the rest of it: a label broken over rows, with the
    values after its last piece. The rest names no row, and joined on, it brings the label
    closer to its row's wording."""
    j = i + 1
    if j >= len(tokens) or tokens[j].value or j in matched or not values_after(tokens, j)[0]:
        return None

    def closeness(label: str) -> float:
        return max(Indel.normalized_similarity(label, form) for form in target.forms)

    joined = label_key(tokens[i].text + tokens[j].text)
    return j if closeness(joined) > closeness(tokens[i].label) else None


def read_applications(
    rows: list[list[Cell]], template: str, warnings: list[str], doubtful: list[str] | None = None
) -> Found:
    """Row key → the seven applicant-column values, for each row the report prints; the
    fields OCR read without confidence are added to `doubtful`."""
    prepared = prepare(application_rows(template), APPLICATION_NON_ROWS)
    keys = {target.spec.key for target in prepared.targets}
    headings = {k for k, subrows in HEADING_ROWS.items() if keys.issuperset(subrows)}
    tokens = tokenize(rows)
    matched = _aligned(tokens, prepared)
    found = Found()
    continued: set[int] = set()  # labels that continue the label before them
    for i, token in enumerate(tokens):
        if token.value or i in continued:
            continue
        target = matched.get(i)
        if target is None:
            why = f"no row of the {template} form"
            _note_unread(token, values_after(tokens, i)[0], "applications", why, warnings)
            continue
        key = prepared.targets[target].spec.key
        where = f"applications.{key}"
        cells, _ = values_after(tokens, i)
        rest = None if cells else _continuation(tokens, i, matched, prepared.targets[target])
        if rest is not None:
            continued.add(rest)
            token = replace(token, text=token.text + tokens[rest].text)
            cells, _ = values_after(tokens, rest)
        _note_similar(token, prepared, target, "applications", warnings)
        if not cells:
            if key in headings:  # （六）其他处理 over its three sub-rows
                found.rows.add(key)
            else:
                warnings.append(_printed_alone(where, token))
            continue
        found.rows.add(key)
        fitted, note = fit([c.text for c in cells], APPLICANT_COLUMNS)
        if note:
            warnings.append(f"{where}: {note}")
        note_doubtful(cells, fitted, APPLICANT_COLUMNS, where, doubtful)
        found.values[key] = [_number(c, warnings, where) for c in fitted]
    return found


# ---------------------------------------------------------------- active disclosure (section 二)


_ACTIVE_HEADER = Phrases(*ACTIVE_HEADER_NEEDLES)
_MONEY_HEADER = Phrases("金额", "本年收费金额", "采购总金额")
_NEW_GROUP = Phrases("第二十条")


def _yuan(label: str) -> bool:
    """A money header in 元 rather than 万元: (元) or 单位：元."""
    return "元" in label and "万元" not in label


def _extra_label(token: Token, warnings: list[str]) -> str:
    """An added row's label: the kind of administrative power it names, when it is one."""
    printed = _printed(token)
    best = process.extractOne(
        token.label, ACTIVE_EXTRA_LABELS, scorer=Indel.normalized_similarity, score_cutoff=0.75
    )
    if best is None or best[0] == printed:
        return printed
    warnings.append(f'active_disclosure_extra: label "{printed}" read as "{best[0]}"')
    return best[0]


def read_active(
    rows: list[list[Cell]], template: str, warnings: list[str], doubtful: list[str] | None = None
) -> tuple[Found, list]:
    """Item key → field values, the items found, and the rows a report adds (extras)."""
    fields = ACTIVE_FIELDS[template]
    prepared = prepare(ACTIVE_ITEMS, ACTIVE_HEADER_NEEDLES + ACTIVE_EXTRA_LABELS)
    tokens = tokenize(rows)
    matched = _aligned(tokens, prepared)
    found = Found()
    extras: list[dict] = []
    parent: str | None = None  # an item printed as a heading over rows the report adds
    headings: dict[str, tuple[Token, int]] = {}  # such an item: its label, rows added under it
    yuan_header: str | None = None  # the header that says amounts are in 元
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.value:
            i += 1
            continue
        target = matched.get(i)
        if target is None and _ACTIVE_HEADER.search(token.label):
            if _MONEY_HEADER.search(token.label):
                yuan_header = token.text.strip() if _yuan(token.label) else None
            if _NEW_GROUP.search(token.label):
                parent = None
            i += 1
            continue
        index = i
        cells, i = values_after(tokens, i)
        if target is not None:
            item = prepared.targets[target].spec.key
            if item not in fields:
                warnings.append(
                    f"active_disclosure: {token.text!r} is not in the {template} format"
                )
                continue
            found.rows.add(item)
            _note_similar(tokens[index], prepared, target, "active_disclosure", warnings)
            if not cells:
                headings[item] = (token, 0)
            if cells:
                found.values[item] = _active_values(
                    item, item, cells, fields[item], yuan_header, warnings, doubtful
                )
                parent = None
            else:
                parent = item
            continue
        if parent is None:
            why = f"no item of the {template} form"
            _note_unread(token, cells, "active_disclosure", why, warnings)
        elif any(c.text.strip() for c in cells):  # 0s, or dashes: printed, though blank
            label = _extra_label(token, warnings)
            values = _active_values(
                parent, label, cells, fields[parent], yuan_header, warnings, doubtful
            )
            extras.append({"label": label, "parent": parent, "values": values})
            headings[parent] = (headings[parent][0], headings[parent][1] + 1)
    for item, (label, added) in headings.items():
        if not added:  # not a heading after all: an item printed without its values
            found.rows.discard(item)
            warnings.append(_printed_alone(f"active_disclosure.{item}", label))
    return found, extras


def _active_values(
    item: str,
    name: str,
    cells: list[Token],
    names: tuple[str, ...],
    yuan_header: str | None,
    warnings: list[str],
    doubtful: list[str] | None = None,
) -> dict[str, Number]:
    fitted, note = fit([c.text for c in cells], names)
    where = f"active_disclosure.{name}"
    if note:
        warnings.append(f"{where}: {note}")
    note_doubtful(cells, fitted, names, where, doubtful)
    values: dict[str, Number] = {}
    for field_name, cell in zip(names, fitted, strict=True):
        money = (item, field_name) in MONEY_FIELDS
        value = _number(cell, warnings, where, money=money)
        if money and yuan_header and value is not None and "元" not in cell:
            value = round(value * MONEY_TO_WANYUAN["元"], 6)
            warnings.append(
                f'{where}.{field_name}: {cell.strip()} read in 元 (header "{yuan_header}"), '
                f"given as {value} 万元"
            )
        values[field_name] = value
    return values


# ---------------------------------------------------------------- review and litigation (四)

_REVIEW_HEADER = Phrases(*REVIEW_HEADERS, "维持", "纠正", "结果", "审结", "复议", "诉讼", "起诉")
# Headers no other table prints (总计 closes the applications table too).
_REVIEW_ONLY = Phrases(*(h for h in REVIEW_HEADERS if h not in ("总计", "合计")), "复议", "诉讼")
# What is left of a header cell that lost characters (总计 → 计) is made of these.
_REVIEW_HEADER_CHARS = frozenset("".join(REVIEW_HEADERS))


def _review_header(label: str) -> bool:
    if not label or len(label) > 12:
        return False
    return _REVIEW_HEADER.search(label) is not None or set(label) <= _REVIEW_HEADER_CHARS


def read_review(
    rows: list[list[Cell]], warnings: list[str], doubtful: list[str] | None = None
) -> Found:
    """Kind → its five outcomes, for the kinds section 四 prints: the 15 cells under the last
    header, or, where each kind's label is followed by its own cells, row by row. Nothing
    found when it prints no header."""
    tokens = tokenize(rows)
    by_kind = _review_rows(tokens)
    if by_kind:
        found = Found()
        for kind, cells in by_kind.items():
            where = f"review_litigation.{kind}"
            found.values[kind] = _review_values(cells, REVIEW_OUTCOMES, where, warnings, doubtful)
            found.rows.add(kind)
        return found
    first = next(
        (
            i
            for i, t in enumerate(tokens)
            if not t.value and len(t.label) <= 12 and _REVIEW_ONLY.search(t.label)
        ),
        None,
    )
    if first is None:
        return Found()
    split = _review_tables(_review_blocks(tokens, first))
    if split:
        found = Found(rows=set(REVIEW_KINDS))
        for kind, cells in split.items():
            where = f"review_litigation.{kind}"
            found.values[kind] = _review_values(cells, REVIEW_OUTCOMES, where, warnings, doubtful)
        return found
    last_header = first
    for i in range(first, len(tokens)):
        if not tokens[i].value and _review_header(tokens[i].label):
            last_header = i
    cells: list[Token] = []
    for token in tokens[last_header + 1 :]:
        if not token.value:
            break
        cells.append(token)
    names = tuple(f"{kind}.{outcome}" for kind in REVIEW_KINDS for outcome in REVIEW_OUTCOMES)
    values = _review_values(cells, names, "review_litigation", warnings, doubtful)
    found = Found(rows=set(REVIEW_KINDS))
    for kind in REVIEW_KINDS:
        found.values[kind] = {o: values[f"{kind}.{o}"] for o in REVIEW_OUTCOMES}
    return found


def _review_blocks(tokens: list[Token], first: int) -> list[tuple[list[str], list[Token]]]:
    """The runs of value rows in table 四 from its first header on, each with the kinds the
    headers above it (since the run before) name."""
    label_rows = {t.row for t in tokens if not t.value}
    blocks: list[tuple[list[str], list[Token]]] = []
    named: list[str] = []
    run: list[Token] = []
    for token in tokens[first:]:
        if token.value:
            if token.row not in label_rows:  # not a blank beside header cells
                run.append(token)
            continue
        kinds = REVIEW_KIND_GROUPS.get(token.label) or (_review_kind(token.label),)
        if not _review_header(token.label) and kinds == (None,):
            if blocks or run:
                break  # the text after the table
            continue
        if run:
            blocks.append((named, run))
            named, run = [], []
        named += [kind for kind in kinds if kind]
    if run:
        blocks.append((named, run))
    return blocks


def _review_tables(blocks: list[tuple[list[str], list[Token]]]) -> dict[str, list[Token]]:
    """Kind → its five cells, where table 四 is printed as several tables (行政复议, then
    行政诉讼): each run of values holds five cells for each kind its headers name, and the runs
    hold every kind. Empty for one table, or for runs that do not fit so."""
    width = len(REVIEW_OUTCOMES)
    remaining = list(REVIEW_KINDS)
    found: dict[str, list[Token]] = {}
    carried: list[str] = []  # kinds named above a blank spacer row
    used = 0
    for named, run in reversed(blocks):
        kinds = [k for k in remaining if k in named or k in carried]
        if kinds and len(run) == width * len(kinds):
            for n, kind in enumerate(kinds):
                found[kind] = run[n * width : (n + 1) * width]
            remaining = [k for k in remaining if k not in kinds]
            carried, used = [], used + 1
        elif all(is_blank(t.text) for t in run):
            carried += named
        else:
            return {}
        if not remaining:
            break
    return found if used > 1 and not remaining else {}


def _review_kind(label: str) -> str | None:
    if len(label) > 12:
        return None
    for kind, needles in REVIEW_KIND_NEEDLES:
        if any(needle in label for needle in needles):
            return kind
    return None


def _review_rows(tokens: list[Token]) -> dict[str, list[Token]]:
    """Kind → its cells, where kind labels are followed by their values (a table with one row
    per kind); empty for the national layout, whose kind labels head columns."""
    rows: dict[str, list[Token]] = {}
    for i, token in enumerate(tokens):
        kind = None if token.value else _review_kind(token.label)
        if kind is None or kind in rows:
            continue
        cells, _ = values_after(tokens, i)
        if any(not is_blank(c.text) for c in cells):  # blank cells may pad a header row
            rows[kind] = cells
    return rows


def _review_values(
    cells: list[Token],
    names: tuple[str, ...],
    where: str,
    warnings: list[str],
    doubtful: list[str] | None,
) -> dict[str, Number]:
    fitted, note = fit([c.text for c in cells], names)
    if note:
        warnings.append(f"{where}: {note}")
    note_doubtful(cells, fitted, names, where, doubtful)
    return {name: _number(c, warnings, where) for name, c in zip(names, fitted, strict=True)}
