"""The national form's printed words that parsers.template does not carry: column headers,
the kinds of table 四, the fields of table 二. The database's lookup tables and the report
page print them, so a reader sees the form's own words, not our keys.
"""

from __future__ import annotations

APPLICANT_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
# The five 法人或其他组织 columns sit under one heading in the form.
ORGANISATION_HEADING = "法人或其他组织"

REVIEW_KIND_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼：未经复议直接起诉",
    "litigation_after_review": "行政诉讼：复议后起诉",
}
REVIEW_OUTCOME_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

ACTIVE_FIELD_LABELS: dict[str, str] = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_year": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "projects": "采购项目数量",
    "amount": "金额（万元）",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
# Item labels as each template prints them (parsers.template.ACTIVE_ITEMS lists variants).
ACTIVE_ITEM_LABELS: dict[str, dict[str, str]] = {
    "2019": {
        "regulations": "规章",
        "normative_documents": "规范性文件",
        "licensing": "行政许可",
        "other_services": "其他对外管理服务事项",
        "punishment": "行政处罚",
        "coercion": "行政强制",
        "fees": "行政事业性收费",
        "procurement": "政府集中采购",
    },
    "2021": {
        "regulations": "规章",
        "normative_documents": "行政规范性文件",
        "licensing": "行政许可",
        "punishment": "行政处罚",
        "coercion": "行政强制",
        "fees": "行政事业性收费",
    },
}
# The headings of table 二: which 第二十条 item each group of rows answers.
ACTIVE_GROUPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2019": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
    "2021": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
}
