"""The domain vocabulary: what a 年报's title says, how its sections are headed, which words
only the national tables print. The parser and the spider both read it from here.

Phrases are data in simplified characters. They are looked for in canonical text
(parsers.hanzi.canon: full width folded, no whitespace, look-alikes made one), also in the
words a Taiwan-style page converted back says (资讯 for 信息), and a phrase of four or more
characters is still found with one character lost or misread: real reports print
`2.其他法律行政止公开`, and portals serve pages in traditional characters.
"""

from __future__ import annotations

import re

from parsers.hanzi import DIGIT_LOOKALIKES, canon, is_traditional, to_simplified, with_taiwan_words

FUZZY_FROM = 4  # shorter phrases must be printed whole: 年报 with a character lost is noise


class Phrases:
    """A set of phrases, found in canonical text whole or with one character lost or misread."""

    def __init__(self, *phrases: str) -> None:
        self.phrases = phrases
        self.forms_of = {p: with_taiwan_words(canon(p)) for p in phrases}
        self.forms = forms = [form for p in phrases for form in self.forms_of[p]]
        self.pattern = _pattern(forms)
        self._each: dict[str, re.Pattern[str]] = {}

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """The leftmost phrase in canonical `text` (between start and end)."""
        return self.pattern.search(text, start, len(text) if end is None else end)

    def count(self, text: str) -> int:
        """How often canonical `text` holds the phrases: printed whole, or else (a slower
        search) with a character lost or misread."""
        whole = sum(text.count(form) for form in self.forms)
        return whole or len(self.pattern.findall(text))

    def whole(self, text: str) -> set[str]:
        """The phrases (as given) that `text` prints whole: a plain substring test, cheap on
        a whole page."""
        return {p for p, forms in self.forms_of.items() if any(f in text for f in forms)}

    def found(self, text: str) -> set[str]:
        """The phrases (as given) that canonical `text` holds, whole or one character off."""
        hits = {m.group() for m in self.pattern.finditer(text)}
        return {p for p in self.phrases if any(self._one(p).fullmatch(h) for h in hits)}

    def _one(self, phrase: str) -> re.Pattern[str]:
        if phrase not in self._each:
            self._each[phrase] = _pattern(self.forms_of[phrase])
        return self._each[phrase]


def _pattern(forms: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    exact = [re.escape(form) for form in forms]
    fuzzy = [variant for form in forms for variant in _one_off(form)]
    starts = {form[i] for form in forms for i in (0, 1) if i < len(form)}
    # The look-ahead lets the engine skip positions that start no variant: 30x faster.
    return re.compile(
        "(?=[" + re.escape("".join(sorted(starts))) + "])(?:" + "|".join(exact + fuzzy) + ")"
    )


def _one_off(form: str) -> list[str]:
    """Patterns for the form with one character lost, or one inner character misread (a
    misread first or last character leaves the form with that character lost)."""
    if len(form) < FUZZY_FROM:
        return []
    lost = [re.escape(form[:i] + form[i + 1 :]) for i in range(len(form))]
    misread = [
        re.escape(form[:i]) + "." + re.escape(form[i + 1 :]) for i in range(1, len(form) - 1)
    ]
    return lost + misread


# ---------------------------------------------------------------- titles

# A 年报's title names a report …
REPORT_WORDS = Phrases("年度报告", "年报", "年度工作报告", "工作报告")
# What a report's own title ends with; a portal's column is called 年报 (信息公开年报).
ANNUAL_REPORT = Phrases("年度报告")
# … on information disclosure; the agency is what the title says before this.
DISCLOSURE_WORDS = Phrases("政府信息公开", "政务公开", "信息公开")
# A link's text is looser: 2023年度政府公开工作年度报告.
LINK_DISCLOSURE = Phrases("公开")
# Words that end a title broken over lines: the line above holds its beginning (a tail
# that lost its first character is still one).
TITLE_TAILS = tuple(
    form
    for tail in ("工作", "年度", "政府信息", "政务公开", "信息公开")
    for form in (tail, tail[1:])
)
# Words around the agency in a title that are not the agency: 关于公布…, 《…》.
AGENCY_NOISE = re.compile(r"(关于|公布|发布)$|^(关于|印发)")
# Where the reported year is said outside the title: 统计期限为2020年1月1日至…
STATS_PERIOD = re.compile(r"统计(?:期限|时限|期间)为?(?:自|从)?((?:19|20)\d{2})年")
# The reported year in a title: four digits, 年 or not (a title says no other number).
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)年?度?")
# A year in Chinese numerals, as titles, year sub-columns and texts print it (二〇二三年度,
# 二零二四年); its zero also typed as ○ or read as a Latin O. Only before 年, so other numerals
# stay words.
_NUMERAL_YEAR = re.compile(r"(?:一九|二[〇○零Oo0])[〇○零Oo0一二三四五六七八九]{2}(?=年)")
_NUMERAL_DIGITS = str.maketrans(
    {
        **{c: "0" for c in "〇○零Oo"},
        **{c: str(i) for i, c in enumerate("〇一二三四五六七八九") if i},
    }
)
# What is left of a year that lost a digit (202年, 2O2): it is not the agency's name.
_DIGIT = rf"[\d{re.escape(DIGIT_LOOKALIKES)}]"
YEAR_STUMP = re.compile(rf"^{_DIGIT}{{1,4}}年?度?|{_DIGIT}{{1,4}}年?度?$")
# Names agencies are made of, put back when a look-alike was read (入民政府 → 人民政府).
AGENCY_WORDS = ("人民政府", "办公厅", "办公室", "委员会", "街道办事处", "人民代表大会")


