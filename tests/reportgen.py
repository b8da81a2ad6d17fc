"""Write a report object back out as a document, in the shapes real reports come in.

Tests use it to check that every shape carries every value through the parser: the report
object is the truth, the document is what a portal would publish.
"""

from __future__ import annotations

import html

from parsers.template import (
    ACTIVE_FIELDS,
    APPLICANT_COLUMNS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    application_rows,
)

ACTIVE_LABELS = {
    "regulations": "规章",
    "normative_documents": {"2019": "规范性文件", "2021": "行政规范性文件"},
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
FIELD_HEADERS = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_year": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "projects": "采购项目数量",
    "amount": "采购总金额",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
GROUPS_2021 = {
    "licensing": "本年处理决定数量",
    "punishment": "本年处理决定数量",
    "coercion": "本年处理决定数量",
    "fees": "本年收费金额（单位：万元）",
}
GROUP_HEADS = {  # the rows that print a group label before their own label
    "granted": "三、本年度办理结果",
    "denied_state_secret": "（三）不予公开",
    "unable_not_held": "（四）无法提供",
    "rejected_petition": "（五）不予处理",
    "other_no_correction": "（六）其他处理",
}
REVIEW_HEADERS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def active_rows(report: dict) -> list[list[str]]:
    template = report["template"]
    rows: list[list[str]] = []
    last_header = None
    for item, fields in ACTIVE_FIELDS[template].items():
        headers = (
            [GROUPS_2021[item]]
            if template == "2021" and item in GROUPS_2021
            else [FIELD_HEADERS[f] for f in fields]
        )
        if headers != last_header:
            rows.append(["第二十条"])
            rows.append(["信息内容", *headers])
            last_header = headers
        label = ACTIVE_LABELS[item]
        label = label[template] if isinstance(label, dict) else label
        values = report["active_disclosure"][item]
        extras = [e for e in report.get("active_disclosure_extra", []) if e["parent"] == item]
        if extras:
            for n, extra in enumerate(extras):
                rows.append(
                    [
                        label if n == 0 else "",
                        extra["label"],
                        *[cell(extra["values"][f]) for f in fields],
                    ]
                )
        else:
            rows.append([label, *[cell(values[f]) for f in fields]])
    return rows


def application_table(report: dict) -> list[list[str]]:
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    for spec in application_rows(report["template"]):
        if spec.key == "other" and report["template"] == "2021":
            continue  # printed as the head of its three sub-rows
        values = report["applications"][spec.key]
        head = [GROUP_HEADS[spec.key]] if spec.key in GROUP_HEADS else []
        rows.append([*head, spec.label, *[cell(values[c]) for c in APPLICANT_COLUMNS]])
    return rows


def review_table(report: dict) -> list[list[str]]:
    values = [
        cell(report["review_litigation"][k][o]) for k in REVIEW_KINDS for o in REVIEW_OUTCOMES
    ]
    return [
        ["行政复议", "行政诉讼"],
        [*REVIEW_HEADERS, "未经复议直接起诉", "复议后起诉"],
        ["", "", "", "", "", *REVIEW_HEADERS, *REVIEW_HEADERS],
        values,
    ]


def sections(report: dict) -> list[tuple[str, list[list[str]] | str]]:
    return [
        (report["title"], ""),
        (
            "一、总体情况",
            f"{report['year']}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        ),
        ("二、主动公开政府信息情况", active_rows(report)),
        ("三、收到和处理政府信息公开申请情况", application_table(report)),
        ("四、政府信息公开行政复议、行政诉讼情况", review_table(report)),
        ("五、存在的主要问题及改进情况", "信息公开的及时性有待提高。"),
        ("六、其他需要报告的事项", "无。"),
    ]


def as_tab_rows(report: dict) -> str:
    """One table row per line, cells separated by tabs."""
    lines = []
    for heading, body in sections(report):
        lines.append(heading)
        if isinstance(body, str):
            lines.append(body)
        else:
            lines.extend("\t".join(row) for row in body)
        lines.append("")
    return "\n".join(lines)


def as_cell_per_line(report: dict) -> str:
    """Each non-blank cell on its own line (blank cells vanish in this shape)."""
    lines = []
    for heading, body in sections(report):
        lines.append(heading)
        if isinstance(body, str):
            lines.append(body)
        else:
            lines.extend(c for row in body for c in row if c)
    return "\n".join(lines)


def as_indented_cells(report: dict, width: int = 6) -> str:
    """Each cell starts with a tab on its own line; long labels break every `width` chars."""
    lines = []
    for heading, body in sections(report):
        lines.append(heading)
        if isinstance(body, str):
            lines.append(body)
            continue
        for row in body:
            for text in row:
                parts = [text[i : i + width] for i in range(0, len(text), width)] or [""]
                lines.append("\t" + parts[0])
                lines.extend(parts[1:])
            lines.append("")
    return "\n".join(lines)


def as_html(report: dict, charset: str | None = "utf-8", br_every: int = 0) -> str:
    """An HTML page; tables with rowspan for group labels, &nbsp; for blank cells."""
    out = ["<html><head>"]
    if charset:
        out.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    out.append(
        f"<title>{html.escape(report['title'])}_政府信息公开年报_某某门户</title></head><body>"
    )
    out.append('<div class="nav">首页 | 政务公开 | 政府信息公开年报</div><div class="article">')
    for heading, body in sections(report)[1:]:
        out.append(f"<p>{html.escape(heading)}</p>")
        if isinstance(body, str):
            out.append(f"<p>{html.escape(body)}</p>")
            continue
        out.append('<table border="1">')
        for row in body:
            out.append("<tr>" + "".join(_td(c, br_every) for c in row) + "</tr>")
        out.append("</table>")
    out.append("</div></body></html>")
    return "\n".join(out)


def _td(text: str, br_every: int) -> str:
    if not text:
        return "<td>&nbsp;</td>"
    escaped = html.escape(text)
    if br_every and len(text) > br_every and not text.isdigit():
        escaped = "<br/>".join(
            html.escape(text[i : i + br_every]) for i in range(0, len(text), br_every)
        )
    return f"<td><p>{escaped}</p></td>"
