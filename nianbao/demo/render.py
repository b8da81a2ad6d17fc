"""A report written out as a document: the one renderer the demo, the tests and the bench share.

Everything goes through one model, a list of blocks: a paragraph (a str) or a Table whose rows
hold the cells that start in them, each with its lines and its row and column span (HTML's
model, which Word's merged cells also fit). Two sources make blocks:

- text_blocks(): a report's flattened text (the seeds: lines, tab-separated rows or one cell
  per line) back into paragraphs and tables;
- report_blocks(): a report object's values laid out as the national form prints them (merged
  headings, group labels over their rows, labels broken over lines).

Blocks come out as the text shapes extraction produces (as_tab_rows, as_cell_per_line,
as_indented_cells), as HTML (html_fragment for an article body, html_page for a whole page),
and through nianbao.demo.word as DOCX and, by LibreOffice, PDF or DOC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from html import escape as esc

from parsers.form_labels import (
    ACTIVE_FIELD_LABELS,
    ACTIVE_GROUPS,
    ACTIVE_ITEM_LABELS,
    APPLICANT_LABELS,
    ORGANISATION_HEADING,
    REVIEW_KIND_LABELS,
    REVIEW_OUTCOME_LABELS,
)
from parsers.template import (
    ACTIVE_FIELDS,
    APPLICANT_COLUMNS,
    REVIEW_KINDS,
    REVIEW_OUTCOMES,
    application_rows,
)


@dataclass(frozen=True)
class Cell:
    """One printed cell: its lines (a label broken over lines in Word) and what it spans."""

    lines: tuple[str, ...] = ("",)
    rowspan: int = 1
    colspan: int = 1

    @property
    def text(self) -> str:
        return "".join(self.lines)  # CJK text breaks without a space


@dataclass(frozen=True)
class Table:
    """Rows of the cells that start in them; a spanning cell is in its first row only."""

    rows: tuple[tuple[Cell, ...], ...]

    @classmethod
    def of(cls, rows: list[list[str]]) -> Table:
        """A table without spans, from rows of cell texts."""
        return cls(tuple(tuple(Cell((text,)) for text in row) for row in rows))

    def grid(self) -> Iterator[tuple[int, int, Cell]]:
        """(row, column, cell) of every cell, placed as HTML places them: each in the next
        column its row has free, past the cells spanning down from the rows above."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            column = 0
            for cell in row:
                while (r, column) in taken:
                    column += 1
                yield r, column, cell
                taken.update(
                    (r + dr, column + dc)
                    for dr in range(cell.rowspan)
                    for dc in range(cell.colspan)
                )
                column += cell.colspan


Block = str | Table  # a paragraph, or a table


# ------------------------------------------------------------------ flattened text → blocks

ONE_CELL = re.compile(r"^\t[^\t]*$")  # a leading tab, one cell: the one-cell-per-line shape


def text_blocks(text: str) -> list[Block]:
    """A flattened report's lines in order: a paragraph per line, tables for runs of tab lines.

    Two flattened table shapes occur: tab-separated rows, and one cell per line (a leading
    tab) with a blank line after each row and long cells wrapped onto untabbed lines. The
    second becomes rows again, or it would be a column of one-cell rows and the table
    would not survive.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            blocks.append(lines[index].strip())
            index += 1
            continue
        end = run_end(lines, index)
        blocks += table_blocks(lines[index:end])
        index = end
    return blocks


def run_end(lines: list[str], start: int) -> int:
    """End of a table run: tab lines, blank lines, and the wrapped rest of a one-cell line."""
    end, wrapped = start, False
    while end < len(lines):
        line = lines[end]
        if "\t" in line:
            wrapped = bool(ONE_CELL.match(line))
        elif line.strip() and not wrapped:
            break
        elif not line.strip():
            wrapped = False
        end += 1
    while "\t" not in lines[end - 1] and not lines[end - 1].strip():
        end -= 1  # trailing blank lines are paragraphs again
    return end


def table_blocks(run: list[str]) -> list[Block]:
    """A run of tab lines and blank lines as tables (and the paragraphs between them)."""
    tabbed = [line for line in run if "\t" in line]
    if all(ONE_CELL.match(line) for line in tabbed) and len(tabbed) < len(run):
        return [stripped_table(columnar_rows(run))]
    blocks: list[Block] = []
    table: list[list[str]] = []
    for line in run:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            blocks.append(stripped_table(table))
            table = []
        blocks.append(line.strip())
    if table:
        blocks.append(stripped_table(table))
    return blocks


def stripped_table(rows: list[list[str]]) -> Table:
    return Table.of([[text.strip() for text in row] for row in rows])


def columnar_rows(run: list[str]) -> list[list[str]]:
    """One-cell-per-line rows: the cells between blank lines; a wrapped cell joined again."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in [*run, ""]:
        if "\t" in line:
            current.append(line.split("\t", 1)[1])
        elif line.strip() and current:
            current[-1] += line.strip()  # CJK text wraps without a space
        elif current:
            rows.append(current)
            current = []
    return rows


