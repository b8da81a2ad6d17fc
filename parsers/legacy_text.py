"""Figures a 2008–2018 report states only in sentences: 全年共受理政府信息公开申请37件.

Read only from a report that prints no 统计表, and only from clear statements: a number (in
digits or Chinese numerals: 四十五件) with its unit right after the words of one row of the old
table (parsers.legacy_template `phrases`), with nothing but 共/为/达 between. A clause about a
change or a share (比上年增加5件, 占53%) is no count, and ends where its percentage does; an
estimate (数十件) is none; two rows joined before one number (行政复议、行政诉讼各1件) say
neither. Each figure keeps its sentence (`source: "text"`), and a warning says it came from
text; a figure no sentence states is absent, never zero.
"""

from __future__ import annotations

import functools
import re

from parsers.hanzi import canon, plain, with_taiwan_words
from parsers.legacy_template import (
    COUNT_UNITS,
    LEGACY_ROWS,
    MONEY,
    MONEY_UNITS,
    TEXT_FILLERS,
    TEXT_NOT_A_COUNT,
    LegacyRow,
)
from parsers.values import fold
from parsers.vocabulary import DISCLOSURE_WORDS, REPORT_WORDS, YEAR

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_UNIT = "|".join(sorted(COUNT_UNITS | set(MONEY_UNITS), key=len, reverse=True))
# A number and its unit; not part of a longer number, a date or a percentage. Written in
# Chinese numerals too (四十五件); not a word ending in one (统一), nor an estimate (数十件, 十余件).
_CN_DIGITS = "零〇一二两三四五六七八九十"
_FIGURE = re.compile(
    rf"(?:(?<![\d.,])(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?<![{_CN_DIGITS}百千万数几近逾多余第统唯同单逐])(?P<hanzi>[{_CN_DIGITS}][{_CN_DIGITS}百千万]*))"
    rf"(?P<unit>{_UNIT})(?![\d%]|月|工作日|小时|星期|季度|百分点)"
)
# A share or a change in the clause (同比增长12%): what follows it is a statement of its own.
_SHARE = re.compile(r".*\d(?:%|％|个百分点|倍)")
# What may lead a clause before the row's words and be dropped: punctuation and 其中.
_LEAD = re.compile(r"^[，,、；;：:（(）)和及与并且另]+")
_JOINED = re.compile(r"[、和及与或]$")


@functools.cache
def _phrase(row: LegacyRow) -> re.Pattern[str]:
    phrases = [form for phrase in row.phrases for form in with_taiwan_words(phrase)]
    return re.compile("(?:" + "|".join(phrases) + ")" + TEXT_FILLERS + "$")


def _row_before(clause: str, unit: str) -> tuple[LegacyRow, re.Match[str]] | None:
    """The row whose words end the clause right before its number (the longest wins:
    其他类型答复 over 答复)."""
    money = unit in MONEY_UNITS
    best: tuple[LegacyRow, re.Match[str]] | None = None
    for row in LEGACY_ROWS:
        if not row.phrases or (row.units == MONEY) != money:
            continue
        match = _phrase(row).search(clause)
        if match is None or (row.verbs and not any(v in clause for v in row.verbs)):
            continue
        if best is None or match.end() - match.start() > best[1].end() - best[1].start():
            best = (row, match)
    return best


def _joined_rows(clause: str, match: re.Match[str]) -> bool:
    """Words of another row joined to this one before the number: 行政复议、行政诉讼1件."""
    before = clause[: match.start()]
    if not _JOINED.search(before):
        return False
    return any(_row_before(before[:-1], unit) for unit in ("件", "元"))


def sentences(texts: list[str]) -> list[str]:
    return [s.strip() for text in texts for s in _SENTENCE_END.split(text) if s.strip()]


def figures_from_text(texts: list[str], warnings: list[str]) -> list[dict]:
    """Figures stated in the report's sentences, first statement of each row."""
    found: dict[str, dict] = {}
    for sentence in sentences(texts):
        folded = fold(sentence)
        start = 0
        for number in _FIGURE.finditer(folded):
            clause = _SHARE.sub("", folded[start : number.start()])
            clause = _LEAD.sub("", clause)
            start = number.end()
            if TEXT_NOT_A_COUNT.search(clause) or _number(number) is None:
                continue
            read = canon(clause)  # words compared as labels are; the number as printed
            hit = _row_before(read, number["unit"])
            if hit is None or _joined_rows(read, hit[1]):
                continue
            row = hit[0]
            figure = _figure(row, number, sentence)
            if row.key in found:
                if found[row.key]["value"] != figure["value"]:
                    warnings.append(
                        f"legacy_figures.{row.key}: a later sentence says {number.group(0)}; "
                        f"the first statement ({found[row.key]['value']}) kept"
                    )
                continue
            found[row.key] = figure
            warnings.append(
                f'legacy_figures.{row.key}: taken from text ("{clause}{number.group(0)}")'
            )
    order = {row.key: i for i, row in enumerate(LEGACY_ROWS)}
    return sorted(found.values(), key=lambda f: order[f["key"]])


def _number(number: re.Match[str]) -> int | float | None:
    """The number as printed: in digits (1,234), or in Chinese numerals (一百二十) read by
    cn2an; None when the numerals say no number (十十)."""
    if number["hanzi"]:
        import cn2an  # 0.1 s to import: only for the rare report that writes its counts so

        try:
            return cn2an.cn2an(number["hanzi"], "normal")
        except ValueError:
            return None
    digits = number["digits"].replace(",", "")
    return float(digits) if "." in digits else int(digits)


def _figure(row: LegacyRow, number: re.Match[str], sentence: str) -> dict:
    unit, value = number["unit"], _number(number)
    if unit in MONEY_UNITS:
        value = float(round(value * MONEY_UNITS[unit], 6))
        unit = "万元"
    return {
        "key": row.key,
        "label": row.label,
        "unit": unit,
        "value": value,
        "source": "text",
        "sentence": sentence,
    }


# ---------------------------------------------------------------- title and year

# A title at the start of running text (a report flattened into one line has no title line):
# the words before the first 年度报告, when they name a year and information disclosure.
_NOT_IN_TITLE = re.compile(r"[，,。；;！？]")
_BREADCRUMB = re.compile(r"^(?:当前位置)?.*[>＞]")
TITLE_REACH = 80  # characters from the start of the text where a title can end


def title_in_running_text(texts: list[str]) -> str | None:
    """The title where it runs into the text after it (the report flattened into one line)."""
    head = plain("".join(texts[:3]))[: TITLE_REACH * 2]
    crumbs = _BREADCRUMB.match(head[:TITLE_REACH])
    head = head[crumbs.end() :] if crumbs else head
    end = REPORT_WORDS.search(canon(head))  # canon keeps plain text's positions
    if end is None or end.end() > TITLE_REACH:
        return None
    title = head[: end.end()]
    read = canon(title)
    if _NOT_IN_TITLE.search(title) or not (YEAR.search(read) and DISCLOSURE_WORDS.search(read)):
        return None
    return title