def digit_years(text: str) -> str:
    """`text` with each year in Chinese numerals written in digits, one digit for one numeral
    (positions stay): 二〇二三年度 → 2023年度."""
    return _NUMERAL_YEAR.sub(lambda year: year[0].translate(_NUMERAL_DIGITS), text)


def is_report_title(text: str) -> bool:
    """A link's or a page's title names a 年报 (any script, spaces and lost characters too)."""
    text = readable(text)
    if REPORT_WORDS.search(text) is None:
        return False
    return LINK_DISCLOSURE.search(text) is not None or DISCLOSURE_WORDS.search(text) is not None


def is_dated_report_title(title: str) -> bool:
    """A document's own metadata title names a 年度报告 of a year: a bare 年度报告 (no agency,
    no year) says less than the title printed on the first page."""
    return "年度报告" in title and YEAR.search(title) is not None


def names_report(text: str) -> bool:
    """Canonical text names a report on information disclosure (the parser's title test)."""
    return REPORT_WORDS.search(text) is not None and DISCLOSURE_WORDS.search(text) is not None


# ---------------------------------------------------------------- sections

# Section headings, in the order the templates print them: key → what the heading says.
SECTION_HEADINGS: tuple[tuple[str, Phrases], ...] = (
    ("overview", Phrases("总体情况", "总体概况", "概述")),
    ("active", Phrases("主动公开政府信息情况", "主动公开情况")),
    ("applications", Phrases("收到和处理政府信息公开申请", "依申请公开政府信息情况")),
    (
        "review",
        Phrases("行政复议、行政诉讼", "行政复议和行政诉讼", "复议、诉讼情况", "复议诉讼情况"),
    ),
    ("problems", Phrases("存在的主要问题", "存在问题", "主要问题及改进")),
    ("other", Phrases("其他需要报告的事项", "其他事项")),
)
# A heading is numbered 一、 or 第一部分 (either half of 一、 may be lost); 一是… is not one.
HEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]?(?!是)|[、.,]|第[一二三四五六七八九十]+部分)"
)
HEADING_MAX = 40  # characters: a longer line is prose that mentions a heading's words


# ---------------------------------------------------------------- the national tables

# Words that only the national tables print (cells, not prose): a page or an HTML table
# with two of them holds the report's tables.
TABLE_WORDS = Phrases(
    "第二十条",
    "信息内容",
    "本年新收",
    "上年结转",
    "结转下年度",
    "结果维持",
    "结果纠正",
    "尚未审结",
    "本年制发件数",
    "本年新制作数量",
)


def prints_tables(text: str) -> bool:
    """Raw text (a page, a table's text) holds the national tables, in any script."""
    if len(TABLE_WORDS.whole(text)) >= 2:
        return True  # most pages: spare making a whole page canonical
    return len(TABLE_WORDS.found(readable(text))) >= 2


def starts_report(text: str) -> bool:
    """Raw text holds the first section's heading (一、总体情况): the report's beginning."""
    overview = SECTION_HEADINGS[0][1]
    return bool(overview.whole(text)) or overview.search(readable(text)) is not None


def readable(text: str) -> str:
    """Raw text as phrases are looked for in it: canonical, simplified where traditional."""
    return canon(to_simplified(text) if is_traditional(text) else text)


# Column headers that tell the templates apart (2019: 国办公开办函〔2019〕60号;
# 2021: 国办公开办函〔2021〕30号).
TEMPLATE_MARKERS: dict[str, Phrases] = {
    "2021": Phrases(
        "本年制发件数",
        "现行有效件数",
        "本年废止件数",
        "本年处理决定数量",
        "本年收费金额",
        "不补正",
    ),
    "2019": Phrases(
        "本年新制作数量",
        "对外公开总数量",
        "上一年项目数量",
        "采购项目数量",
        "本年新公开数量",
    ),
}
