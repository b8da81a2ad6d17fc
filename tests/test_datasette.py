"""A real Datasette process over a database built from an archive of real reports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import urllib.error
import urllib.request
from urllib.parse import unquote

import pytest

from archive.build import build
from tests.conftest import FIXTURES
from tests.sample_archive import DOCUMENTS, GZIPPED, write_sample_archive
from tests.serving import ARTIFACTS, chromium_page, serving

# What a portal could put in a title, a section or a warning: shown as text, never as markup.
HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1"><b id="pwned">粗体</b>'
HOSTILE_URL = "http://portal.test/nianbao/000_bd46ccaa43edb311.txt"
# A document named by an IRI (年报 unescaped), as a WARC written by another tool may name it.
IRI_URL = "http://portal.test/nianbao/004_3cdcdf96041af72f.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    urls = write_sample_archive(data)
    summary = build(data)
    assert summary.reports == len(DOCUMENTS)
    with sqlite3.connect(data / "nianbao.db") as db:
        db.execute(
            "update reports set title = title || ?, overview = ?, warnings = json_array(?) "
            "where url = ?",
            [HOSTILE, HOSTILE, "applications.granted: " + HOSTILE, HOSTILE_URL],
        )
        db.execute("update figures set title = title || ? where url = ?", [HOSTILE, HOSTILE_URL])
        db.execute("update fetches set url = ? where url = ?", [IRI_URL + "?q=年报", IRI_URL])
    with serving(data) as base:
        yield base, data, urls


@pytest.fixture(scope="module")
def page(site):
    with chromium_page(viewport={"width": 1400, "height": 1000}) as page:
        yield page


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def get_json(url: str):
    return json.loads(get(url))


def test_facet_counts_through_the_json_api(site):
    base, _, _ = site
    data = get_json(base + "/nianbao/reports.json?_facet=province&_facet=year&_size=0")
    facets = (
        data["facet_results"]["results"]
        if "results" in data["facet_results"]
        else data["facet_results"]
    )
    provinces = {f["value"]: f["count"] for f in facets["province"]["results"]}
    assert provinces["四川省"] == 2 and provinces["上海市"] == 1
    years = {f["value"]: f["count"] for f in facets["year"]["results"]}
    assert years == {2020: 3, 2025: 2, 2019: 2, 2022: 1}


def test_csv_of_one_years_applications(site):
    base, _, _ = site
    body = get(base + "/nianbao/applications.csv?year=2019&_size=max&_sort=id")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 2 * 23  # two 2019 reports, 23 rows each in the 2019 format
    shanghai = [r for r in rows if r["province"] == "上海市"]
    new = next(r for r in shanghai if r["row"] == "new_received")
    assert (new["natural_person"], new["research"], new["total"]) == ("821", "", "859")
    assert new["label"] == "一、本年新收政府信息公开申请数量"


def test_search_box_finds_two_character_words(site):
    base, _, _ = site
    found = get_json(
        base + "/nianbao/reports.json?_search=%E5%A4%8D%E8%AE%AE&_shape=array&_col=agency&_size=max"
    )
    agencies = {r["agency"] for r in found}
    # 复议 is in every report that prints the national tables' section 四
    assert "上海市人民政府办公厅" in agencies and "平潭综合实验区" in agencies
    none = get_json(base + "/nianbao/reports.json?_search=%E9%A3%9E%E8%88%B9&_shape=array")
    assert none == []  # 飞船 is in no report


def test_archived_copy_returns_the_original_bytes(site):
    base, _, urls = site
    rows = get_json(
        base + "/nianbao/reports.json?_shape=array&_col=url&_col=fetch_id&_col=sha256&_size=max"
    )
    assert len(rows) == len(DOCUMENTS)
    for row in rows:
        original = (FIXTURES / urls[row["url"]]).read_bytes()
        for address in (f"/-/archive/{row['fetch_id']}", f"/-/archive/sha256/{row['sha256']}"):
            with urllib.request.urlopen(base + address) as response:
                served = response.read()
                # scraped pages are shown sandboxed: never run in this site's origin
                csp = response.headers.get("Content-Security-Policy", "")
                assert csp.split(";")[0] == "sandbox", csp
                encoding = response.headers.get("X-Archived-Content-Encoding")
                named = response.headers["X-Archived-URL"]
            # the document itself, decoded when the portal sent it compressed: its sha256
            # is the one the row gives
            assert served == original and hashlib.sha256(served).hexdigest() == row["sha256"]
            assert encoding == ("gzip" if urls[row["url"]] == GZIPPED else None)
            assert named.isascii() and unquote(named).removesuffix("?q=年报") == row["url"]


def test_no_column_selection_breaks_the_reports_page(site):
    base, _, urls = site
    columns = get_json(base + "/nianbao/reports.json?_size=1")["columns"]
    answers = {}
    for column in columns:
        for selection in (f"_col={column}", f"_nocol={column}"):
            try:
                with urllib.request.urlopen(f"{base}/nianbao/reports?{selection}") as response:
                    answers[selection] = response.status
            except urllib.error.HTTPError as error:
                answers[selection] = error.code
    # Datasette refuses to leave out the primary key (400); nothing fails (500).
    assert {s: status for s, status in answers.items() if status != 200} == {"_nocol=id": 400}
    # Without fetch_id, the archived copy is still one click away.
    page = get(base + "/nianbao/reports?_col=sha256&_col=url").decode()
    links = re.findall(r'<a href="(/-/archive/[^"]+)"[^>]*>archived copy</a>', page)
    assert len(links) == len(DOCUMENTS)
    assert all(get(base + link) for link in links)


def test_a_journalist_browses_facets_and_searches(site, page):
    base, _, _ = site
    page.goto(base + "/nianbao/reports")
    assert "8 rows" in page.inner_text("h3")
    # Apply the province facet by clicking its value, as a reader would.
    page.click(".facet-info[data-column=province] a:has-text('四川省')")
    page.wait_for_url("**province=*")
    assert "2 rows" in page.inner_text("h3")
    page.screenshot(path=str(ARTIFACTS / "reports-facet.png"))
    # Search from Datasette's own search box.
    page.goto(base + "/nianbao/reports")
    page.fill("input#_search", "复议")
    page.press("input#_search", "Enter")
    page.wait_for_url("**_search=*")
    table_text = page.inner_text("table.rows-and-columns")
    assert "上海市人民政府办公厅" in table_text
    # The archived copy is one click away.
    link = page.locator("table.rows-and-columns a:has-text('archived copy')").first
    href = link.get_attribute("href")
    assert href.startswith("/-/archive/")
    page.screenshot(path=str(ARTIFACTS / "reports-search.png"))


def test_what_a_portal_wrote_is_shown_as_text_never_run(site, page):
    base, data, _ = site
    with sqlite3.connect(data / "nianbao.db") as db:
        report, agency = db.execute(
            "select id, agency_id from reports where url = ?", [HOSTILE_URL]
        ).fetchone()
    for path in (
        "/nianbao/reports",
        f"/nianbao/reports/{report}",
        f"/nianbao/agencies/{agency}",
        f"/nianbao/figures?report_id={report}",
    ):
        page.goto(base + path)
        assert HOSTILE in page.inner_text("body"), path  # the markup, as text
        assert page.locator("#pwned").count() == 0, path
        assert page.evaluate("document.body.dataset.pwned") is None, path
