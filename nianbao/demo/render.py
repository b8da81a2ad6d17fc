"""Seed text as a document: a report's flattened text back into HTML and Word tables."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime

from nianbao.demo.cms import epoch


def esc(text: str) -> str:
    return html.escape(text, quote=True)


ONE_CELL = re.compile(r"^\t[^\t]*$")  # a leading tab, one cell: the one-cell-per-line shape


def text_blocks(text: str) -> Iterator[tuple[str, list[list[str]]]]:
    """A seed's lines in order: ("p", [[line]]) and ("table", rows) for runs of tab lines.

    Two flattened table shapes occur: tab-separated rows, and one cell per line (a leading
    tab) with a blank line after each row and long cells wrapped onto untabbed lines. The
    second becomes rows again, or it would be a column of one-cell rows and the table
    would not survive.
    """
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if "\t" not in lines[index]:
            yield "p", [[lines[index]]]
            index += 1
            continue
        end = run_end(lines, index)
        yield from table_blocks(lines[index:end])
        index = end


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


def table_blocks(run: list[str]) -> Iterator[tuple[str, list[list[str]]]]:
    """A run of tab lines and blank lines as tables (and the paragraphs between them)."""
    tabbed = [line for line in run if "\t" in line]
    if all(ONE_CELL.match(line) for line in tabbed) and len(tabbed) < len(run):
        yield "table", columnar_rows(run)
        return
    table: list[list[str]] = []
    for line in run:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            yield "table", table
            table = []
        yield "p", [[line]]
    if table:
        yield "table", table


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


# Word's HTML export, as TRS editors paste it: the parser has to see through these.
WORD_P = (
    '<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt">'
    '<span style="font-family:仿宋_GB2312;font-size:16.0pt">{}</span>'
    '<span lang="EN-US" style="font-size:16.0pt"><o:p></o:p></span></p>'
)
WORD_TABLE = (
    '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
    'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt">'
)
WORD_TD = (
    '<td style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt">'
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span style="font-family:宋体;font-size:10.5pt">{}</span></p></td>'
)


def seed_html(text: str, word: bool = False) -> str:
    """Plain text → article body: a <p> per line, tab rows as <table> rows (tables survive)."""
    para, table, cell = (
        (WORD_P, WORD_TABLE, WORD_TD)
        if word
        else ("<p>{}</p>", '<table border="1">', "<td>{}</td>")
    )
    out: list[str] = []
    for kind, rows in text_blocks(text):
        if kind == "p":
            line = rows[0][0].strip()
            out.append(para.format(esc(line) if line else "&nbsp;"))
            continue
        body = "".join(
            "<tr>" + "".join(cell.format(esc(c.strip())) for c in row) + "</tr>" for row in rows
        )
        out.append(f"{table}<tbody>{body}</tbody></table>")
    return "\n".join(out)


def html_body(page: str) -> str:
    """The report inside an HTML file: its #zoom div, else its <body>, else the fragment itself."""
    zoom = re.search(r"<div[^>]*\bid=[\"']zoom[\"'][^>]*>(.*)</div>\s*</body>", page, re.S | re.I)
    if zoom:
        return zoom.group(1)
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S | re.I)
    return body.group(1) if body else page


def declares_charset(data: bytes) -> bool:
    return bool(re.search(rb"charset\s*=", data[:4096], re.I))


def stable_zip(data: bytes, when: tuple[int, ...], comment: bytes = b"") -> bytes:
    """The same archive with fixed timestamps: python-docx stamps entries with the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
        target.comment = comment
    return out.getvalue()


def build_docx(text: str, title: str, day: str) -> bytes:
    """A Word attachment from plain text: a paragraph per line, tab rows as a Word table."""
    import docx  # python-docx, imported late: only building attachments needs it

    document = docx.Document()
    stamp = datetime.fromtimestamp(epoch(day), UTC).replace(tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "政务公开办", "政务公开办"
    props.created = props.modified = stamp
    props.revision = 1
    for kind, rows in text_blocks(text):
        if kind == "p":
            document.add_paragraph(rows[0][0].strip())
            continue
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for cells, row in zip(table.rows, rows, strict=True):
            for cell, value in zip(cells.cells, row, strict=False):
                cell.text = value.strip()
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), stamp.timetuple()[:6])
