"""PDF and Word attachments: real report values written as DOCX (merged cells, broken labels),
converted to PDF and DOC by LibreOffice, the real huaian PDF, and hostile files."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image, ImageDraw

from nianbao.demo.render import report_blocks
from nianbao.demo.word import SOFFICE, office_convert, write_docx
from parsers import ParseError, parse_bytes, parse_path
from parsers.limits import MAX_CONTENT_STREAM_BYTES, MAX_PAGE_OBJECTS, MAX_PAGES, MB
from parsers.pdf import pdf_page_count
from parsers.pdf_rows import join_wrapped
from parsers.word import layout_from_docx
from tests.conftest import FIXTURES, NIANBAO, assert_matches_expected, load_expected

needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
HUAIAN = FIXTURES / "reports/huaian-2024.pdf"
GOOD_HTML = FIXTURES / "reports/synthetic-city-2025.html"


def report_2019() -> dict:
    """Seed 003: a 2019-format report with 行政检查 / 行政确认 rows under 其他对外管理服务事项."""
    report = load_expected(FIXTURES / "seeds/003_8e92e5233c244faa.expected.json")
    report["title"] = "北京市大兴区西红门镇人民政府2020年政府信息公开工作年度报告"
    return report


def report_2021() -> dict:
    report = load_expected(FIXTURES / "reports/synthetic-city-2025.expected.json")
    report["title"] = "测试市人民政府2025年政府信息公开工作年度报告"
    return report


@pytest.fixture(scope="module")
def docx_files(tmp_path_factory) -> dict[str, Path]:
    """The reports as Word prints them; unruled: tables without borders, and the long label
    on one line (without rules a line break in a cell looks like the next row)."""
    tmp = tmp_path_factory.mktemp("docx")
    return {
        "2019": write_docx(report_blocks(report_2019()), tmp / "xihongmen-2020.docx"),
        "2021": write_docx(report_blocks(report_2021()), tmp / "testcity-2025.docx"),
        "2019-unruled": write_docx(
            report_blocks(report_2019(), wrapped=False), tmp / "unruled-2020.docx", ruled=False
        ),
    }


@pytest.fixture(scope="module")
def pdf_files(docx_files, tmp_path_factory) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("pdf")
    converted = office_convert(list(docx_files.values()), "pdf", out)
    return dict(zip(docx_files, converted, strict=True))


REPORTS = {"2019": report_2019, "2021": report_2021}


def check_values(parsed: dict, which: str) -> None:
    which = which.split("-")[0]
    expected = REPORTS[which]()
    assert_matches_expected(parsed, expected)
    assert parsed["applications"] == expected["applications"]
    if which == "2019":
        assert parsed["agency"] == "北京市大兴区西红门镇人民政府"
        assert parsed["active_disclosure"]["punishment"]["change"] == 410  # printed +410
        assert parsed["active_disclosure"]["procurement"]["amount"] == 5.6
        assert parsed["active_disclosure"]["other_services"]["decisions"] is None
        assert [e["label"] for e in parsed["active_disclosure_extra"]] == ["行政检查", "行政确认"]
        assert parsed["applications"]["denied_prohibited_by_law"]["total"] == 0
        assert parsed["review_litigation"]["litigation_after_review"]["pending"] == 2
    else:
        assert parsed["agency"] == "测试市人民政府"
        assert parsed["active_disclosure"]["licensing"]["decisions"] == 11398889
        assert parsed["applications"]["other"]["total"] == 1486
        assert parsed["review_litigation"]["review"]["total"] == 790
    assert parsed["year"] == expected["year"]
    assert parsed["sections"]["overview"].endswith("政府信息公开条例》。")


# ------------------------------------------------------------------------ DOCX


@pytest.mark.parametrize("which", ["2019", "2021"])
def test_docx_with_merged_cells_parses_to_the_report(docx_files, which):
    path = docx_files[which]
    parsed = parse_path(path)
    assert parsed["format"] == "docx"
    check_values(parsed, which)
    assert parsed["warnings"] == []


def test_docx_merged_cells_appear_once_with_their_span(docx_files):
    layout = layout_from_docx(docx_files["2019"].read_bytes())
    rows = [[(c.text, c.col, c.span) for c in row] for row in layout.rows]
    header = next(r for r in rows if r[0][0].startswith("（本列数据"))
    assert header[1] == ("申请人情况", 3, 7)
    assert next(r for r in rows if r[0][0] == "自然人") == [
        ("自然人", 3, 1),
        ("法人或其他组织", 4, 5),
        ("总计", 9, 1),
    ]
    granted = next(r for r in rows if any(c[0] == "（一）予以公开" for c in r))
    assert granted[:2] == [("三、\n本\n年\n度\n办\n理\n结\n果", 0, 1), ("（一）予以公开", 1, 2)]
    secret = next(r for r in rows if any(c[0] == "1.属于国家秘密" for c in r))
    assert secret[:2] == [("（三）不予\n公开", 1, 1), ("1.属于国家秘密", 2, 1)]
    # The rows under a vertical merge do not repeat it.
    law = next(r for r in rows if r[0][0].startswith("2.其他法律行政"))
    assert law[0] == ("2.其他法律行政\n法规禁止公开", 2, 1)
    assert len(law) == 8
    confirm = next(r for r in rows if r[0][0] == "行政确认")
    assert confirm[0] == ("行政确认", 1, 1)


def test_docx_automatic_chinese_numbering_is_rendered(tmp_path):
    """Headings numbered by a Word list (一、 二、) carry no number in their text."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "chineseCounting"), ("w:lvlText", "%1、")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        level.append(element)
    abstract.append(level)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)

    def heading(text: str) -> None:
        paragraph = document.add_paragraph(text)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = 90

    document.add_paragraph("测试市人民政府2025年政府信息公开工作年度报告")
    for title, body in [("总体情况", "概述。"), ("主动公开政府信息情况", "见下表。")]:
        heading(title)
        document.add_paragraph(body)
    for title in ["收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"]:
        heading(title)
    heading("存在的主要问题及改进情况")
    document.add_paragraph("及时性有待提高。")
    buffer = io.BytesIO()
    document.save(buffer)
    layout = layout_from_docx(buffer.getvalue())
    texts = layout.row_texts()
    assert "一、总体情况" in texts and "五、存在的主要问题及改进情况" in texts
    parsed = parse_bytes(buffer.getvalue(), "numbered.docx")
    assert parsed["sections"]["overview"] == "概述。"
    assert parsed["sections"]["problems"] == "及时性有待提高。"