# ------------------------------------------------------------------ report values → blocks

# The form's printed words are parsers.form_labels'; here, only how this renderer varies them.
# The 2019 form heads procurement's money so.
FIELD_HEADERS = {**ACTIVE_FIELD_LABELS, "amount": "采购总金额"}
# The 2021 form heads some items with one column of its own.
HEADERS_2021 = {
    "licensing": "本年处理决定数量",
    "punishment": "本年处理决定数量",
    "coercion": "本年处理决定数量",
    "fees": "本年收费金额（单位：万元）",
}
# Applications table: label columns 0-2, applicant columns 3-9.
APPLICATIONS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGANISATIONS = [APPLICANT_LABELS[c] for c in APPLICANT_COLUMNS[1:-1]]
FULL_WIDTH_ROWS = ("new_received", "carried_over", "carried_forward")  # label over columns 0-2
TWO_COLUMN_ROWS = ("granted", "partly_granted", "other", "total_processed")  # over columns 1-2
GROUP_LABELS = {  # the first row of a group → the group's label in column 1, as Word breaks it
    "denied_state_secret": ("（三）不予", "公开"),
    "unable_not_held": ("（四）无法提供",),
    "rejected_petition": ("（五）不予处理",),
    "other_no_correction": ("（六）其他处理",),
}
RESULTS_LABEL = ("三、", *"本年度办理结果")  # down column 0, one character a line
LONG_LABEL = {"denied_prohibited_by_law": ("2.其他法律行政", "法规禁止公开")}
REVIEW_HEADERS = [REVIEW_OUTCOME_LABELS[o] for o in REVIEW_OUTCOMES]
# Table 四's heading over its last ten columns, and the two kinds under it ("行政诉讼：…").
LITIGATION, _, _ = REVIEW_KIND_LABELS["litigation_direct"].partition("：")


def report_blocks(report: dict, wrapped: bool = True) -> list[Block]:
    """A report object's values as the form prints them: the title over two lines, the six
    sections, their tables with merged cells. wrapped=False keeps the long label of 禁止公开
    on one line (without ruling lines a line break in a cell looks like the next row)."""
    year = str(report["year"])
    agency, found, rest = report["title"].partition(year)
    title = [agency, year + rest] if found and agency else [report["title"]]
    return [
        *title,
        "一、总体情况",
        f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "二、主动公开政府信息情况",
        *active_tables(report),
        "三、收到和处理政府信息公开申请情况",
        applications_table(report, wrapped),
        "四、政府信息公开行政复议、行政诉讼情况",
        review_table(report),
        "五、存在的主要问题及改进情况",
        "信息公开的及时性有待提高。",
        "六、其他需要报告的事项",
        "无。",
    ]


