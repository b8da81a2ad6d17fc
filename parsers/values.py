"""Reading one table cell: is it a value, and which number does it hold.

The spec's rules (report-json.md, "Values"): blank and dash-like cells are null, 无 is 0,
units and signs are read, full-width digits and thousands separators are normalised, and
money is converted to 万元.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Cells that mean "nothing printed here": null, not zero.
NULL_MARKERS = frozenset({"", "-", "--", "—", "——", "–", "/", "／", "\\", "－", "一"})
ZERO_WORDS = frozenset({"无", "零"})

# Multipliers that bring a money amount to 万元 (the old 统计表 prints 千元 too).
MONEY_TO_WANYUAN = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "亿元": 10000.0}
# Units a count is printed with: 1个, 3件.
_COUNT_UNITS = ("个", "件", "项", "条", "次", "宗", "人", "家", "份", "起", "例", "%")
_NUMBER = re.compile(
    r"""^(?P<sign>[+\-]?)\s*
        (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*
        (?P<unit>"""
    + "|".join((*MONEY_TO_WANYUAN, *_COUNT_UNITS))
    + """)?$""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s+")


# The same cells and labels come back in every table of every report: 900 calls a report.
@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Full-width to half-width (NFKC), unify dashes, drop every kind of whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-").replace("\u00a0", " ")
    return _SPACE.sub("", text)


def is_value(cell: str) -> bool:
    """True when the cell holds a table value (a number, a null marker or 无), not a label."""
    return is_folded_value(fold(cell))


def is_folded_value(folded: str) -> bool:
    """is_value of a cell's text already folded (fold)."""
    return folded in NULL_MARKERS or folded in ZERO_WORDS or bool(_NUMBER.match(folded))


def is_blank(cell: str) -> bool:
    return fold(cell) in NULL_MARKERS


def printed_unit(cell: str) -> str | None:
    """The unit a value cell prints after its number (元 of 251000元), if any."""
    match = _NUMBER.match(fold(cell))
    return match["unit"] if match else None


def read_number(cell: str, *, money: bool = False) -> int | float | None:
    """The number a value cell holds; money cells are returned in 万元.

    Raises ValueError for a cell that is not a value (use is_value first).
    """
    folded = fold(cell)
    if folded in NULL_MARKERS:
        return None
    if folded in ZERO_WORDS:
        return 0
    match = _NUMBER.match(folded)
    if not match:
        raise ValueError(f"not a value: {cell!r}")
    digits = match["digits"].replace(",", "")
    number: int | float = float(digits) if "." in digits else int(digits)
    if match["sign"] == "-":
        number = -number
    unit = match["unit"]
    if money and unit in MONEY_TO_WANYUAN and unit != "万元":
        number = round(number * MONEY_TO_WANYUAN[unit], 6)
    if isinstance(number, float) and number.is_integer() and not money:
        number = int(number)
    return number
