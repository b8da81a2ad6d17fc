"""The national templates as data: rows, columns and the label variants that name them.

Rows are found by aligning the labels a report prints to the template's rows in order
(parsers.align), on canonical labels (parsers.hanzi.canon) without their numbering
(一、 （三） 1. ...). A row's `needles` are substrings only that row's label contains; its
`variants` other wordings reports print; a `generic` row (其他, 总计) is named only by its
whole label, and only where it stands in the order.
"""

from __future__ import annotations

from dataclasses import dataclass

# Columns of the applications table, in printed order.
APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
)


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # the national form's label
    needles: tuple[str, ...] = ()  # substrings only this row's label contains
    variants: tuple[str, ...] = ()  # other wordings real reports print
    generic: bool = False  # 其他, 总计: only the whole label names the row, and only in its place
    templates: tuple[str, ...] = ("2019", "2021")


APPLICATION_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息")),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    RowSpec("granted", "（一）予以公开", ("予以公开",)),
    RowSpec(
        "partly_granted",
        "（二）部分公开",
        ("部分公开",),
        ("部分公开（区分处理的，只计这一情形，不计其他情形）",),
    ),
    RowSpec("denied_state_secret", "1.属于国家秘密", ("国家秘密",)),
    RowSpec(
        "denied_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        ("禁止公开",),
        ("其他法律法规禁止公开",),
    ),
    RowSpec("denied_security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定")),
    RowSpec("denied_third_party", "4.保护第三方合法权益", ("第三方",)),
    RowSpec("denied_internal_affairs", "5.属于三类内部事务信息", ("内部事务",)),
    RowSpec("denied_process_info", "6.属于四类过程性信息", ("过程性",)),
    RowSpec("denied_enforcement_files", "7.属于行政执法案卷", ("执法案卷",)),
    RowSpec("denied_query_matter", "8.属于行政查询事项", ("查询事项",)),
    RowSpec(
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        ("不掌握",),
        ("本单位不掌握相关政府信息",),
    ),
    RowSpec(
        "unable_needs_creation",
        "2.没有现成信息需要另行制作",
        ("另行制作", "没有现成"),
    ),
    RowSpec("unable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "不明确")),
    RowSpec("rejected_petition", "1.信访举报投诉类申请", ("信访", "举报投诉")),
    RowSpec("rejected_repeated", "2.重复申请", ("重复申请",)),
    RowSpec("rejected_publication", "3.要求提供公开出版物", ("出版物",)),
    RowSpec("rejected_excessive", "4.无正当理由大量反复申请", ("大量反复",)),
    RowSpec(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        ("重新出具", "确认或"),
    ),
    RowSpec("other", "（六）其他处理", ("其他处理",)),
    RowSpec(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("不补正",),
        templates=("2021",),
    ),
    RowSpec(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("缴纳费用", "收费通知"),
        templates=("2021",),
    ),
    RowSpec("other_other", "3.其他", generic=True, templates=("2021",)),
    RowSpec("total_processed", "（七）总计", variants=("合计",), generic=True),
    RowSpec("carried_forward", "四、结转下年度继续办理", ("结转下年",)),
)

# Labels the applications table prints that are not rows: column headers and the headings
# over groups of rows. A label closer to one of these than to any row is not a row.
APPLICATION_NON_ROWS = (
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
)

# The rows that （六）其他处理 sums to in the 2021 format.
OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_other")
# Rows a form prints as a heading over its sub-rows, without values of its own, where the
# template has those sub-rows: any other row printed without values is named as missing.
HEADING_ROWS = {"other": OTHER_SUBROWS}
# （一）…（六）, the rows that add up to （七）总计.
PROCESSED_ROWS = (
    "granted",
    "partly_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_files",
    "denied_query_matter",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "rejected_petition",
    "rejected_repeated",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other",
)


def application_rows(template: str) -> tuple[RowSpec, ...]:
    return tuple(spec for spec in APPLICATION_ROWS if template in spec.templates)


# Section 二, 主动公开政府信息情况: its items in printed order (the 2021 format prints a
# subsequence of the 2019 one).
ACTIVE_ITEMS: tuple[RowSpec, ...] = (
    RowSpec("regulations", "规章", generic=True),
    RowSpec("normative_documents", "规范性文件", variants=("行政规范性文件",), generic=True),
    RowSpec("licensing", "行政许可", generic=True),
    RowSpec("other_services", "其他对外管理服务事项", generic=True),
    RowSpec("punishment", "行政处罚", generic=True),
    RowSpec("coercion", "行政强制", generic=True),
    RowSpec("fees", "行政事业性收费", generic=True),
    RowSpec("procurement", "政府集中采购", generic=True),
)

# Rows reports add under 其他对外管理服务事项: the other kinds of administrative power.
# A label read as one of these is that extra row, not an item.
ACTIVE_EXTRA_LABELS = (
    "行政征收",
    "行政征用",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "行政备案",
    "其他行政权力",
)

# The fields each template prints for each item, in column order.
ACTIVE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("previous_year", "change", "decisions"),
        "other_services": ("previous_year", "change", "decisions"),
        "punishment": ("previous_year", "change", "decisions"),
        "coercion": ("previous_year", "change", "decisions"),
        "fees": ("previous_year", "change"),
        "procurement": ("projects", "amount"),
    },
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
}

# Fields that hold money (万元).
MONEY_FIELDS = frozenset({("procurement", "amount"), ("fees", "amount")})

# Header cells of section 二 that are neither items nor extra rows.
ACTIVE_HEADER_NEEDLES = (
    "第二十条",
    "信息内容",
    "数量",
    "件数",
    "本年增",
    "金额",
    "单位",
)

# Section 四: kinds in printed order, each with five outcomes in printed order.
REVIEW_KINDS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
# Each kind by words only its label holds, the most specific first: a table printed with one
# row per kind (kind, then its five outcomes) is read row by row.
REVIEW_KIND_NEEDLES = (
    ("litigation_after_review", ("复议后起诉",)),
    ("litigation_direct", ("直接起诉",)),
    ("review", ("行政复议",)),
)
# A header over several kinds (the form's 行政诉讼 over its two kinds of suit).
REVIEW_KIND_GROUPS = {"行政诉讼": ("litigation_direct", "litigation_after_review")}
# The words of its header cells: the values follow the last of them.
REVIEW_HEADERS = (
    "行政复议",
    "行政诉讼",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "合计",
)