def value_text(value, field: str = "") -> str:
    """A value as printed: blank for null, whole numbers without .0, a rise with its +."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"+{value}" if field == "change" and value > 0 else str(value)


def active_tables(report: dict) -> list[Table]:
    """One table per group of 第二十条 items: a merged heading row, 信息内容 over two label
    columns, and a parent label merged down over the rows a report adds (行政检查, 行政确认)."""
    template = report["template"]
    extras = report.get("active_disclosure_extra", [])
    tables = []
    for heading, items in ACTIVE_GROUPS[template]:
        fields = ACTIVE_FIELDS[template][items[0]]
        headers = [FIELD_HEADERS[f] for f in fields]
        if template == "2021" and items[0] in HEADERS_2021:
            headers = [HEADERS_2021[items[0]]]
        rows = [
            [Cell((heading,), colspan=2 + len(fields))],
            [Cell(("信息内容",), colspan=2), *(Cell((h,)) for h in headers)],
        ]
        for item in items:
            label = ACTIVE_ITEM_LABELS[template][item]
            added = [e for e in extras if e["parent"] == item]
            if not added:
                values = report["active_disclosure"][item]
                rows.append([Cell((label,), colspan=2), *value_cells(values, fields)])
                continue
            for n, extra in enumerate(added):
                parent = [Cell((label,), rowspan=len(added))] if n == 0 else []
                rows.append(
                    [*parent, Cell((extra["label"],)), *value_cells(extra["values"], fields)]
                )
        tables.append(Table(tuple(map(tuple, rows))))
    return tables


def value_cells(values: dict, fields) -> list[Cell]:
    return [Cell((value_text(values[f], f),)) for f in fields]


def applications_table(report: dict, wrapped: bool = True) -> Table:
    template = report["template"]
    specs = [s for s in application_rows(template) if not (template == "2021" and s.key == "other")]
    keys = [s.key for s in specs]
    rows = [
        [Cell((APPLICATIONS_NOTE,), rowspan=3, colspan=3), Cell(("申请人情况",), colspan=7)],
        [Cell((APPLICANT_LABELS["natural_person"],), rowspan=2)]
        + [Cell((ORGANISATION_HEADING,), colspan=5), Cell((APPLICANT_LABELS["total"],), rowspan=2)],
        [Cell((text,)) for text in ORGANISATIONS],
    ]
    results = keys.index("total_processed") - keys.index("granted") + 1
    for index, spec in enumerate(specs):
        if spec.key in FULL_WIDTH_ROWS:
            labels = [Cell((spec.label,), colspan=3)]
        elif spec.key in TWO_COLUMN_ROWS:
            labels = [Cell((spec.label,), colspan=2)]
        else:
            label = LONG_LABEL.get(spec.key, (spec.label,)) if wrapped else (spec.label,)
            labels = [Cell(label)]
        if spec.key in GROUP_LABELS:
            size = group_size(keys, index)
            labels.insert(0, Cell(GROUP_LABELS[spec.key], rowspan=size))
        if spec.key == "granted":
            labels.insert(0, Cell(RESULTS_LABEL, rowspan=results))
        values = report["applications"][spec.key]
        rows.append([*labels, *(Cell((value_text(values[c]),)) for c in APPLICANT_COLUMNS)])
    return Table(tuple(map(tuple, rows)))


def group_size(keys: list[str], first: int) -> int:
    """Rows of the group starting at keys[first]: up to the next group or wider label."""
    end = first + 1
    wider = (*GROUP_LABELS, *FULL_WIDTH_ROWS, *TWO_COLUMN_ROWS)
    while end < len(keys) and keys[end] not in wider:
        end += 1
    return end - first


def review_table(report: dict) -> Table:
    """行政复议 and the two kinds of 行政诉讼, five outcomes each, under two heading rows."""
    values = [
        value_text(report["review_litigation"][k][o]) for k in REVIEW_KINDS for o in REVIEW_OUTCOMES
    ]
    rows = [
        [Cell((REVIEW_KIND_LABELS["review"],), colspan=5), Cell((LITIGATION,), colspan=10)],
        [Cell((text,), rowspan=2) for text in REVIEW_HEADERS]
        + [Cell((litigation_kind(k),), colspan=5) for k in REVIEW_KINDS[1:]],
        [Cell((text,)) for text in REVIEW_HEADERS * 2],
        [Cell((value,)) for value in values],
    ]
    return Table(tuple(map(tuple, rows)))


def litigation_kind(kind: str) -> str:
    """未经复议直接起诉 of "行政诉讼：未经复议直接起诉": the kind as printed under 行政诉讼."""
    return REVIEW_KIND_LABELS[kind].partition("：")[2]


# ------------------------------------------------------------------ blocks → text shapes


def as_tab_rows(blocks: list[Block]) -> str:
    """A paragraph a line; a table row a line, its cells separated by tabs."""
    return as_text(blocks, lambda row: ["\t".join(cell.text for cell in row)])


def as_cell_per_line(blocks: list[Block]) -> str:
    """Each non-blank cell on its own line (blank cells vanish in this shape)."""
    return as_text(blocks, lambda row: [cell.text for cell in row if cell.text])


def as_indented_cells(blocks: list[Block], width: int = 6) -> str:
    """Each cell starts with a tab on its own line and a blank line ends each row; a cell's
    lines, and lines longer than `width`, go on untabbed lines."""
    return as_text(blocks, lambda row: indented_cells(row, width))


def as_text(blocks: list[Block], row_lines: Callable[[tuple[Cell, ...]], list[str]]) -> str:
    """A paragraph a line, each table row as the lines row_lines() makes of it."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        else:
            lines += [line for row in block.rows for line in row_lines(row)]
    return "\n".join(lines) + "\n"


