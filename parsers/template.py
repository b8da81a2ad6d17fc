"""The national templates as data: rows, columns and the label variants that name them.

Labels are matched on their folded text (parsers.values.fold) with any leading numbering
(一、 （三） 1. ...) removed. A row is recognised by what it means: the `needles` are
substrings that only that row's label contains; `after` names a row that must already have
been seen, for labels that are ambiguous on their own (其他, 总计).
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
    label: str
    needles: tuple[str, ...]
    after: str | None = None
    exact: bool = False  # the whole label must equal a needle
    templates: tuple[str, ...] = ("2019", "2021")


APPLICATION_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息")),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    RowSpec("granted", "（一）予以公开", ("予以公开",)),
    RowSpec("partly_granted", "（二）部分公开", ("部分公开",)),
    RowSpec("denied_state_secret", "1.属于国家秘密", ("国家秘密",)),
    RowSpec(
        "denied_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        ("禁止公开",),
    ),
    RowSpec("denied_security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定")),
    RowSpec("denied_third_party", "4.保护第三方合法权益", ("第三方",)),
    RowSpec("denied_internal_affairs", "5.属于三类内部事务信息", ("内部事务",)),
    RowSpec("denied_process_info", "6.属于四类过程性信息", ("过程性",)),
    RowSpec("denied_enforcement_files", "7.属于行政执法案卷", ("执法案卷",)),
    RowSpec("denied_query_matter", "8.属于行政查询事项", ("查询事项",)),
    RowSpec("unable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",)),
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
    RowSpec(
        "other_other",
        "3.其他",
        ("其他",),
        after="other",
        exact=True,
        templates=("2021",),
    ),
    RowSpec("total_processed", "（七）总计", ("总计", "合计"), after="new_received", exact=True),
    RowSpec("carried_forward", "四、结转下年度继续办理", ("结转下年",)),
)

# The rows that （六）其他处理 sums to in the 2021 format.
OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_other")
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


# Section 二, 主动公开政府信息情况: item key → label variants (folded, exact match).
ACTIVE_ITEMS: dict[str, tuple[str, ...]] = {
    "regulations": ("规章",),
    "normative_documents": ("规范性文件", "行政规范性文件"),
    "licensing": ("行政许可",),
    "other_services": ("其他对外管理服务事项",),
    "punishment": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("行政事业性收费",),
    "procurement": ("政府集中采购",),
}

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

# Column headers that tell the templates apart.
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    "2021": (
        "本年制发件数",
        "现行有效件数",
        "本年废止件数",
        "本年处理决定数量",
        "本年收费金额",
        "不补正",
    ),
    "2019": (
        "本年新制作数量",
        "对外公开总数量",
        "上一年项目数量",
        "采购项目数量",
        "本年新公开数量",
    ),
}
