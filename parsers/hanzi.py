"""Chinese text as the parser compares it: simplified characters, look-alikes made one.

Portals serve many pages a second time in traditional characters (`/gate/big5/…`), OCR reads
子 for 予 and 己 for 已, and text layers put spaces inside words. What the parser matches on
goes through `canon`: full width folded, whitespace dropped, look-alikes mapped to one
character. A document in traditional characters is first converted with OpenCC (`t2s`);
the Taiwan words OpenCC's phrase configs put in (資訊 for 信息) are looked for as well.
Values are never read from canonical text: a value cell keeps what the report printed.
"""

from __future__ import annotations

import functools
import re

from parsers.values import fold

# OCR confusions: each group is read as its first character when labels are compared.
LOOKALIKE_GROUPS = (
    "予子",
    "已己巳",
    "未末",
    "土士",
    "日曰",
    "人入",
    "大太",
    "干千",
    "天夭",
    "戌戊戍",
    "力刀",
    "见贝",
    "0Oo",
    "1lI|",
)
# What OCR reads for a digit (0 → O, 1 → l): a number the report printed, garbled.
DIGIT_LOOKALIKES = "".join(g[1:] for g in LOOKALIKE_GROUPS if g[0].isdigit())
# A translation table (one character for one: positions stay) for str.translate.
LOOKALIKES_ONE = str.maketrans({c: g[0] for g in LOOKALIKE_GROUPS for c in g[1:]})
_ANY_LOOKALIKE = re.compile("[" + re.escape("".join(g[1:] for g in LOOKALIKE_GROUPS)) + "]")
# Quotes and brackets carry no meaning in a label: 危及“三安全一稳定” = 危及三安全一稳定.
_NOISE = re.compile(r"[\"'“”‘’「」『』《》〈〉]")

# Words OpenCC's Taiwan phrase conversion (s2twp) puts in, as t2s leaves them: 信息 → 資訊 →
# 资讯. Labels are looked for in both forms; the document's text is never rewritten.
TAIWAN_WORDS = (("信息", "资讯"), ("文件", "档案"), ("项目", "专案"), ("类型", "型别"))


def with_taiwan_words(phrase: str) -> tuple[str, ...]:
    """The phrase, and the phrase as a Taiwan-style page converted back to simplified says it."""
    taiwan = phrase
    for mainland, word in TAIWAN_WORDS:
        taiwan = taiwan.replace(mainland, word)
    return (phrase,) if taiwan == phrase else (phrase, taiwan)


def plain(text: str) -> str:
    """Folded (full width, no whitespace) and without quotes: what the report printed."""
    return _NOISE.sub("", fold(text))


def canon(text: str) -> str:
    """The form labels are compared in: plain, and look-alikes made one."""
    text = plain(text)
    # Most labels hold no look-alike: a search is 5x cheaper than translating.
    return text.translate(LOOKALIKES_ONE) if _ANY_LOOKALIKE.search(text) else text


@functools.cache
def _converter(config: str):
    import opencc  # the official OpenCC binding: its dictionaries ship in the wheel

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional characters → simplified (OpenCC t2s)."""
    return _converter("t2s").convert(text)


# Characters a 年报 prints all the time, simplified, and their traditional forms (OpenCC
# s2t, s2tw and s2hk; tests/test_vocabulary.py holds them to what OpenCC says). Which form a
# text uses more tells its script, without loading a converter (s2t takes 150 ms to load).
SIMPLIFIED_MARKS = (
    "开报总体况动处请复议诉讼结维纠审计规范许罚强业费采购项数对务这为个们时来会说国发经过还进"
    "门实关条县区镇乡办厅机构与应该单际现选举讯网络电话书记员长问题严变学历标准层级设划统调转"
)
TRADITIONAL_MARKS = (
    "來個們劃動務區員問單嚴國報學實審對層廳強復應採數時書會條業構標機歷況準為爲現發範糾級結絡統"
    "經維網縣總罰與舉處規計訊記訟設許訴話該說説調請議變費購轉辦這進過選還鄉鎮長門開關際電項題體"
)
_TRADITIONAL = re.compile(f"[{TRADITIONAL_MARKS}]")
_SIMPLIFIED = re.compile(f"[{SIMPLIFIED_MARKS}]")


def has_traditional(text: str) -> bool:
    """Any common character in its traditional form: enough to tell a short text (a link's)."""
    return _TRADITIONAL.search(text) is not None


def is_traditional(text: str) -> bool:
    """More common characters in their traditional than in their simplified form."""
    found = len(_TRADITIONAL.findall(text))
    return found >= 2 and found > len(_SIMPLIFIED.findall(text))