def indented_cells(row: tuple[Cell, ...], width: int) -> list[str]:
    lines: list[str] = []
    for cell in row:
        pieces = [piece for line in cell.lines for piece in chunks(line, width)] or [""]
        lines += ["\t" + pieces[0], *pieces[1:]]
    return [*lines, ""]


def chunks(text: str, width: int) -> list[str]:
    """text cut every `width` characters (all of it when width is 0)."""
    if not width:
        return [text]
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


# ------------------------------------------------------------------ blocks → HTML


@dataclass(frozen=True)
class HtmlStyle:
    """How an editor writes paragraphs, tables and cells; cell takes (attributes, content)."""

    paragraph: str
    table: str
    cell: str
    blank_cell: str = ""  # what an empty cell holds


PLAIN = HtmlStyle("<p>{}</p>", '<table border="1">', "<td{}>{}</td>")
# Word's HTML export, as TRS editors paste it: the parser has to see through these.
WORD = HtmlStyle(
    '<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt">'
    '<span style="font-family:仿宋_GB2312;font-size:16.0pt">{}</span>'
    '<span lang="EN-US" style="font-size:16.0pt"><o:p></o:p></span></p>',
    '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
    'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt">',
    '<td{} style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt">'
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span style="font-family:宋体;font-size:10.5pt">{}</span></p></td>',
)
# Blank cells as most CMS editors leave them.
NBSP = replace(PLAIN, cell="<td{}><p>{}</p></td>", blank_cell="&nbsp;")


def html_fragment(blocks: list[Block], style: HtmlStyle = PLAIN, br_every: int = 0) -> str:
    """An article body: a paragraph a block, tables with their spans. br_every > 0 breaks
    longer labels with <br/> every so many characters, as narrow columns do."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(style.paragraph.format(esc(block) if block else "&nbsp;"))
            continue
        body = "".join(
            "<tr>" + "".join(html_cell(cell, style, br_every) for cell in row) + "</tr>"
            for row in block.rows
        )
        out.append(f"{style.table}<tbody>{body}</tbody></table>")
    return "\n".join(out)


def html_cell(cell: Cell, style: HtmlStyle, br_every: int) -> str:
    spans = "".join(
        f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
    )
    spans = spans.replace(' rowspan="1"', "").replace(' colspan="1"', "")
    if not cell.text:
        return style.cell.format(spans, style.blank_cell)
    width = 0 if cell.text.isdigit() else br_every
    content = "<br/>".join(esc(piece) for line in cell.lines for piece in chunks(line, width))
    return style.cell.format(spans, content)


def html_page(
    blocks: list[Block],
    title: str,
    charset: str | None = "utf-8",
    br_every: int = 0,
    style: HtmlStyle = NBSP,
) -> str:
    """A portal's article page around the blocks; charset None declares none."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return "\n".join(
        [
            "<html><head>" + (meta if charset else ""),
            f"<title>{esc(title)}_政府信息公开年报_某某门户</title></head><body>",
            '<div class="nav">首页 | 政务公开 | 政府信息公开年报</div><div class="article">',
            html_fragment(blocks, style, br_every),
            "</div></body></html>",
        ]
    )


def seed_html(text: str, word: bool = False) -> str:
    """A flattened report as an article body: a <p> per line, its tables as <table>s."""
    return html_fragment(text_blocks(text), WORD if word else PLAIN)
