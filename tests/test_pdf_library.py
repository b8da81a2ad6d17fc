"""What parsers.pdf relies on in pdfplumber, pdfminer.six and PDFium beyond their documented
APIs. pyproject.toml pins the releases checked here; when an upgrade moves one of these, its
test fails and names what to look at."""

from __future__ import annotations

import zlib

import pypdfium2 as pdfium
import pytest

from parsers import ParseError, parse_bytes
from parsers.limits import MAX_CONTENT_STREAM_BYTES, MB
from parsers.pdf_streams import check_streams
from parsers.pdfium_page import PdfiumPage
from tests.conftest import FIXTURES

HUAIAN = FIXTURES / "reports/huaian-2024.pdf"


def huaian_page(number: int) -> PdfiumPage:
    pdf = pdfium.PdfDocument(HUAIAN.read_bytes())
    page = pdf[number - 1]
    try:
        return PdfiumPage(page, number)
    finally:
        page.close()
        pdf.close()


def test_pdfplumber_finds_tables_on_pages_made_of_pdfium_chars_and_edges():
    """pdfplumber's TableFinder is given a page that has only edges, chars and a bbox, and
    each Table it finds is rebuilt over the chars inside it: Table.extract must read nothing
    of its page but `chars`."""
    tables = huaian_page(3).find_tables()  # a framed paragraph, then the 第二十条 table
    assert len(tables) == 2, (
        "pdfplumber.table.TableFinder no longer finds huaian's tables on page 3 from "
        "PdfiumPage's edges: it reads more of a page than edges and bbox now"
    )
    rows = tables[1].extract()
    assert rows[0][0] == "第二十条 第（一）项", (
        "pdfplumber.table.Table(page, cells).extract() no longer reads its text from "
        f"page.chars alone (got {rows[0]!r})"
    )


def test_pdfplumber_groups_chars_into_words():
    words = huaian_page(1).extract_words()
    assert any("淮安市人民政府" in w["text"] for w in words), (
        "pdfplumber.utils.extract_words(chars) no longer groups PDFium's chars into words"
    )
    assert {"text", "x0", "x1", "top", "bottom"} <= set(words[0])


def lzw_run(total: int) -> bytes:
    """A run of `total` spaces (rounded up to whole codes) in LZW as PDF writes it: 9-bit
    codes that widen as the decoder's table grows (early change). Each code repeats one
    more space than the last, up to the table's end."""
    codes, size, next_code = [32], 1, 258
    while size < total:
        code = min(next_code, 4094)
        codes.append(code)
        size += code - 256
        next_code += 1
    assert size == total, "pick a total that whole codes make"
    out, acc, bits, width, table = bytearray(), 0, 0, 9, 258

    def emit(code: int) -> None:
        nonlocal acc, bits
        acc, bits = (acc << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1

    emit(256)  # clear
    for k, code in enumerate(codes):
        emit(code)
        table += 1 if k else 0  # the decoder adds an entry from the second code on
        width = 9 if table < 511 else 10 if table < 1023 else 11 if table < 2047 else 12
    emit(257)  # end of data
    return bytes(out + (bytes([(acc << (8 - bits)) & 0xFF]) if bits else b""))


def stream_pdf(body: bytes, filters: bytes) -> bytes:
    return (
        b"%%PDF-1.4\n1 0 obj\n<< /Length %d /Filter %s >>\nstream\n" % (len(body), filters)
        + body
        + b"\nendstream\nendobj\n"
    )


def test_pdfminer_lzw_decoder_measures_lzw_streams():
    """parsers.pdf_streams measures LZW streams with pdfminer.lzw.LZWDecoder(fp).run()."""
    small = 1 + sum(range(2, 101))  # a space, then runs of 2..100
    assert check_streams(stream_pdf(lzw_run(small), b"/LZWDecode")) == small, (
        "pdfminer.lzw.LZWDecoder(fp).run() no longer yields the decoded bytes: "
        "parsers.pdf_streams does not bound LZW streams"
    )
    bomb = lzw_run(1 + sum(range(2, 3839)) + 3838 * 3000)  # 10 KB that decode to 18 MB
    with pytest.raises(ParseError, match="refused: a PDF stream expands beyond"):
        check_streams(stream_pdf(bomb, b"/LZWDecode"))


@pytest.mark.parametrize(
    "filters, encode",
    [
        (b"/FlateDecode", lambda raw: zlib.compress(raw, 9)),
        (b"[/ASCIIHexDecode /FlateDecode]", lambda raw: zlib.compress(raw, 9).hex().encode()),
        (b"/RunLengthDecode", lambda raw: b"\x81 " * (len(raw) // 128) + b"\x80"),
    ],
)
def test_streams_that_would_inflate_beyond_the_limit_are_refused(filters, encode):
    bomb = encode(b" " * (MAX_CONTENT_STREAM_BYTES + MB))
    with pytest.raises(ParseError, match=f"beyond {MAX_CONTENT_STREAM_BYTES // MB} MB"):
        check_streams(stream_pdf(bomb, filters))
    assert check_streams(stream_pdf(encode(b" " * MB), filters)) == MB


def test_a_bug_in_reading_rows_is_not_called_a_damaged_pdf(monkeypatch):
    """Only what goes wrong while PDFium reads the bytes is the file's fault."""

    def broken(*args, **kwargs):
        raise KeyError("a bug in parsers.pdf_rows")

    monkeypatch.setattr("parsers.pdf.page_blocks", broken)
    with pytest.raises(KeyError):
        parse_bytes(HUAIAN.read_bytes(), str(HUAIAN))
