"""DOCX (and zip-based WPS) → Layout.

The body in document order, tables as span-aware grids read from the XML, since
python-docx's `row.cells` repeats merged cells: a gridSpan is one Cell with its span, a
vMerge continuation is nothing in the lower row. Word's automatic list numbers (一、 （三）),
which are not in the text, are rendered, since section headings are found by their number.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from parsers.layout import Cell, Layout
from parsers.limits import ParseError, check_zip, one_line
from parsers.vocabulary import is_dated_report_title

if TYPE_CHECKING:
    from docx.document import Document
    from lxml.etree import _Element as Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# A copy of the mc:Choice content; text deleted or moved away in tracked changes.
_NOT_TEXT = {MC_FALLBACK, f"{W}del", f"{W}moveFrom"}
_CONTAINERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag", f"{W}ins"}


def layout_from_docx(data: bytes) -> Layout:
    """The Layout of a DOCX (or zip-based WPS) document; ParseError when it cannot be read."""
    if not _is_word_package(check_zip(data)):
        raise ParseError("not a Word document")
    import docx  # python-docx loads lxml's full XML machinery: imported when a DOCX comes

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # KeyError, XMLSyntaxError, PackageNotFoundError, ValueError...
        raise ParseError(f"damaged Word document: {one_line(error)}") from error
    numbering = Numbering(document)
    rows = _blocks(document.element.body, numbering)
    core_title = (document.core_properties.title or "").strip()
    return Layout(rows=rows, titles=[core_title] if is_dated_report_title(core_title) else [])


def _is_word_package(archive: zipfile.ZipFile) -> bool:
    names = {m.filename for m in archive.infolist()}
    if "word/document.xml" in names:
        return True
    if "[Content_Types].xml" not in names:
        return False
    types = archive.read("[Content_Types].xml")
    return b"wordprocessingml.document.main" in types or b"ms-word.document" in types


def _blocks(container, numbering: Numbering) -> list[list[Cell]]:
    """Paragraphs and tables of a body (or a cell) in document order."""
    rows: list[list[Cell]] = []
    for child in container:
        if child.tag == f"{W}p":
            rows.extend(_paragraph_rows(child, numbering))
        elif child.tag == f"{W}tbl":
            rows.extend(_docx_table_rows(child, numbering))
        elif child.tag in _CONTAINERS:
            rows.extend(_blocks(child, numbering))
    return rows


def _paragraph_rows(p, numbering: Numbering) -> list[list[Cell]]:
    """A paragraph's lines (a manual line break starts a row); tabs separate cells."""
    text = numbering.label(p) + paragraph_text(p)
    rows = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if cells:
            rows.append([Cell(c, col) for col, c in enumerate(cells)])
    return rows


def paragraph_text(element: Element) -> str:
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts).replace("\u00a0", " ").replace("\u3000", " ")


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag in _NOT_TEXT:
            continue
        elif tag == f"{W}p":  # a paragraph of a text box inside this one
            parts.append("\n")
            _collect_text(child, parts)
            parts.append("\n")
        elif isinstance(tag, str):
            _collect_text(child, parts)


