"""The journalist's pages, in Chromium, over the demo: crawl → build → `nianbao serve`.

The demo publishes two years of 安岳县清流镇 whose 上年结转 (2020) and 结转下年度 (2019) do not
match (nianbao/demo/portal.py, SECOND_YEAR). Screenshots go to artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from parsers.template import APPLICANT_COLUMNS
from tests.conftest import FIXTURES
from tests.serving import ARTIFACTS, chromium_page, serving


@pytest.fixture(scope="module")
def demo(demo_data):
    with serving(demo_data) as base:
        yield base, demo_data


@pytest.fixture(scope="module")
def page(demo):
    with chromium_page(viewport={"width": 1300, "height": 1000}, accept_downloads=True) as page:
        yield page


def report_id(data: Path, title_part: str, year: int) -> int:
    with sqlite3.connect(data / "nianbao.db") as db:
        rows = db.execute(
            "select id from reports where title like ? and year = ? order by id",
            [f"%{title_part}%", year],
        ).fetchall()
    assert rows, (title_part, year)
    return rows[0][0]


def row_values(page, row: str) -> list[str]:
    return [c.strip() for c in page.locator(f"tr[data-row={row}] td.value").all_inner_texts()]


def test_the_report_page_prints_table_three_as_the_form(demo, page):
    base, data = demo
    expected = json.loads((FIXTURES / "reports/synthetic-city-2025.expected.json").read_text())
    page.goto(f"{base}/nianbao/reports/{report_id(data, '测试市', 2025)}")
    new = expected["applications"]["new_received"]
    assert row_values(page, "new_received") == [str(new[c]) for c in APPLICANT_COLUMNS]
    labels = page.locator("#table-applications tr[data-row=new_received] td.label").inner_text()
    assert labels == "一、本年新收政府信息公开申请数量"
    # the form's order: 予以公开 before 部分公开 before 国家秘密 ... before 结转下年度
    keys = page.locator("#table-applications tr[data-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.row)"
    )
    assert keys.index("granted") < keys.index("partly_granted") < keys.index("carried_forward")
    page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=True)
    # A blank cell is blank, not 0: Shanghai's 2019 report leaves 科研机构 blank.
    shanghai = json.loads((FIXTURES / "reports/shanghai-office-2019.expected.json").read_text())
    page.goto(f"{base}/nianbao/reports/{report_id(data, '上海市人民政府办公厅', 2019)}")
    printed = shanghai["applications"]["new_received"]
    want = ["" if printed[c] is None else str(printed[c]) for c in APPLICANT_COLUMNS]
    assert row_values(page, "new_received") == want and "" in want


def test_a_cross_year_mismatch_is_a_failed_check_beside_its_row(demo, page):
    base, data = demo
    later = report_id(data, "清流镇", 2020)
    page.goto(f"{base}/nianbao/reports/{later}")
    notes = page.locator("#table-applications tr[data-row=carried_over] td.notes").inner_text()
    assert "previous_year_natural_person" in notes and "≠" in notes
    failed = page.locator("#table-applications tr[data-row=carried_over] td.failed")
    assert failed.count() == 2  # 自然人 and 总计
    page.screenshot(path=str(ARTIFACTS / "report-page-mismatch.png"), full_page=True)
    page.goto(f"{base}/nianbao/checks?report_id={later}&ok=0&name__startswith=previous_year_")
    assert "previous_year_natural_person" in page.inner_text("table.rows-and-columns")


def test_the_agency_page_lists_both_years(demo, page):
    base, data = demo
    page.goto(f"{base}/nianbao/reports/{report_id(data, '清流镇', 2019)}")
    page.click("a[href*='/nianbao/agencies/']")  # the body's name links to its page
    page.wait_for_selector("#agency-reports")
    years = page.locator("#agency-reports tbody tr td:first-child").all_inner_texts()
    assert sorted(years) == ["2019", "2020"]
    assert page.locator("#agency-chart circle").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "agency-page.png"), full_page=True)


def test_figures_csv_has_one_line_per_report(demo, page):
    base, data = demo
    page.goto(f"{base}/nianbao/figures")
    href = page.locator(".export-links a", has_text="CSV").first.get_attribute("href")
    response = page.request.get(base + href)  # what the link gives, with the page's session
    assert response.ok and response.headers["content-type"].startswith("text/")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    with sqlite3.connect(data / "nianbao.db") as db:
        current = db.execute("select count(*) from reports where superseded_by is null")
        assert len(rows) == current.fetchone()[0] > 0
    assert len({r["report_id"] for r in rows}) == len(rows)


def test_home_and_reports_pages_are_fit_for_reading(demo, page):
    base, data = demo
    page.goto(base + "/")
    lead = page.locator(".start-here a").all_inner_texts()
    assert lead[:3] == ["reports", "figures", "agencies"]
    page.screenshot(path=str(ARTIFACTS / "home.png"))
    with sqlite3.connect(data / "nianbao.db") as db:
        overview = db.execute("select overview from reports where overview is not null").fetchone()
    sentence = overview[0].strip()[:30]
    page.locator(".start-here a").first.click()
    page.wait_for_url("**/nianbao/reports")
    assert sentence not in page.content()
    headers = {h.strip() for h in page.locator("table.rows-and-columns th").all_inner_texts()}
    assert "title" in headers and not {"text", "overview", "page_url"} & headers
    assert not page.locator("details.about-table").get_attribute("open")  # folded away
    # A source URL is one short line (host/…/file), the whole of it on hover and in its link.
    source = page.locator("table.rows-and-columns td.col-url a").first
    whole, shown = source.get_attribute("href"), source.inner_text()
    assert source.get_attribute("title") == whole and "/…/" in shown and len(shown) < len(whole)
    assert shown.endswith(whole.rsplit("/", 1)[1])
    page.screenshot(path=str(ARTIFACTS / "reports-table.png"))
    page.click("text=Show all columns")
    page.wait_for_url("**_all_columns=1")
    headers = {h.strip() for h in page.locator("table.rows-and-columns th").all_inner_texts()}
    assert {"page_url", "text", "overview"} <= headers


def test_a_pdf_report_links_to_the_page_that_prints_table_three(demo, page):
    import pdfplumber

    base, data = demo
    page.goto(f"{base}/nianbao/reports/{report_id(data, '淮安市', 2024)}")
    href = page.locator(".report-links a", has_text="archived copy").get_attribute("href")
    path, _, number = href.partition("#page=")
    response = page.request.get(base + path)
    assert response.headers["content-type"].startswith("application/pdf")
    with pdfplumber.open(io.BytesIO(response.body())) as pdf:
        texts = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    first = next(n for n, text in enumerate(texts, 1) if "本年新收" in text)
    assert number == str(first)
