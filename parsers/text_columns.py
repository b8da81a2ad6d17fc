"""The columns of an unruled table, found from where its numbers stand, so that a blank cell
stays a blank cell.

Without rules, a row's empty cells print nothing: 821 35 2 1 859 under seven columns. The
rows of one table put their numbers in the same columns, and the header line right above its
first row names each column once, so together they tell the columns, and each number goes
to the column it stands in. Where they do not agree (two numbers of a row in one column, a
number in none), nothing is placed: the row stays as printed, and the table reader warns.
"""

from __future__ import annotations

from parsers.values import is_value

Column = tuple[float, float]  # x0, x1: from the leftmost start to the rightmost end of its text
RUN_GAP = 6  # lines without numbers that may stand between two rows of one table
SLACK = 0.5  # points: text closer than this overlaps
TOUCH = 2.0  # points: a label may end this far inside the first column (it was wrapped there)


def table_columns(lines: list[list[dict]]) -> list[list[Column] | None]:
    """For each line (its words left to right), the columns of the table it is a row of
    numbers of, or None: not a row of two numbers or more, or its table's columns unclear."""
    found: list[list[Column] | None] = [None] * len(lines)
    run: list[int] = []
    columns: list[Column] = []
    for i, line in enumerate(lines):
        spans = _value_spans(line)
        away = spans and (i - run[-1] > RUN_GAP or not _fits(spans, columns)) if run else False
        if away or run and _crosses(line, columns):  # a header, a paragraph: another table
            _assign(found, lines, run, columns)
            run, columns = [], []
        if spans:
            run.append(i)
            columns = _merged(columns + spans)
    if run:
        _assign(found, lines, run, columns)
    return found


def column_of(word: dict, columns: list[Column]) -> int | None:
    """The one column the word stands in, or None (in none, or across two)."""
    hits = [k for k, column in enumerate(columns) if _overlaps((word["x0"], word["x1"]), column)]
    return hits[0] if len(hits) == 1 else None


def _value_spans(line: list[dict]) -> list[Column]:
    """Where the line's numbers stand (with digits: 一 or 无 may be a vertical label's)."""
    return [(w["x0"], w["x1"]) for w in line if _is_number(w["text"])]


def _is_number(text: str) -> bool:
    return is_value(text) and any(ch.isdigit() for ch in text)


def _overlaps(a: Column, b: Column) -> bool:
    return a[0] < b[1] + SLACK and b[0] < a[1] + SLACK


def _merged(spans: list[Column]) -> list[Column]:
    """Overlapping spans as one column, left to right."""
    columns: list[Column] = []
    for x0, x1 in sorted(spans):
        if columns and x0 < columns[-1][1] + SLACK:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _crosses(line: list[dict], columns: list[Column]) -> bool:
    """Whether words other than numbers stand in the columns (more than touch them): a
    table's labels stand left of its numbers."""
    return any(
        min(w["x1"], x1) - max(w["x0"], x0) > TOUCH
        for w in line
        if not is_value(w["text"])
        for x0, x1 in columns
    )


def _fits(spans: list[Column], columns: list[Column]) -> bool:
    """Whether a line's numbers stand mostly in the columns so far (the same table)."""
    inside = sum(1 for span in spans if any(_overlaps(span, c) for c in columns))
    return 2 * inside >= len(spans)


def _assign(
    found: list[list[Column] | None], lines: list[list[dict]], run: list[int], columns: list[Column]
) -> None:
    """The run's columns for each of its lines, once the header line above its first row has
    added the columns no row prints a number in. None for a lone row (nothing to compare),
    where no row prints two numbers, or where the rows print their numbers in more columns
    than one row fills (they do not line up)."""
    widest = max(len(_value_spans(lines[i])) for i in run)
    if len(run) < 2 or widest < 2 or len(columns) > widest:
        return
    columns = sorted(columns + _header_columns(lines, run, columns))
    for i in run:
        placed = [column_of(w, columns) for w in lines[i] if _is_number(w["text"])]
        if None in placed or len(set(placed)) < len(placed):
            return  # two numbers of a row in one column, or one across two: unclear
    for i in run:
        found[i] = columns


def _header_columns(lines: list[list[dict]], run: list[int], columns: list[Column]) -> list[Column]:
    """Columns named by the header line right above the table's first row of numbers, where
    no row prints a number: the words right of the rows' labels that stand in no column."""
    above = run[0] - 1
    if above < 0 or _value_spans(lines[above]):
        return []
    labels_end = max(
        (
            w["x1"]
            for i in run
            for w in lines[i]
            if not is_value(w["text"]) and w["x1"] < columns[0][0]
        ),
        default=columns[0][0] - SLACK,
    )
    spans = [
        (w["x0"], w["x1"])
        for w in lines[above]
        if w["x0"] > labels_end and not any(_overlaps((w["x0"], w["x1"]), c) for c in columns)
    ]
    new = _merged(spans)
    return [span for span in new if not any(_overlaps(span, c) for c in columns)]
