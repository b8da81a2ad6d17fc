"""The old 统计表 of the 2008–2018 reports as data: what each row means and how it is worded.

Reports before 2019 end with a 政府信息公开情况统计表 whose rows vary by province and year
(report-json.md, `legacy_figures`). A row is recognised by what its label means, after the
label is folded and its numbering (其中：1、 （1） 1.) removed:
- `needles`: words only that row's label holds (`A+B`: both words, in any order);
- `avoid`: words that make a label another row, though it holds a needle
  (不同意公开 is not 同意公开; 政府网站在线访谈次数 is no count of published information);
- `wordings`: the ways the row is printed, for labels that lost a character or hold an OCR
  look-alike (compared by similarity when no needle is found);
- `units`: which units the row can be counted in (a row printed in 人 is not a count of
  requests);
- `group`: rows a generic 其他/其它 label continues (4、其他 under the replies is
  `replies_other`);
- `phrases`: for figures stated in a sentence instead (全年共受理政府信息公开申请37件), what the
  sentence says right before the number; `verbs`: words the sentence must also hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.values import MONEY_TO_WANYUAN

# Units, by what they count. A unit cell holds one of these; a label may end with one in
# brackets: 收费金额（元）. Which units a row may be counted in is part of what it means: a
# row in 次 or 人 is no count of published information.
ITEMS = frozenset("条 件 项 个 篇 份".split())  # documents, items of information
REQUESTS = ITEMS | frozenset("次 人次 起 宗 例 批".split())
CASES = frozenset("件 次 起 宗 个 例 条 项 人次".split())
MONEY_UNITS = MONEY_TO_WANYUAN
MONEY = frozenset(MONEY_UNITS)
COUNT_UNITS = REQUESTS | CASES | frozenset("家 期".split())
OTHER_UNITS = frozenset("人 场 天 日 工作日 % 小时".split())
UNITS = COUNT_UNITS | MONEY | OTHER_UNITS


@dataclass(frozen=True)
class LegacyRow:
    key: str
    label: str  # the label most tables print
    wordings: tuple[str, ...]
    needles: tuple[str, ...]
    avoid: tuple[str, ...] = ()
    units: frozenset[str] = REQUESTS
    group: str | None = None
    phrases: tuple[str, ...] = ()  # regular expressions, in folded text
    verbs: tuple[str, ...] = ()


# Words no count of published information, requests or replies holds: rows of the 2014–2018
# tables about 回应解读, 访谈, 培训, staff and budgets.
_NOT_COUNTS = ("回应", "解读", "访谈", "发布会", "人员", "经费", "培训", "会议", "查阅点", "机构")

LEGACY_ROWS: tuple[LegacyRow, ...] = (
    LegacyRow(
        "proactive",
        "主动公开政府信息数",
        (
            "主动公开政府信息数",
            "主动公开文件数",
            "主动公开信息数",
            "主动公开政府信息总数",
            "主动公开信息总数",
            "主动公开政府信息条数",
        ),
        ("主动公开",),
        avoid=("网站", "公报", "其他", "其它", "规范性文件", "范围", "方式", "渠道", *_NOT_COUNTS),
        units=ITEMS,
        group="proactive",
        phrases=(r"主动公开(?:的)?(?:各类|各项)?(?:政府)?(?:信息|文件)",),
    ),
    LegacyRow(
        "proactive_website",
        "政府网站公开数",
        ("政府网站公开数", "网站公开", "政府网站公开政府信息数", "网站公开信息数"),
        ("网站",),
        avoid=_NOT_COUNTS,
        units=ITEMS,
        group="proactive",
        phrases=(r"网站(?:上)?(?:主动)?(?:公开|发布)?(?:政府)?(?:信息)?",),
    ),
    LegacyRow(
        "proactive_gazette",
        "政府公报公开数",
        ("政府公报公开数", "政府公报公开", "政府公报公开政府信息数", "公报公开信息数"),
        ("公报",),
        avoid=_NOT_COUNTS,
        units=ITEMS,
        group="proactive",
        phrases=(r"公报(?:上)?(?:主动)?(?:公开|发布)?(?:政府)?(?:信息)?",),
    ),
    LegacyRow(
        "proactive_other",
        "其他方式公开数",
        ("其他方式公开数", "其他方式公开政府信息数", "其他形式公开数"),
        ("其他方式公开", "其它方式公开", "其他形式公开", "其它形式公开"),
        avoid=_NOT_COUNTS,
        units=ITEMS,
        group="proactive",
        phrases=(r"其[他它](?:方式|形式|途径)(?:主动)?公开(?:政府)?(?:信息)?",),
    ),
    LegacyRow(
        "applications",
        "受理依申请公开信息总数",
        (
            "受理依申请公开信息总数",
            "收到政府信息公开申请数",
            "收到申请数",
            "受理申请总数",
            "依申请公开信息总数",
            "受理政府信息公开申请数",
        ),
        (
            "依申请公开信息总数",
            "受理依申请",
            "收到申请",
            "受理申请",
            "申请总数",
            "收到政府信息公开申请",
            "受理政府信息公开申请",
            "收到依申请",
        ),
        avoid=("答复", "复议", "诉讼", "当面", "网上", "网络", "信函", "传真", "邮件", "其他"),
        group="applications",
        phrases=(
            r"(?:政府信息公开|信息公开|公开)申请",
            r"依申请公开(?:政府)?(?:信息)?(?:申请)?",
            r"(?:受理|收到|接到|接收)申请",
        ),
        verbs=("受理", "收到", "接到", "接收"),
    ),
    LegacyRow(
        "applications_in_person",
        "当面申请数",
        ("当面申请数", "现场申请数"),
        ("当面", "现场申请"),
        group="applications",
        phrases=(r"(?:当面|现场)(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_online",
        "网上申请数",
        ("网上申请数", "网络申请数", "在线申请数"),
        ("网上", "网络", "在线申请", "互联网"),
        avoid=("邮件", "电邮", *_NOT_COUNTS),
        group="applications",
        phrases=(r"(?:网上|网络|在线)(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_email",
        "电子邮件申请数",
        ("电子邮件申请数", "邮件申请数"),
        ("邮件", "电邮"),
        group="applications",
        phrases=(r"(?:电子)?邮件(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_letter_fax",
        "信函、传真申请数",
        ("信函、传真申请数", "信函传真申请数"),
        ("信函+传真", "信函、", "、传真"),
        group="applications",
        phrases=(r"信函(?:、|和|及|或|/)?传真(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_letter",
        "信函申请数",
        ("信函申请数",),
        ("信函",),
        avoid=("传真",),
        group="applications",
        phrases=(r"信函(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_fax",
        "传真申请数",
        ("传真申请数",),
        ("传真",),
        avoid=("信函",),
        group="applications",
        phrases=(r"(?<!、)传真(?:提出)?申请",),
    ),
    LegacyRow(
        "applications_other",
        "其它形式申请数",
        ("其它形式申请数", "其他形式申请数", "其他方式申请数"),
        ("其他形式申请", "其它形式申请", "其他方式申请", "其它方式申请"),
        group="applications",
        phrases=(r"其[他它](?:形式|方式|途径)(?:提出)?申请",),
    ),
    LegacyRow(
        "replies",
        "对申请的答复总数",
        ("对申请的答复总数", "对申请的答复数", "申请答复数", "答复总数", "已答复数"),
        ("答复总数", "对申请的答复", "申请答复", "已答复", "答复申请"),
        avoid=("同意", "不予", "否决", "其他", "其它"),
        group="replies",
        phrases=(r"(?:已|共|均|全部|依法)?答复(?:申请)?",),
    ),
    LegacyRow(
        "replies_granted",
        "同意公开答复数",
        ("同意公开答复数", "予以公开答复数"),
        ("同意公开", "予以公开"),
        avoid=("部分", "不同意", "不予"),
        group="replies",
        phrases=(r"(?:同意|予以)公开(?:答复)?",),
    ),
    LegacyRow(
        "replies_partly_granted",
        "同意部分公开答复数",
        ("同意部分公开答复数", "部分公开答复数"),
        ("部分公开",),
        group="replies",
        phrases=(r"部分公开(?:答复)?",),
    ),
    LegacyRow(
        "replies_denied",
        "不予公开答复数",
        ("不予公开答复数", "否决公开答复数", "不同意公开答复数"),
        ("不予公开", "否决公开", "不同意公开", "不公开答复"),
        group="replies",
        phrases=(r"(?:不予|否决|不同意)公开(?:答复)?",),
    ),
    LegacyRow(
        "replies_other",
        "其他类型答复数",
        ("其他类型答复数", "其它类型答复数", "其他答复数"),
        ("其他类型答复", "其它类型答复", "其他答复", "其它答复", "其他类答复"),
        group="replies",
        phrases=(r"其[他它](?:类型|类|方式)?答复",),
    ),
    LegacyRow(
        "fees",
        "政府信息公开收费（减免）金额",
        (
            "政府信息公开收费减免金额",
            "政府信息公开收费金额",
            "收取费用",
            "依申请公开信息收取的费用",
        ),
        ("收费", "费用", "减免金额"),
        units=MONEY,
        phrases=(r"(?:收取|收费|费用)(?:金额)?",),
    ),
    LegacyRow(
        "complaints",
        "接受行政诉讼、举报数",
        ("接受行政诉讼、举报数", "举报数", "行政申诉数", "举报投诉数量", "申诉数"),
        ("举报", "申诉", "投诉"),
        units=CASES,
        phrases=(r"(?:举报|投诉|申诉)(?:案件)?",),
    ),
    LegacyRow(
        "reviews",
        "行政复议数",
        ("行政复议数", "行政复议数量", "申请行政复议数"),
        ("复议",),
        avoid=("诉讼", "举报", "申诉", "投诉"),
        units=CASES,
        phrases=(r"(?:行政)?复议(?:案件|申请)?",),
    ),
    LegacyRow(
        "lawsuits",
        "行政诉讼数",
        ("行政诉讼数", "行政诉讼数量", "提起行政诉讼数"),
        ("诉讼",),
        avoid=("复议", "举报", "申诉", "投诉"),
        units=CASES,
        phrases=(r"(?:行政)?诉讼(?:案件)?",),
    ),
)

ROWS_BY_KEY = {row.key: row for row in LEGACY_ROWS}

# A label that says only 其他 (其他方式, 其它) continues the group of the row above it.
GENERIC_OTHER = re.compile(r"^其[他它](?:方式|形式|类型|渠道)?(?:数|数量)?$")

# Column headers of the 统计表, by the column they head (folded text holding one of the words,
# with at most two more characters: 本年度数 is a header, 行政复议数量 a row). In this order:
# 历年累计 is no 本年.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "label": ("指标名称", "指标", "名称", "项目", "统计内容"),
    "unit": ("计量单位", "单位", "计量"),
    "cumulative": ("历年累计", "累计", "历年"),
    "previous": ("上年", "去年", "上一年"),
    "value": ("本年度", "本年", "本期", "当年", "年度", "数量", "数值", "统计数", "数据"),
}
HEADER_SLACK = 2
# Value headers that may stand over the year's and the cumulative columns (a header of two
# rows): they head no column when those columns are named.
HEADER_GROUP = ("数量", "数值", "数据", "统计数", "统计数据")
# A header naming a year: 2013年度, 2013年 (the year reported on, or another one); 213年度,
# a year that lost a digit, still heads the year's column but says no year.
# The year's months may follow: 2013年1-12月, 2013年1月1日至12月31日.
YEAR_HEADER = re.compile(
    r"^((?:19|20)\d{2})年?度?(?:\d{1,2}月?(?:\d{1,2}日)?[-~—–至到]\d{1,2}月(?:\d{1,2}日)?份?)?"
    r"(?:数|数量|数据)?$"
)
# Since when a 累计 column counts, before its word: 2008年5月以来累计, 截至2013年底累计.
SINCE = re.compile(
    r"^(?:自|从|截至|截止)?(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?(?:以来|至今)?"
)
DAMAGED_YEAR_HEADER = re.compile(r"^\d{2,4}年度?(?:数|数量|数据)?$")
# A unit for the whole table: 单位：件.
TABLE_UNIT = re.compile(r"(?:计量)?单位[:：]\s*(\S{1,2})")

# Sentences: what may stand between a row's words and its number (共 412 条, 数为 37 件).
TEXT_FILLERS = r"(?:的)?(?:数量|总数|总量|数)?(?:共计|总计|合计|共有|共|计|达到|达|为|是|了|有|约)*"
# A clause about a change or a share, not a count: 比上年增加5件, 占53%.
TEXT_NOT_A_COUNT = re.compile(r"同比|比上年|比去年|较上年|较去年|增加|减少|增长|下降|占|累计|以来")
