"""Which row of the old 统计表 a printed label names (parsers.legacy_template says what each
row means).

A label is compared without its numbering (其中：1、 （1） 1.) and a unit in brackets. It names
a row when it holds that row's words; else the row's words with one character lost; else, a
bare 其他, the group of the row above it; else the row whose wordings it is closest to
(characters in common, in order), when no other row is as close. Words a row must not hold,
and the units it can be counted in, rule rows out first. Over a whole table, a key names
one row: the closest.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from parsers.hanzi import canon, with_taiwan_words
from parsers.legacy_template import GENERIC_OTHER, LEGACY_ROWS, ROWS_BY_KEY, UNITS, LegacyRow
from parsers.vocabulary import FUZZY_FROM  # a word this long is still found less a character

CLOSE = 0.9  # a label this close to a row's wording is that row, whatever words it holds
SIMILAR = 0.8  # a label this close to one wording only (and no needle) names that row
TIE = 0.01  # two rows this close to a label are as close
MARGIN = 0.05  # … and closer to it than to any other row's wordings by this much
LABEL_MAX = 40  # characters: a longer cell is prose, not a row's label
CJK = re.compile(r"[\u4e00-\u9fff]")
# Numbering before a label: 其中： 一、 （一） (1) 1. 1、 ① 第一项, in any order and number.
NUMBERING = re.compile(
    r"^(?:其中[:：,，]?|[一二三四五六七八九十]+[、.,]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、,)]|[①-⑳]|第[一二三四五六七八九十]+[项条])+"
)
# A note in brackets inside a label: （不同渠道和方式公开相同信息计1条）, （减免）, （元）.
NOTE = re.compile(r"[(（][^()（）]*[)）]")
# A heading over rows (一、主动公开情况) names no row, though it holds a row's words.
HEADING_END = ("情况", "统计表")
# A unit in brackets after a label: 收费金额（元）, 申请数(件), （单位：件）.
LABEL_UNIT = re.compile(r"[(（](?:计量)?(?:单位[:：])?([^()（）]{1,2})[)）]$")


def canonical(label: str) -> str:
    """A label as it is compared (parsers.hanzi.canon: folded, look-alikes made one), without
    numbering and what it says in brackets: a unit (元), a note (不同渠道和方式公开相同信息计1条)."""
    text = canon(label)
    text = NUMBERING.sub("", text) or text
    return NOTE.sub("", text) or text


@functools.cache
def _words(key: str) -> LegacyRow:
    """The row with its wordings, needles and avoid-words in canonical form."""
    row = ROWS_BY_KEY[key]

    def forms(words: tuple[str, ...], form=canon) -> tuple[str, ...]:
        # as printed, and as a Taiwan-style page converted back says it (资讯 for 信息)
        return tuple(dict.fromkeys(f for w in words for f in with_taiwan_words(form(w))))

    return LegacyRow(
        row.key,
        row.label,
        forms(row.wordings, canonical),
        forms(row.needles),
        forms(row.avoid),
        row.units,
        row.group,
    )


@functools.lru_cache(maxsize=4096)
def _closeness(text: str, key: str) -> float:
    """How close a canonical label is to the closest of a row's wordings (Indel similarity:
    characters in common, in order)."""
    return max(Indel.normalized_similarity(text, wording) for wording in _words(key).wordings)


def _holds(label: str, needle: str) -> bool:
    return all(word in label for word in needle.split("+"))


def _holds_nearly(label: str, word: str) -> bool:
    """The label holds the word with one character lost (words of FUZZY_FROM characters or
    more; not a needle of two words)."""
    if "+" in word or len(word) < FUZZY_FROM:
        return False
    return any(word[:i] + word[i + 1 :] in label for i in range(len(word)))


def _avoided(label: str, row: LegacyRow) -> bool:
    """A word that makes the label another row, printed whole or with one character lost:
    主动公开范性文件数 is still no count of all published information."""
    return any(word in label or _holds_nearly(label, word) for word in row.avoid)


# ---------------------------------------------------------------- labels → keys


@dataclass
class Match:
    key: str | None
    score: float
    how: str  # needle | group | similar | none
    # A label as close to two rows' wordings (行政诉数: 行政诉讼数 or 行政申诉数?): their keys.
    either: tuple[str, ...] = ()


def match_label(label: str, unit: str | None, group: str | None) -> Match:
    """Which row of the old table a printed label names: one holding a row's words, else its
    words with one character lost, else (a bare 其他) the group above it, else the row whose
    wordings it is closest to."""
    text = canonical(label)
    if not text or len(text) > LABEL_MAX or not CJK.search(text) or text.endswith(HEADING_END):
        return Match(None, 0.0, "none")
    candidates = [
        row
        for row in (_words(r.key) for r in LEGACY_ROWS)
        if (unit is None or unit not in UNITS or unit in row.units) and not _avoided(text, row)
    ]

    def closeness(row: LegacyRow) -> float:
        return _closeness(text, row.key)

    closest = max(candidates, key=closeness, default=None)
    # A label holding a row's words is that row, unless it is much closer to another row's
    # wording, whose distinguishing word lost a character: 接受行政诉讼、报数 holds 诉讼 but
    # is 接受行政诉讼、举报数; 面申请数 holds 申请总数 less one character but is 当面申请数.
    for how, bonus, holds, close, margin in (
        ("needle", 2.0, _holds, CLOSE, 3 * MARGIN),
        ("similar", 1.0, _holds_nearly, SIMILAR, MARGIN),
    ):
        held = sorted(
            (row for row in candidates if any(holds(text, n) for n in row.needles)),
            key=closeness,
            reverse=True,
        )
        if len(held) > 1 and closeness(held[0]) - closeness(held[1]) < TIE:
            # 予公开答复数: 予以公开 or 不予公开, each less one character, as close to both
            either = tuple(r.key for r in held if closeness(held[0]) - closeness(r) < TIE)
            return Match(None, closeness(held[0]), "none", either)
        if held:
            best = held[0]
            if closest is not None and closeness(closest) >= close:
                if closeness(closest) > closeness(best) + margin:
                    return Match(closest.key, 1.0 + closeness(closest), "similar")
            return Match(best.key, bonus + closeness(best), how)
    if group and GENERIC_OTHER.match(text) and f"{group}_other" in ROWS_BY_KEY:
        return Match(f"{group}_other", 1.5, "group")
    scored = sorted(((closeness(row), row.key) for row in candidates), reverse=True)
    if scored and scored[0][0] >= SIMILAR:
        second = scored[1][0] if len(scored) > 1 else 0.0
        if scored[0][0] - second >= MARGIN:
            return Match(scored[0][1], scored[0][0], "similar")
        either = tuple(key for score, key in scored if score > scored[0][0] - MARGIN)
        return Match(None, scored[0][0], "none", either)
    return Match(None, 0.0, "none")


def one_row_per_key(labels: list[str], matches: list[Match], warnings: list[str]) -> None:
    """A key names one row: the closest; another row read as the same key keeps its label."""
    best: dict[str, int] = {}
    for i, match in enumerate(matches):
        if match.key and (match.key not in best or match.score > matches[best[match.key]].score):
            best[match.key] = i
    for i, match in enumerate(matches):
        if match.key and best[match.key] != i:
            warnings.append(
                f'legacy_figures.{match.key}: "{labels[i]}" also reads as this row; '
                f'kept with key null ("{labels[best[match.key]]}" is closer)'
            )
            matches[i] = Match(None, 0.0, "none")


def settle_either(labels: list[str], matches: list[Match], warnings: list[str]) -> None:
    """A label as close to two rows, one of which another label names, is the other one."""
    taken = {m.key for m in matches if m.key}
    for i, match in enumerate(matches):
        left = [key for key in match.either if key not in taken]
        if match.key is None and len(match.either) > 1 and len(left) == 1:
            matches[i] = Match(left[0], match.score, "similar")
            taken.add(left[0])
            others = ", ".join(k for k in match.either if k != left[0])
            warnings.append(
                f'legacy_figures.{left[0]}: label "{labels[i]}" is as close to {others}, '
                "which another row names"
            )
