"""The portal registry (crawler/portals.yml): every public lead in it, nothing inferred passed off
as seen, and `nianbao portals` / `nianbao crawl --all` reaching what it lists."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from archive.columns import record_column
from archive.database import close_database, open_database
from crawler.registry import (
    LEVELS,
    PROVINCES,
    REGISTRY,
    Portal,
    RegistryError,
    find_portal,
    load_portals,
)
from nianbao.demo.vhosts import VirtualHosts
from tests.archive_checks import query
from tests.conftest import FIXTURES, NIANBAO

LEADS_TEXT = (FIXTURES / "portals" / "leads.yml").read_text(encoding="utf-8")
LEADS = yaml.safe_load(LEADS_TEXT)["entries"]
CMS = {"trs", "hanweb", "jcms", "gkmlpt", "plain", "other", "unknown"}


def every(portals: list[Portal], field: str) -> set[str]:
    return {url for portal in portals for url in getattr(portal, field)}


def test_every_entry_is_named_once_unchecked_and_sourced():
    raw = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["portals"]
    portals = load_portals()
    names = [p.name for p in portals]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    for entry, portal in zip(raw, portals, strict=True):
        assert re.fullmatch(r"[a-z][a-z0-9-]{1,19}", portal.name), portal.name
        # nobody has crawled any of these live: each says so, none claims otherwise
        assert entry.get("checked") is False, portal.name
        assert portal.source and portal.title, portal.name
        assert portal.level in LEVELS and portal.cms in CMS, portal.name
        assert portal.province in (*PROVINCES, "中央"), portal.name
        assert portal.region_code is None or re.fullmatch(r"\d{6}", portal.region_code)
        urls = [*portal.columns, *portal.inferred_columns, *portal.reports]
        urls += [portal.home] if portal.home else []
        assert all(url.startswith(("http://", "https://")) for url in urls), portal.name


def test_every_lead_is_in_the_registry_and_inferred_columns_stay_inferred():
    portals = load_portals()
    seen, inferred, reports = (
        every(portals, f) for f in ("columns", "inferred_columns", "reports")
    )
    assert not seen & inferred, "a column both seen and inferred"
    for lead in LEADS:
        if lead.get("column"):
            assert lead["column"] in seen, lead["body"]
        if lead.get("column_inferred"):
            assert lead["column_inferred"] in inferred, lead["body"]
        for url in lead.get("articles") or []:
            if urlsplit(url).hostname.endswith(".gov.cn"):  # spam mirrors and proxies left out
                assert url in reports, (lead["body"], url)
    # the leads' prose lines too (read as text: one block of them does not parse as a note):
    # each column inferred there is in the registry, as inferred
    prose = re.findall(
        r"\| (https?://\S+/) \| pages corpus|column (https?://\S+) \(inf", LEADS_TEXT
    )
    assert len(prose) >= 15
    for url in (a or b for a, b in prose):
        assert url in inferred, url


def test_entry_points_are_seen_columns_then_inferred_ones_else_the_home_page():
    portal = Portal("p", "t", home="https://h/", columns=("https://s/",), inferred_columns=("i",))
    assert portal.entry_points() == ("https://s/", "i")
    assert Portal("p", "t", home="https://h/", reports=("r",)).entry_points() == ("https://h/",)
    assert Portal("p", "t", reports=("r",)).entry_points() == ()


def test_at_least_24_provincial_portals_are_reachable_through_a_column_or_a_home_page():
    provincial = [p for p in load_portals() if p.level == "provincial"]
    assert {p.province for p in provincial} == set(PROVINCES)
    assert len({p.province for p in provincial if p.entry_points()}) >= 24


def test_henan_hct_is_the_culture_and_tourism_department():
    portal = find_portal("henan-hct")
    assert portal.title == "河南省文化和旅游厅"
    assert (portal.province, portal.level) == ("河南省", "department")
    assert urlsplit(portal.home).hostname == "hct.henan.gov.cn"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def portals_output(data: Path) -> str:
    command = [NIANBAO, "portals", "--data", str(data)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout


def test_nianbao_portals_lists_every_portal_and_sums_up_by_level(tmp_path):
    stdout = portals_output(tmp_path)
    portals = load_portals()
    lines = stdout.splitlines()
    listing = lines[1 : 1 + len(portals)]
    assert [line.split()[0] for line in listing] == [p.name for p in portals]
    # aligned: every title starts in the header's TITLE column, CJK counted double width
    title_at = lines[0].index("TITLE")
    for line, portal in zip(listing, portals, strict=True):
        assert width(line[: line.index(portal.title, 20)]) == title_at, line
    harbin = next(line for line in listing if line.startswith("harbin "))
    assert harbin.split()[1:9] == ["prefecture", "1", "1", "0", "yes", "no", "0", "-"]
    # the summary: one row per level, each portal counted once by what a crawl starts from
    rows = {row[0]: row[1:] for row in map(str.split, lines[len(portals) + 1 :]) if row}
    for level in LEVELS:
        at_level = [p for p in portals if p.level == level]
        expected = [
            len(at_level),
            sum(bool(p.columns) for p in at_level),
            sum(bool(p.inferred_columns and not p.columns) for p in at_level),
            sum(bool(p.home and not p.columns + p.inferred_columns) for p in at_level),
            sum(not p.entry_points() for p in at_level),
            0,  # FOUND: no crawl has found a column yet
        ]
        assert [int(n) for n in rows[level]] == expected, level
    assert int(rows["all"][0]) == len(portals)
    reached = re.search(r"Provinces reachable: (\d+) of 31", stdout)
    assert reached and int(reached.group(1)) >= 24


def test_nianbao_portals_shows_the_columns_crawls_found_and_when_they_last_listed_reports(
    tmp_path,
):
    db = open_database(tmp_path / "nianbao.db")
    column = "http://www.harbin.gov.cn/haerbin/c104569/nb.shtml"
    record_column(db, "harbin", column, "2026-11-02T03:15:00+00:00", 12, found_by="registry")
    record_column(db, "harbin", column, "2026-11-09T03:15:00+00:00", 0)  # listed none since
    close_database(db)
    lines = portals_output(tmp_path).splitlines()
    harbin = next(line for line in lines if line.startswith("harbin "))
    assert harbin.split()[7:9] == ["1", "2026-11-02"]
    level = next(line for line in lines if line.startswith("prefecture "))
    assert level.split()[-1] == "0"  # it lists no reports now: the next crawl looks again
    listed = [line.split() for line in lines if column in line]
    assert listed == [["harbin", "0", "2026-11-02", column, "(registry)"]]


@pytest.fixture
def site():
    """A portal's pages on 127.0.0.1, each a plain page linking nowhere; remembers what the
    crawl asked for."""
    with VirtualHosts() as hosts:
        base = f"http://127.0.0.1:{hosts.port}"
        for path in ("/cols-home/", "/seen/", "/inferred/", "/home/", "/report/"):
            hosts.add(base + path, "<html><body>page</body></html>")
        yield hosts


# crawler.run.crawl with a registry of the test's, in a process of its own (one Twisted reactor
# per process); a CrawlOptionError is its one line on stderr.
CRAWL = """import json, sys
from crawler.run import CrawlOptionError, crawl
try:
    crawl(sys.argv[1], registry=sys.argv[2], **json.loads(sys.argv[3]))