# ------------------------------------------------------------------------ PDF


def test_huaian_pdf_parses_to_its_expected_object():
    expected = load_expected(FIXTURES / "reports/huaian-2024.expected.json")
    parsed = parse_path(HUAIAN)
    assert_matches_expected(parsed, expected)
    assert parsed["format"] == "pdf"
    assert parsed["title"] == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert parsed["warnings"] == []
    # Across the page break: （四）无法提供 is split, its second row is on the next page.
    assert parsed["applications"]["unable_needs_creation"]["total"] == 11
    assert "- 5 -" not in (parsed["sections"]["problems"] or "")
    assert pdf_page_count(HUAIAN.read_bytes()) == 6


def test_wrapped_cell_lines_join_without_page_numbers():
    assert join_wrapped(["三、", "本", "- 4 -", "年", "度"]) == "三、本年度"
    assert join_wrapped(["（二）部分公开（区分处理的，只计这一情", "形）", "第 5 页"]) == (
        "（二）部分公开（区分处理的，只计这一情形）"
    )
    assert join_wrapped(["Open", "data", "12", "34"]) == "Open data 1234"
    assert join_wrapped(["3", "— 3 —"]) == "3"  # a value is kept, the page mark is not


@needs_office
@pytest.mark.parametrize("which", ["2019", "2021"])
def test_pdf_printed_from_docx_parses_to_the_report(pdf_files, which):
    parsed = parse_path(pdf_files[which])
    assert parsed["format"] == "pdf"
    check_values(parsed, which)
    assert parsed["warnings"] == []


@needs_office
def test_pdf_with_unruled_tables_reads_positioned_text(pdf_files):
    """No ruling lines: cells come from gaps between words, wrapped labels (the vertical
    三、本年度办理结果, 其他对外管理服务事项 over two lines) from the columns they stand in."""
    parsed = parse_path(pdf_files["2019-unruled"])
    check_values(parsed, "2019")
    assert parsed["warnings"] == []