def _docx_table_rows(tbl, numbering: Numbering) -> list[list[Cell]]:
    """Grid rows like parsers.html.table_rows: gridSpan → one Cell with span, a vMerge
    continuation → nothing in the lower row. A table nested in a cell follows its row."""
    grid_rows = [tr for tr in _children(tbl, f"{W}tr")]
    if grid_rows and all(len(_row_cells(tr)) <= 1 for tr in grid_rows):
        # A one-column frame around content (a layout box): read what it holds as body.
        return [row for tr in grid_rows for tc in _row_cells(tr) for row in _blocks(tc, numbering)]
    rows: list[list[Cell]] = []
    for tr in grid_rows:
        col = _int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        row: list[Cell] = []
        nested: list[list[Cell]] = []
        for tc in _row_cells(tr):
            span = max(1, _int_attr(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            if not _continues_merge(tc):
                text, inner = _cell_content(tc, numbering)
                row.append(Cell(text, col, span))
                nested.extend(inner)
            col += span
        if row:
            rows.append(row)
        rows.extend(nested)
    return rows


def _children(element, tag: str) -> list:
    """Children with this tag, also inside content controls (w:sdt) and custom XML."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _CONTAINERS:
            found.extend(_children(child, tag))
    return found


def _row_cells(tr) -> list:
    return _children(tr, f"{W}tc")


def _int_attr(element, default: int) -> int:
    if element is None:
        return default
    try:
        return min(int(element.get(f"{W}val", default)), 64)
    except ValueError:
        return default


def _continues_merge(tc) -> bool:
    """A cell under a vertical merge (vMerge without val="restart") or, in old files, right of
    a horizontal one (hMerge continue)."""
    for name in ("vMerge", "hMerge"):
        merge = tc.find(f"{W}tcPr/{W}{name}")
        if merge is not None and merge.get(f"{W}val", "continue") == "continue":
            return True
    return False


def _cell_content(tc, numbering: Numbering) -> tuple[str, list[list[Cell]]]:
    lines: list[str] = []
    nested: list[list[Cell]] = []
    for child in tc:
        if child.tag == f"{W}p":
            text = numbering.label(child) + paragraph_text(child)
            lines.extend(line.replace("\t", " ").strip() for line in text.split("\n"))
        elif child.tag == f"{W}tbl":
            nested.extend(_docx_table_rows(child, numbering))
        elif child.tag in _CONTAINERS:
            for row in _blocks(child, numbering):
                lines.append(" ".join(c.text for c in row))
    return "\n".join(line for line in lines if line), nested


# Word's automatic numbering is not in the text: 一、总体情况 may be typed as 总体情况 with a
# list style. Section headings are found by their number, so the numbers are rendered.
_CHINESE_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "japaneseCounting",
    "ideographTraditional",
}


def chinese_number(n: int) -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (_CHINESE_DIGITS[ones] if ones else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return chinese_number(n)
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 40:
        roman = (
            "x" * (n // 10) + ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"][n % 10]
        )
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(n)


class Numbering:
    """Renders the list numbers Word draws before numbered paragraphs, in document order."""

    def __init__(self, document: Document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → level
        # Counters are kept per abstract list: w:num instances of one list continue its
        # numbering, unless one restarts it (startOverride).
        self.list_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{W}abstractNumId"): _levels(a) for a in root.iter(f"{W}abstractNum")}
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            abstract_id = ref.get(f"{W}val") if ref is not None else None
            levels = dict(abstract.get(abstract_id) or {})
            num_id = num.get(f"{W}numId")
            self.list_of[num_id] = f"list:{abstract_id}"
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                ilvl = _int_attr_plain(override.get(f"{W}ilvl"), 0)
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int_attr(start, 1))
                    self.list_of[num_id] = f"num:{num_id}"
            self.levels[num_id] = levels
        self._read_styles(document)

    def _read_styles(self, document) -> None:
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for style in styles.iter(f"{W}style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{W}numId")
                if num_id is not None:
                    ilvl = _int_attr(num_pr.find(f"{W}ilvl"), 0)
                    self.style_numbering[style.get(f"{W}styleId")] = (num_id.get(f"{W}val"), ilvl)

    def label(self, p: Element) -> str:
        """The number this paragraph shows ("一、", "（三）"), advancing the counters."""
        if not self.levels:
            return ""
        num_id, ilvl = self._num_pr(p)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(self.list_of[num_id], {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            value = counters.get(level, levels.get(level, ("", "", 1))[2])
            return _format_number(value, levels.get(level, ("decimal", "", 1))[0])

        return re.sub(r"%([1-9])", number, text)

    def _num_pr(self, p) -> tuple[str | None, int]:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = _int_attr(num_pr.find(f"{W}ilvl"), 0)
            if num_id is not None:
                return num_id.get(f"{W}val"), ilvl
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None:
            return self.style_numbering.get(style.get(f"{W}val"), (None, 0))
        return None, 0


def _levels(abstract) -> dict[int, tuple[str, str, int]]:
    levels = {}
    for lvl in abstract.iter(f"{W}lvl"):
        fmt = lvl.find(f"{W}numFmt")
        text = lvl.find(f"{W}lvlText")
        start = lvl.find(f"{W}start")
        levels[_int_attr_plain(lvl.get(f"{W}ilvl"), 0)] = (
            fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
            text.get(f"{W}val", "") if text is not None else "",
            _int_attr(start, 1),
        )
    return levels


def _int_attr_plain(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
