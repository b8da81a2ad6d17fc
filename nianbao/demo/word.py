"""Blocks (nianbao.demo.render) as a Word document with python-docx, and Word → PDF or DOC by
LibreOffice: the demo's DOCX attachments, the tests' Word and PDF reports."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from nianbao.demo.render import Block, Table, text_blocks

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def docx_document(blocks: list[Block], ruled: bool = True):
    """A python-docx Document: a paragraph a paragraph, a Word table a table (merged cells
    merged); ruled=False draws the tables without borders."""
    import docx  # python-docx, imported late: only building Word files needs it

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            add_table(document, block, "Table Grid" if ruled else None)
    return document


def add_table(document, table: Table, style: str | None) -> None:
    placed = list(table.grid())
    width = max((column + cell.colspan for _, column, cell in placed), default=1)
    word = document.add_table(rows=len(table.rows), cols=width)
    word.style = style
    for row, column, cell in placed:
        target = word.cell(row, column)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(word.cell(row + cell.rowspan - 1, column + cell.colspan - 1))
        target.text = cell.lines[0]
        for line in cell.lines[1:]:
            target.add_paragraph(line)  # a label broken over lines in the cell


def docx_bytes(blocks: list[Block], ruled: bool = True) -> bytes:
    buffer = io.BytesIO()
    docx_document(blocks, ruled).save(buffer)
    return buffer.getvalue()


def write_docx(blocks: list[Block], path: Path, ruled: bool = True) -> Path:
    path.write_bytes(docx_bytes(blocks, ruled))
    return path


def seed_docx(text: str, title: str, day: str) -> bytes:
    """A Word attachment from a flattened report, dated 10:30 Beijing time on `day` (the same
    bytes for the same text and day)."""
    document = docx_document(text_blocks(text))
    stamp = datetime.fromisoformat(day).replace(hour=2, minute=30)  # UTC
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "政务公开办", "政务公开办"
    props.created = props.modified = stamp
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), stamp.timetuple()[:6])


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


def office_convert(paths: list[Path], target: str, outdir: Path) -> list[Path]:
    """Word files → `target` ("pdf", "doc") by LibreOffice in one run, as outdir/STEM.target;
    its profile in outdir, so runs side by side do not share one."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    profile = (outdir / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
        + ["--outdir", str(outdir), *map(str, paths)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return [outdir / f"{p.stem}.{target}" for p in paths]


def sheet_cells(blocks: list[Block]) -> Iterator[tuple[int, int, int, int, str]]:
    """(row, column, rows spanned, columns spanned, text) of blocks laid out on a sheet, the way
    a body attaches its tables in Excel: a paragraph a one-cell row, a table its grid."""
    row = 0
    for block in blocks:
        if isinstance(block, str):
            if block.strip():
                yield row, 0, 1, 1, block
                row += 1
            continue
        for r, column, cell in block.grid():
            yield row + r, column, cell.rowspan, cell.colspan, cell.text
        row += len(block.rows)


def xlsx_bytes(blocks: list[Block]) -> bytes:
    """Blocks as an .xlsx workbook (openpyxl), merged cells merged."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row, column, rows, columns, text in sheet_cells(blocks):
        sheet.cell(row + 1, column + 1, text)
        if rows > 1 or columns > 1:
            sheet.merge_cells(
                start_row=row + 1,
                start_column=column + 1,
                end_row=row + rows,
                end_column=column + columns,
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
