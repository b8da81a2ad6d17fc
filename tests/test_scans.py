"""Scanned reports read by OCR: the shared scan, a page scanned in the test from the shared
text PDF (rendered, tilted, noisy, JPEG), an image attachment, and OCR's bounds."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import time
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from archive.database import open_database, store_report
from archive.provenance import Provenance
from parsers import parse_bytes, parse_path
from parsers.body_text import parse_report_and_text
from parsers.limits import OCR_PAGES_VARIABLE, OCR_SECONDS_VARIABLE
from tests.conftest import FIXTURES, NIANBAO, load_expected, score_reports

HUAIAN = FIXTURES / "reports/huaian-2024.pdf"
SCAN = FIXTURES / "reports/scans/huaian-2024-scan.pdf"
TITLE = "淮安市人民政府2024年政府信息公开工作年度报告"


def scanned_page(number: int, seed: int = 0) -> bytes:
    """Page `number` of the shared text PDF as a scanner makes it: 150 dpi grey, tilted by a
    degree, the paper greyed, noise, JPEG at quality 60."""
    import cv2

    pdf = pdfium.PdfDocument(HUAIAN.read_bytes())
    gray = pdf[number - 1].render(scale=150 / 72, grayscale=True).to_numpy().copy()
    gray = gray if gray.ndim == 2 else gray[:, :, 0]
    height, width = gray.shape
    tilt = cv2.getRotationMatrix2D((width / 2, height / 2), 1.0, 1.0)
    gray = cv2.warpAffine(gray, tilt, (width, height), borderValue=255).astype(np.float32)
    noise = np.random.default_rng(seed).normal(0, 12, gray.shape)
    page = np.clip(gray * 0.85 + 20 + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(page).save(out, "JPEG", quality=60)
    return out.getvalue()


def with_scanned_page(number: int) -> bytes:
    """The shared text PDF with page `number` replaced by its scan: a PDF that mixes both."""
    image_pdf = io.BytesIO()
    Image.open(io.BytesIO(scanned_page(number))).save(image_pdf, "PDF", resolution=150)
    text = pdfium.PdfDocument(HUAIAN.read_bytes())
    scan = pdfium.PdfDocument(image_pdf.getvalue())
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text, list(range(number - 1)))
    mixed.import_pages(scan, [0])
    mixed.import_pages(text, list(range(number, len(text))))
    out = io.BytesIO()
    mixed.save(out)
    return out.getvalue()


def doubtful_fields(report: dict) -> set[str]:
    """The fields the report's ocr: warning names."""
    named: set[str] = set()
    for warning in report["warnings"]:
        found = re.match(r"ocr: \d+ cells below confidence [\d.]+: (.*)$", warning)
        if found:
            named |= set(found.group(1).split(", "))
    return named


def wrong_fields(report: dict, expected: dict) -> set[str]:
    """What score_reports.py finds wrong, by field (applications.granted.total)."""
    return {diff.split(":", 1)[0] for diff in score_reports.score(expected, report)[2]}


@pytest.fixture(scope="module")
def shared_scan() -> dict:
    return parse_path(SCAN)


def test_the_shared_scan_reads_as_the_text_pdf_and_says_where_it_is_unsure(shared_scan):
    expected = load_expected(FIXTURES / "reports/scans/huaian-2024-scan.expected.json")
    correct, total, _ = score_reports.score(expected, shared_scan)
    wrong = wrong_fields(shared_scan, expected)
    assert correct >= 0.97 * total, sorted(wrong)
    # Never silently wrong: a value read wrong is named as doubtful, or its row as not found.
    unsure = doubtful_fields(shared_scan)
    missing = set(shared_scan["missing_rows"])
    assert not {w for w in wrong if w not in unsure and w.rsplit(".", 1)[0] not in missing}
    assert shared_scan["title"] == TITLE and shared_scan["year"] == 2024
    assert shared_scan["template"] == "2021"
    ocr = shared_scan["ocr"]
    assert ocr["engine"] == "rapidocr-onnxruntime 1.4.4" and ocr["pages"] == 6
    assert 0.8 < ocr["mean_confidence"] <= 1


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    return with_scanned_page(4)  # the page with most of the applications table