except CrawlOptionError as error:
    sys.exit(f"CrawlOptionError: {error}")
"""
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def crawl_registry(registry: Path, data: Path, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CRAWL, str(data), str(registry), json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_crawl_all_starts_at_columns_else_the_home_page(site, tmp_path):
    base = f"http://127.0.0.1:{site.port}"
    registry = tmp_path / "portals.yml"
    entries = [
        {"name": "cols", "title": "t", "home": f"{base}/cols-home/", "columns": [f"{base}/seen/"]}
        | {"inferred_columns": [f"{base}/inferred/"], "checked": False, "source": "s"},
        {"name": "home", "title": "t", "home": f"{base}/home/", "checked": False, "source": "s"},
        {"name": "rep", "title": "t", "reports": [f"{base}/report/"], "checked": False},
    ]
    registry.write_text(yaml.safe_dump({"portals": entries}), encoding="utf-8")
    result = crawl_registry(
        registry, tmp_path / "data", all_portals=True, settings=FAST | {"LOG_LEVEL": "INFO"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # the columns list no reports here: the crawl looks for them from the home page too
    asked = sorted({urlsplit(url).path for url in site.fetched()})  # robots.txt left out
    assert asked == ["/cols-home/", "/home/", "/inferred/", "/seen/"]
    runs = query(tmp_path / "data", "select portal from crawl_runs order by portal")
    assert runs == [("cols",), ("home",)]


def test_bad_registries_and_portals_with_nothing_to_crawl_get_one_line_errors(tmp_path):
    registry = tmp_path / "portals.yml"
    registry.write_text("portals:\n  - {name: x, title: t, colums: [http://a/]}\n", "utf-8")
    with pytest.raises(RegistryError, match=f"^{re.escape(str(registry))}: portal x: .*colums"):
        load_portals(registry)
    registry.write_text("portals:\n  - {name: x, title: t, reports: [http://a/r]}\n", "utf-8")
    result = crawl_registry(registry, tmp_path, portals=["x"])
    assert result.stderr == "CrawlOptionError: portal x: no column or home page to start from\n"
