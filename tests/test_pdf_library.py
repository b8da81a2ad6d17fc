"""The pdfminer.six and pdfplumber internals parsers.pdf relies on, where neither library has
a public API for the bound it needs. pyproject.toml pins both to the releases checked here;
when an upgrade moves one of these, its test fails and names the internal to look at."""

from __future__ import annotations

import inspect
import zlib

import pdfminer.pdftypes
import pdfplumber
import pdfplumber.page
import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfpage import PDFPage
from pdfminer.psparser import LIT

from parsers import ParseError, parse_bytes
from parsers.limits import MAX_STREAM_BYTES, BoundedZlib
from parsers.pdf import _bounded_page_class, _PageTooBusy, bound_pdfminer_streams
from tests.conftest import FIXTURES

HUAIAN = FIXTURES / "reports/huaian-2024.pdf"


def first_page(pdf):
    """pdfplumber's first page of `pdf`, as parsers.pdf builds it."""
    return _bounded_page_class()(pdf, next(PDFPage.create_pages(pdf.doc)), page_number=1)


def flate_stream(data: bytes) -> pdfminer.pdftypes.PDFStream:
    return pdfminer.pdftypes.PDFStream({"Filter": LIT("FlateDecode")}, data)


def test_pdfminer_inflates_streams_with_the_zlib_parsers_pdf_bounds():
    bound_pdfminer_streams()
    assert isinstance(getattr(pdfminer.pdftypes, "zlib", None), BoundedZlib), (
        "pdfminer.pdftypes has no module-level `zlib` to replace any more: "
        "parsers.pdf.bound_pdfminer_streams no longer bounds PDF streams"
    )
    inflate = zlib.compressobj(9)
    bomb = b"".join(inflate.compress(bytes(1 << 20)) for _ in range(MAX_STREAM_BYTES >> 20))
    bomb += inflate.compress(b"one byte too many") + inflate.flush()
    try:
        flate_stream(bomb).get_data()
    except ParseError as error:
        assert str(error).startswith("refused: a PDF stream expands beyond")
    else:
        pytest.fail(
            "pdfminer.pdftypes.PDFStream.decode no longer inflates through the module-level "
            "`zlib` that parsers.pdf replaces: a PDF stream bomb is not refused"
        )
    # What pdfminer does with a good stream and a truncated one is unchanged.
    text = b"BT /F1 12 Tf (Hi) Tj ET\n" * 100
    assert flate_stream(zlib.compress(text)).get_data() == text
    cut = zlib.compress(text)[:-20]
    assert flate_stream(cut).get_data() == zlib.decompressobj().decompress(cut), (
        "pdfminer.pdftypes no longer recovers a truncated stream through zlib.decompressobj "
        "(BoundedZlib.decompress raises zlib.error on truncation to send it there)"
    )


def test_pdfplumber_page_layout_is_what_parsers_pdf_overrides():
    """parsers.pdf counts a page's objects by overriding pdfplumber's Page.layout with one
    that runs pdfminer's interpreter with a counting PDFPageAggregatorWithMarkedContent."""
    layout = inspect.getattr_static(pdfplumber.page.Page, "layout", None)
    assert isinstance(layout, property), "pdfplumber.page.Page.layout is no longer a property"
    assert "_layout" in pdfplumber.page.Page.cached_properties, (
        "pdfplumber.page.Page no longer caches its layout in `_layout`: page.close() would "
        "not free what parsers.pdf's BoundedPage.layout keeps"
    )
    device = getattr(pdfplumber.page, "PDFPageAggregatorWithMarkedContent", None)
    assert device is not None and issubclass(device, PDFPageAggregator), (
        "pdfplumber.page.PDFPageAggregatorWithMarkedContent, the device parsers.pdf counts "
        "objects in, is gone"
    )
    for hook in ("render_char", "render_image", "paint_path"):
        assert callable(getattr(device, hook, None)), f"pdfminer device hook {hook} is gone"

    with pdfplumber.open(HUAIAN) as pdf:
        page = first_page(pdf)
        assert page.chars and hasattr(page, "_layout")
        page.close()
        assert not hasattr(page, "_layout"), "pdfplumber Page.close() no longer frees _layout"


def test_pdfplumber_page_objects_come_through_the_counting_device(monkeypatch):
    monkeypatch.setattr("parsers.pdf.MAX_PAGE_OBJECTS", 10)
    with pdfplumber.open(HUAIAN) as pdf:
        try:
            first_page(pdf).objects  # noqa: B018 - parses the page
        except _PageTooBusy:
            return
    pytest.fail(
        "pdfplumber's Page.objects no longer come from Page.layout, which parsers.pdf "
        "overrides to count them: a page drawing 150,000 lines is not stopped"
    )


def test_a_bug_in_reading_rows_is_not_called_a_damaged_pdf(monkeypatch):
    """Only what goes wrong while pdfminer reads the bytes is the file's fault."""

    def broken(*args, **kwargs):
        raise KeyError("a bug in parsers.pdf_rows")

    monkeypatch.setattr("parsers.pdf.page_blocks", broken)
    with pytest.raises(KeyError):
        parse_bytes(HUAIAN.read_bytes(), str(HUAIAN))