@pytest.fixture(scope="module")
def mixed(mixed_pdf):
    """The mixed PDF's report and body text, as the crawl and the build read it."""
    return parse_report_and_text(mixed_pdf, "mixed.pdf")


def test_a_page_scanned_in_the_test_reads_to_the_expected_values(mixed_pdf, mixed, monkeypatch):
    expected = load_expected(FIXTURES / "reports/huaian-2024.expected.json")
    monkeypatch.setenv(OCR_PAGES_VARIABLE, "0")
    unread = parse_bytes(mixed_pdf, "mixed.pdf")
    assert "ocr" not in unread
    on_the_scan = wrong_fields(unread, expected)  # the fields printed on the scanned page
    assert len(on_the_scan) > 70

    report = mixed.report
    assert report["ocr"]["pages"] == 1
    wrong = wrong_fields(report, expected)
    assert len(wrong) <= 0.05 * len(on_the_scan), sorted(wrong)
    assert wrong <= doubtful_fields(report), report["warnings"]
    assert report["agency"] == "淮安市人民政府" and report["template"] == "2021"


def test_ocr_text_is_searchable_and_ocr_reports_are_told_apart_in_the_database(mixed, tmp_path):
    report, extractor, text = mixed
    assert extractor == "nianbao layout + rapidocr-onnxruntime 1.4.4"
    assert "属于行政执法" in text  # a label of the scanned page
    db = open_database(tmp_path / "nianbao.db")
    store_report(db, report, text, Provenance("http://example.gov.cn/nb.pdf", None, "ab", "t"))
    row = db.execute("select ocr, ocr_confidence from reports").fetchone()
    assert row == ("rapidocr-onnxruntime 1.4.4", report["ocr"]["mean_confidence"])


def test_an_image_attachment_is_read_by_ocr():
    report = parse_bytes(scanned_page(1), "nb2024-1.jpg")
    assert report["format"] == "jpg"
    assert report["title"] == TITLE and report["year"] == 2024
    assert report["ocr"]["pages"] == 1
    assert "严格落实《中华人民共和国政府信息公开条例》" in report["sections"]["overview"]


def bar_pages(count: int) -> bytes:
    """An image-only PDF of `count` pages, each a bar of ink where a title would be."""
    pages = []
    for _ in range(count):
        page = Image.new("L", (1240, 1754), 255)
        page.paste(0, (100, 100, 1100, 140))
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


