"""Report pages printed to PDF the way portals' PDFs are made without Word: by a browser,
whose tables have no rules, where cells stand a few points apart and a long row label wraps
over lines beside its numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import parse_path
from tests.conftest import FIXTURES, assert_matches_expected, load_expected
from tests.serving import chromium_page

REPORT = FIXTURES / "reports/synthetic-city-2025"


@pytest.fixture(scope="module")
def browser_pdf(tmp_path_factory) -> Path:
    """The report page as Chromium prints it on A4: tables without borders, 1 px padding."""
    path = tmp_path_factory.mktemp("printed") / "synthetic-city-2025.pdf"
    with chromium_page() as page:
        page.set_content(REPORT.with_suffix(".html").read_text(encoding="utf-8"))
        page.pdf(path=str(path), format="A4")
    return path


def test_browser_printed_pdf_reads_labels_wrapped_around_their_numbers(browser_pdf):
    """（二）部分公开… wraps with its numbers on its second line; 5.要求行政机关… and
    1.申请人无正当理由… over three lines with their numbers printed between the first two;
    2.申请人逾期… has its first number 8 pt after the label's end."""
    parsed = parse_path(browser_pdf)
    assert_matches_expected(parsed, load_expected(REPORT.with_suffix(".expected.json")))
    applications = parsed["applications"]
    assert applications["partly_granted"]["total"] == 2168
    assert applications["rejected_confirmation"]["natural_person"] == 5
    assert applications["other_no_correction"]["natural_person"] == 315
    assert applications["other_unpaid_fee"]["natural_person"] == 202
    assert not [w for w in parsed["warnings"] if w.startswith("applications")]