@needs_office
def test_doc_converted_by_libreoffice(docx_files, tmp_path):
    [doc] = office_convert([docx_files["2019"]], "doc", tmp_path)
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    parsed = parse_path(doc)
    assert parsed["format"] == "doc"
    check_values(parsed, "2019")
    assert parsed["warnings"] == []


@needs_office
def test_doc_libreoffice_cannot_open_is_a_one_line_error(tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20_000))
    with pytest.raises(ParseError, match=r"^damaged \.doc: LibreOffice could not convert it$"):
        parse_path(broken)


def test_doc_without_libreoffice_or_antiword_says_what_to_install(tmp_path):
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    result = subprocess.run(
        [NIANBAO, "parse", str(GOOD_HTML), str(doc)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": str(empty_path)},  # a machine without soffice or antiword
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"nianbao parse: {doc}: cannot read .doc: install LibreOffice "
        "(apt-get install libreoffice-writer) or antiword\n"
    )
    assert len(result.stdout.splitlines()) == 1


def test_zip_based_wps_is_read_as_docx(docx_files, tmp_path):
    wps = tmp_path / "report.wps"
    wps.write_bytes(docx_files["2021"].read_bytes())
    check_values(parse_path(wps), "2021")


# ------------------------------------------------------------------------ hostile files


def minimal_pdf(
    pages: int,
    text: str | None = "Page",
    encrypt: bool = False,
    deflated: bytes = b"",
    media: bytes = b"0 0 595 842",
    image: bytes = b"",
) -> bytes:
    """A hand-written PDF: `pages` pages, each printing `text` in Helvetica; with an
    /Encrypt dictionary whose user password is not empty; or with one page whose content
    is the `deflated` stream; or each page covered by the `image` XObject."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    xobjects = b""
    if image:
        objects.append(image)
        xobjects = b" /XObject << /Im1 %d 0 R >>" % len(objects)
    for n in range(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text} {n + 1}) Tj ET".encode() if text else b""
        flate = b""
        if deflated:
            stream, flate = deflated, b" /Filter /FlateDecode"
        if image:
            stream += b" q 595 0 0 842 0 0 cm /Im1 Do Q"
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), flate, stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >>%s >> >>" % (media, content, font, xobjects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
    trailer_extra = b""
    if encrypt:
        # Standard security handler, RC4: the empty user password fails the /U check.
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>" % (b"ab" * 32, b"cd" * 32)
        )
        trailer_extra = b" /Encrypt %d 0 R /ID [<00112233445566778899aabbccddeeff> "
        trailer_extra = trailer_extra % len(objects) + b"<00112233445566778899aabbccddeeff>]"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypted_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "encrypted.pdf"
    path.write_bytes(minimal_pdf(1, encrypt=True))
    return path


def truncated_pdf(tmp_path: Path) -> Path:
    data = HUAIAN.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(tmp_path: Path) -> Path:
    path = tmp_path / "bomb.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    return path


def huge_file(tmp_path: Path) -> Path:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(200 * 1024 * 1024)  # sparse: no disk used
    return path


def html_error_page(tmp_path: Path) -> Path:
    path = tmp_path / "attachment.pdf"
    path.write_bytes(
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
        "<body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>".encode()
    )
    return path


def many_pages(tmp_path: Path) -> Path:
    path = tmp_path / "many-pages.pdf"
    path.write_bytes(minimal_pdf(MAX_PAGES + 50))
    return path


def broken_last_page(pages: int) -> bytes:
    """`pages` pages, the last of which is not a page (same length, so the cross-reference
    offsets still hold)."""
    head, _, tail = minimal_pdf(pages).rpartition(b"/Type /Page /Parent")
    return head + b"/Type /Xxxx /Parent" + tail


def damaged_page(tmp_path: Path) -> Path:
    path = tmp_path / "damaged-page.pdf"
    path.write_bytes(broken_last_page(3))
    return path


def stream_bomb(tmp_path: Path) -> Path:
    """A page whose 100 KB content stream inflates to 100 MB."""
    inflate = zlib.compressobj(9)
    parts = [inflate.compress(b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET\n")]
    parts += [inflate.compress(b" " * (1 << 20)) for _ in range(100)]
    path = tmp_path / "stream-bomb.pdf"
    path.write_bytes(minimal_pdf(1, deflated=b"".join(parts) + inflate.flush()))
    return path


def not_word_zip(tmp_path: Path) -> Path:
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo1.txt", "not a document")
    return path


def scanned_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scanned.pdf"
    image = Image.new("RGB", (1240, 1754), "white")
    image.paste((0, 0, 0), (100, 100, 1100, 140))  # a black bar where a title would be
    image.save(path, "PDF", resolution=150)
    return path


# name → (builder, what the error says, or None when the file parses with a warning)
def drawing_bomb(tmp_path: Path) -> Path:
    """5 KB that draws 150,000 lines on one page."""
    ops = b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET\n" + b"0 0 m 1 1 l S\n" * 150_000
    path = tmp_path / "drawing-bomb.pdf"
    path.write_bytes(minimal_pdf(1, deflated=zlib.compress(ops, 9)))
    return path


def ruling_bomb(tmp_path: Path) -> Path:
    """A 5 m page ruled by 200 × 200 lines: 40,000 crossings for the table finder."""
    ops = [b"BT /F1 12 Tf 72 720 Td (Hi) Tj ET\n"]
    for i in range(200):
        ops.append(b"50 %d m 14000 %d l S %d 50 m %d 14000 l S\n" % ((50 + 5 * i,) * 4))
    data = minimal_pdf(1, deflated=zlib.compress(b"".join(ops), 9), media=b"0 0 14400 14400")
    path = tmp_path / "ruling-bomb.pdf"
    path.write_bytes(data)
    return path


def png_header(width: int, height: int) -> bytes:
    """A grayscale PNG that declares `width` × `height` pixels and holds almost none."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


def image_bomb(tmp_path: Path) -> Path:
    """A PNG attachment of 40,000 × 40,000 pixels (1.6 GB decoded) in 60 bytes."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(40_000, 40_000))
    return path


def huge_image(tmp_path: Path) -> Path:
    """An image attachment of 81 Mpx: more than MAX_DECODED_PIXELS."""
    path = tmp_path / "huge.png"
    path.write_bytes(png_header(9_000, 9_000))
    return path


def pdf_huge_image(tmp_path: Path) -> Path:
    """A page whose one image declares 20,000 × 20,000 pixels (never decoded to find out)."""
    image = (
        b"<< /Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /DCTDecode /Length 4 >>\nstream\n\xff\xd8\xff\xd9"
        b"\nendstream"
    )
    path = tmp_path / "huge-image.pdf"
    path.write_bytes(minimal_pdf(1, text=None, image=image))
    return path


def scanned_ruling_bomb(tmp_path: Path) -> Path:
    """A scanned page ruled every 10 px: 20,000 grid crossings for the image's table search."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for x in range(20, 1220, 10):
        draw.line([(x, 20), (x, 1730)], fill=0, width=2)
    for y in range(20, 1740, 10):
        draw.line([(20, y), (1220, y)], fill=0, width=2)
    path = tmp_path / "scanned-ruling-bomb.pdf"
    page.save(path, "PDF", resolution=150)
    return path


CONTENT_MB = MAX_CONTENT_STREAM_BYTES // MB

# name → (builder, the error it gets, or the warning when it is parsed)
HOSTILE = {
    "encrypted": (encrypted_pdf, "encrypted PDF", None),
    "truncated": (truncated_pdf, "damaged PDF: ", None),
    "zip-bomb": (zip_bomb, "refused: zip expands to 300 MB", None),
    "huge": (huge_file, "refused: file is 200 MB", None),
    "not-word": (not_word_zip, "not a Word document", None),
    "stream-bomb": (stream_bomb, f"refused: a PDF stream expands beyond {CONTENT_MB} MB", None),
    "damaged-page": (damaged_page, None, "page 3 could not be read"),
    "html-as-pdf": (html_error_page, None, "template unknown"),
    "many-pages": (many_pages, None, f"only the first {MAX_PAGES} of {MAX_PAGES + 50} pages"),
    "scanned": (scanned_pdf, None, "scanned: no text layer"),
    "drawing-bomb": (drawing_bomb, None, f"page 1 skipped: more than {MAX_PAGE_OBJECTS} objects"),
    "ruling-bomb": (ruling_bomb, None, "page 1: too many ruling lines to look for tables"),
    "image-bomb": (image_bomb, "refused: Image size (1600000000 pixels) exceeds limit", None),
    "huge-image": (huge_image, None, "page 1 skipped: image of 81 Mpx (limit 50 Mpx)"),
    "pdf-huge-image": (pdf_huge_image, None, "page 1 skipped: its images hold 400 Mpx"),
    "scanned-ruling-bomb": (
        scanned_ruling_bomb,
        None,
        "page 1: too many ruling lines to look for tables",
    ),
}


@pytest.mark.parametrize("name", [n for n, (_, error, _) in HOSTILE.items() if error])
def test_hostile_file_gives_a_one_line_parse_error(name, tmp_path):
    builder, message, _ = HOSTILE[name]
    with pytest.raises(ParseError) as caught:
        parse_path(builder(tmp_path))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_html_error_page_named_pdf_is_read_as_html(tmp_path):
    parsed = parse_path(html_error_page(tmp_path))
    assert parsed["format"] == "html"
    assert parsed["template"] is None and parsed["applications"] == {}
    assert any(w.startswith("template unknown") for w in parsed["warnings"])


def test_page_count_is_capped_with_a_warning(tmp_path):
    path = many_pages(tmp_path)
    assert pdf_page_count(path.read_bytes()) == MAX_PAGES + 50
    parsed = parse_path(path)
    assert f"only the first {MAX_PAGES} of {MAX_PAGES + 50} pages read" in parsed["warnings"]


def test_pages_beyond_the_cap_are_never_read():
    """Reading stops at MAX_PAGES: a damaged page after them cannot fail the file (nor can
    100,000 pages after them take minutes)."""
    parsed = parse_bytes(broken_last_page(MAX_PAGES + 1), "capped.pdf")
    assert f"only the first {MAX_PAGES} of {MAX_PAGES + 1} pages read" in parsed["warnings"]


def test_scanned_pdf_has_no_text_layer_and_no_template(tmp_path):
    parsed = parse_path(scanned_pdf(tmp_path))
    assert parsed["warnings"][0] == "scanned: no text layer, and OCR read no text"
    assert parsed["ocr"]["pages"] == 1
    assert parsed["template"] is None
    assert parsed["applications"] == {} and parsed["active_disclosure"] == {}


MEASURE = """
import resource, subprocess, sys, time
started = time.monotonic()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
print(repr((result.returncode, result.stdout, result.stderr, time.monotonic() - started,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))
"""


@pytest.mark.parametrize("name", HOSTILE)
def test_batch_goes_on_past_a_hostile_file_in_bounded_time_and_memory(name, tmp_path):
    builder, error, warning = HOSTILE[name]
    bad = builder(tmp_path)
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, NIANBAO, "parse", str(GOOD_HTML), str(bad)],
        capture_output=True,
        text=True,
        timeout=90,
    )
    status, stdout, stderr, seconds, max_rss_kb = eval(measured.stdout)  # noqa: S307 - our repr
    reports = [json.loads(line) for line in stdout.splitlines()]
    assert reports[0]["source"] == str(GOOD_HTML)
    assert reports[0]["applications"]["new_received"]["total"] == 14069
    if error:
        assert status == 1
        assert stderr.startswith(f"nianbao parse: {bad}: {error}")
        assert len(stderr.strip().splitlines()) == 1
        assert len(reports) == 1
    else:
        assert status == 0, stderr
        assert [r["source"] for r in reports] == [str(GOOD_HTML), str(bad)]
        assert any(w.startswith(warning) for w in reports[1]["warnings"]), reports[1]["warnings"]
        assert reports[1]["template"] is None
    assert seconds < 30
    assert max_rss_kb < 1024 * 1024  # < 1 GB


def test_big_files_are_refused_before_they_are_parsed(tmp_path):
    started = time.monotonic()
    with pytest.raises(ParseError, match="refused"):
        parse_path(huge_file(tmp_path))
    assert time.monotonic() - started < 10