@pytest.mark.parametrize(
    "variable, value, why",
    [
        (OCR_PAGES_VARIABLE, "1", "the OCR page limit (NIANBAO_OCR_PAGES=1) was reached"),
        (OCR_SECONDS_VARIABLE, "0.001", "the OCR time limit (0.001 s of CPU) was reached"),
    ],
)
def test_scanned_pages_beyond_the_limits_are_named_in_a_warning(variable, value, why, monkeypatch):
    monkeypatch.setenv(variable, value)
    report = parse_bytes(bar_pages(3), "scan.pdf")
    assert report["ocr"]["pages"] == 1
    assert f"ocr: pages 2-3 not read: {why}" in report["warnings"]


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size():
    from parsers.image import _decoded
    from parsers.limits import MAX_DECODED_PIXELS

    out = io.BytesIO()
    Image.new("L", (8000, 8000), 255).save(out, "JPEG")  # 64 Mpx
    warnings: list[str] = []
    gray = _decoded(Image.open(out), 1, warnings)
    assert gray is not None and gray.size <= MAX_DECODED_PIXELS and warnings == []
    assert gray.shape == (4000, 4000)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def test_ctrl_c_stops_ocr_promptly():
    """onnxruntime runs in the parsing thread: Python's KeyboardInterrupt lands between two
    calls into it, a few milliseconds apart."""
    process = subprocess.Popen(
        [NIANBAO, "parse", str(SCAN)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        while cpu_seconds(process.pid) < 2.0 and process.poll() is None:
            time.sleep(0.1)  # the engine loaded and reading pages
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert time.monotonic() - interrupted < 3
    assert process.returncode == 130
    assert stderr == f"nianbao parse: interrupted while reading {SCAN}\n"


SMALL_IMAGE = (
    b"<< /Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray"
    b" /BitsPerComponent 8 /Length 100 >>\nstream\n" + bytes(100) + b"\nendstream"
)


@pytest.mark.parametrize(
    "text, drawn, ocr",
    [
        ("淮安市人民政府2024年政府信息公开工作年度报告。" * 3, "image", False),  # text over a logo
        ("Page", "", False),  # little text, no scan under it
        ("Õþ¸®ÐÅÏ¢¹«¿ª¹¤×÷Äê¶È±¨¸æ", "", True),  # GBK bytes shown in a Latin font
        ("淮安市人民政府2024年年度报告", "image", True),  # a title stamped on a page image
        ("", "image", True),  # a page image alone
        ("", "lines", True),  # text drawn as outlines
        ("", "", False),  # a blank page
    ],
)
def test_which_pages_are_read_by_ocr(text, drawn, ocr):
    from parsers.pdf import _needs_ocr
    from parsers.pdfium_page import PdfiumPage
    from tests.test_documents import minimal_pdf

    image = SMALL_IMAGE if drawn == "image" else b""
    lines = zlib.compress(b"0 0 m 100 100 l S") if drawn == "lines" else b""
    pdf = pdfium.PdfDocument(minimal_pdf(1, text=None, image=image, deflated=lines))
    page = pdf[0]
    adapted = PdfiumPage(page, 1)
    # The text layer as PDFium reads it (a CID font would be needed to draw CJK text).
    adapted.chars = [{"text": ch} for ch in text]
    assert _needs_ocr(adapted, page) is ocr


def children(pid: int) -> list[int]:
    """The processes `pid` started (reader processes are spawned, not forked threads)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_ctrl_c_stops_a_build_and_its_reader_processes_promptly(tmp_path):
    """A terminal's Ctrl-C interrupts the whole process group: the reader processes end at
    once instead of reading the scans queued to them."""
    from archive.warc import WarcArchive

    archive = WarcArchive(tmp_path / "warc")
    for n in range(4):
        url = f"http://portal.test/{n}/nb2024.pdf"
        scan = SCAN.read_bytes() + b"%" * n  # four versions: four documents to read
        archive.write(url, 200, "OK", [], scan, annotations={"Role": "document", "Page": url})
    archive.close()
    build = subprocess.Popen(
        [NIANBAO, "build", "--data", str(tmp_path)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        readers: list[int] = []
        while build.poll() is None and sum(map(cpu_seconds, readers)) < 2.0:
            time.sleep(0.2)
            readers = [p for p in children(build.pid) if alive(p)]
        interrupted = time.monotonic()
        os.killpg(build.pid, signal.SIGINT)
        _, stderr = build.communicate(timeout=60)
    finally:
        build.kill()
    assert time.monotonic() - interrupted < 3
    assert build.returncode == 130 and stderr.endswith("nianbao build: interrupted\n")
    time.sleep(1)  # for init to reap them
    assert readers and not [p for p in readers if alive(p)]


def test_a_header_over_a_column_of_numbers_keeps_its_label():
    """A lone mark among numbers is read again as digits (I → 1); the header cell at the top
    of that column is a label, not a mark: it keeps its words (本年收费金额（单位：元） says in
    which unit the amounts below it are)."""
    from parsers.ocr import Reading
    from parsers.scan import _table_rows
    from parsers.scan_image import GridCell, Table

    # (label, value cell as read, the value cell read with only number characters allowed)
    printed = [("信息内容", "本年收费金额（单位：元）", ""), ("规章", "3", "3")]
    printed += [("规范性文件", "5", "5"), ("行政许可", "74", "74"), ("行政处罚", "I", "1")]
    cells = []
    for row, line in enumerate(printed):
        for col, (text, digits) in enumerate([(line[0], ""), line[1:]]):
            cell = GridCell(row, col, 1, 1, (0, 0, 1, 1))
            cell.readings.append(Reading(text, 0.99, digits, 0.4))
            cells.append(cell)
    rows = _table_rows(Table((0, 0, 1, 1), [0, 1, 2], list(range(6)), cells), [])
    assert [c.text for c in rows[0]] == ["信息内容", "本年收费金额（单位：元）"]
    assert [c.text for c in rows[-1]] == ["行政处罚", "1"]
    assert rows[-1][1].confidence < 0.8  # named in the ocr: warning
