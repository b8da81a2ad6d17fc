"""What a portal's own navigation says: which links lead towards its 年报, which titles are 年报.

The crawler finds a portal's 年报 column as a person would, by the words on the links
(首页 → 政务公开 → 政府信息公开年报) and by what a page lists, never by URL spelling. The
words are data here, beside the report vocabulary of the parsers; crawler/spiders/discovery.py
applies them to pages.

Link texts are compared in a readable form: canonical as the vocabulary's (parsers.hanzi.canon),
punctuation dropped, the traditional characters of portals' 繁體 copies made simplified (政務公開
→ 政务公开; a link text is short, so one traditional character is enough to convert it), and the
Taiwan word 资讯 read as 信息, and a year written in Chinese numerals (二〇二三年) in digits.
What makes one 年报's title is the vocabulary's test, with a year.
"""

from __future__ import annotations

import re

from parsers.hanzi import TAIWAN_WORDS, canon, has_traditional, to_simplified
from parsers.vocabulary import YEAR, digit_years, is_report_title

_NOISE_CHARACTERS = re.compile(r"[\s:：>》»›|｜·•、,，.。()（）\[\]【】「」《》\"'“”]+")

# ------------------------------------------------------------------ link texts, by strength

# The 年报 column's own name, or a 年报 专题 page's: followed first. A link says one of these
# words, and 公开 too or little else (年报, 部门年报, 2023年度报告).
COLUMN_WORDS = re.compile(r"年报|年度报告")
COLUMN_SHORT = 10  # characters: a link this short naming 年报 needs no 公开 (年度报告, 部门年报)
# Navigation on the way to the column: 政务公开 → 政府信息公开 → 法定主动公开内容. Whole link texts
# (with a usual suffix), so 政府信息公开指南 or 依申请公开 are not taken for them.
SECTION_NAMES = re.compile(
    r"^(?:(?:政务|政府信息|政府|信息)公开|(?:法定)?主动公开(?:内容)?)"
    r"(?:专栏|专题|目录|平台|内容|频道|网|栏目|信息)?$"
)
# Words of links that lead elsewhere — news, services, interaction, other views of the same
# page — whatever else they say (政府信息公开指南, 企业年报公示, 繁體).
NOISE_WORDS = re.compile(
    "|".join(
        [
            "新闻", "要闻", "动态", "图片", "视频", "图解", "解读", "访谈", "直播",
            "办事", "服务", "互动", "交流", "留言", "信箱", "咨询", "投诉", "建议", "征集",
            "调查", "指南", "制度", "规定", "依申请", "申请表", "登录", "注册", "搜索",
            "英文", "english", "繁体", "简体", "无障碍", "长者", "关怀", "手机", "移动版",
            "打印", "关闭", "地图", "联系", "邮箱", "企业年报", "统计年报", "通知", "公告",
            "招聘", "招标", "采购",
        ]
    ),
    re.I,
)  # fmt: skip

# A link that says only that it downloads the page's file (附件下载, 点击下载, 附件1): on a
# report's page, its document, whatever the URL looks like (download.do?fileId=…). The
# traditional forms are spelt out: a text this short may hold no other to get it converted.
DOWNLOAD_LINK = re.compile(
    r"^(?:(?:[点點][击擊]|附件|全文|原文|文件)?下[载載](?:附件|全文|原文|文件)?|(?:查看|相关)?附件)\d*$"
)

# Tiers of a navigation link: how much a link is worth following (0: not at all).
STRONG, SECTION, NONE = 2, 1, 0

# ------------------------------------------------------------------ titles of 年报

# A link about 年报 that is not one: 关于做好2024年度政府信息公开工作年度报告编制的通知.
NOT_A_REPORT = re.compile(r"^关于|通知$|印发|编制|报送|评议|公示$")
# What a 专题 page or a column says of itself, beside a 年报 title's words.
COLLECTION_WORDS = re.compile(r"专题|专栏|集中公开|汇总|目录")
DISCLOSURE = re.compile(r"公开")


def readable(text: str) -> str:
    """`text` as these rules compare it: canonical, no punctuation, simplified, 信息."""
    text = text or ""
    if has_traditional(text):
        text = to_simplified(text)
    text = _NOISE_CHARACTERS.sub("", canon(text)).lower()
    for mainland, word in TAIWAN_WORDS:
        text = text.replace(word, mainland)
    return digit_years(text)


def is_one_report(text: str) -> bool:
    """A link or page title that names one 年报: the vocabulary's report title with a year, or
    what a list left of one (is_cut_report_title), and not a notice about 年报 or a 专题 of them
    (traditional characters and spaces allowed)."""
    words = readable(text)
    if NOT_A_REPORT.search(words) or COLLECTION_WORDS.search(words):
        return False
    return bool(YEAR.search(words) and is_report_title(words)) or is_cut_report_title(text)


# A list cuts a long title short (某某区发展和改革局2023年政府信...): what is left of a 年报's
# title is a year, then the beginning of what a title says after it, or of its disclosure words.
ELLIPSIS_END = re.compile(r"(?:\.{2,}|…+|。{3})\s*$")
TITLE_ENDS = tuple(
    words + tail
    for words in ("政府信息公开", "政务公开", "信息公开")
    for tail in ("工作年度报告", "年度报告", "年报")
)
CUT_TAIL_LEAST = 2  # characters of a title's end that make a cut after the agency's name


def is_cut_report_title(text: str) -> bool:
    """A link's text cut short by a list that may be a 年报's title: after its year nothing, the
    beginning of a title's end (政府信, 政务公开工作), or a name then one (2023年某局政府信)."""
    cut = ELLIPSIS_END.search(text or "")
    left = readable(text[: cut.start()]) if cut else ""
    years = list(YEAR.finditer(left))
    if not years:
        return False
    rest = left[years[-1].end() :]
    if not rest:
        return True
    starts = [rest] + [rest[i:] for i in range(1, len(rest) - CUT_TAIL_LEAST + 1)]
    return any(end.startswith(start) for start in starts for end in TITLE_ENDS)


# A year sub-column's link in a column: 2023年, 2023年度, 2023.
YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}年?度?$")


def names_a_year(text: str) -> bool:
    return bool(YEAR_ONLY.match(readable(text)))


def names_collection(text: str) -> bool:
    """A heading that names a list of 年报: a column (政府信息公开年报, 年度报告) or a 专题
    (2024年度政府信息公开工作年度报告集中公开专题), not one report."""
    text = readable(text)
    return link_tier(text) == STRONG and (
        YEAR.search(text) is None or bool(COLLECTION_WORDS.search(text))
    )


def says_download(text: str) -> bool:
    """A link's text says only "download the file" (附件下载, 下載附件, 附件1)."""
    return bool(DOWNLOAD_LINK.match(readable(text)))


def link_tier(text: str) -> int:
    """How strongly a link's text leads to the 年报: STRONG (names the column or a 专题),
    SECTION (政务公开 and the like, on the way), NONE (anything else)."""
    text = readable(text)
    if not text or NOISE_WORDS.search(text) or NOT_A_REPORT.search(text):
        return NONE
    if COLUMN_WORDS.search(text) and (DISCLOSURE.search(text) or len(text) <= COLUMN_SHORT):
        return STRONG
    return SECTION if SECTION_NAMES.match(text) else NONE
