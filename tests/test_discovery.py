"""A crawl entered by a portal's home page finds its 年报 columns by the site's own navigation,
fetches little else, stores every report once and no mirror's copy, remembers the columns,
and reads the script-filled platforms (gkmlpt, Epoint).

The sites are generated (nianbao.demo.sitegen, nianbao.demo.platforms) on virtual hosts of
.gov.cn domains behind one 127.0.0.1 port, which the crawl uses as its HTTP proxy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.build import build
from archive.columns import live_columns, record_column
from archive.database import close_database, open_database, worker_database
from crawler.sites import canonical_page, registrable_domain
from crawler.spiders.discovery import COLUMN, PAGE, page_kind, read_page
from nianbao.demo.platforms import epoint_site, gkmlpt_site
from nianbao.demo.sitegen import GeneratedSite, generate_site
from parsers.navigation import (
    NONE,
    SECTION,
    STRONG,
    is_one_report,
    link_tier,
    names_a_year,
    says_download,
)
from tests.archive_checks import query
from tests.conftest import NIANBAO
from tests.crawling import crawl_ok


def crawl(hosts, start: str, data: Path) -> subprocess.CompletedProcess:
    return crawl_ok(
        data,
        *("--start-url", start, "--portal", "p"),
        *("-s", "NIANBAO_READER_PROCESSES=0"),  # a few documents: no worker processes to start
        env=hosts.crawl_environment(os.environ),
        timeout=180,
    )


def stored(data: Path) -> list[str]:
    return [url for (url,) in query(data, "select url from reports")]


# ------------------------------------------------------------------ the words, the URLs


@pytest.mark.parametrize(
    "text, tier",
    [
        ("政府信息公开年报", STRONG),
        ("政府信息公开工作年度报告", STRONG),
        ("年度报告", STRONG),
        ("政府資訊公開年報", STRONG),  # a 繁體 page's
        ("2024年度政府信息公开工作年度报告集中公开专题", STRONG),
        ("政务公开", SECTION),
        ("政 府 信 息 公 开", SECTION),
        ("法定主动公开内容", SECTION),
        ("政府信息公开指南", NONE),
        ("依申请公开", NONE),
        ("企业年报公示", NONE),
        ("新闻中心", NONE),
        ("互动交流", NONE),
        ("繁體", NONE),
        ("我市召开政务公开工作推进会", NONE),
    ],
)
def test_links_are_ranked_by_their_words(text, tier):
    assert link_tier(text) == tier


def test_report_titles_are_told_from_notices_and_collections():
    assert is_one_report("某某市财政局 2024 年政府信息公开工作年度报告")
    assert is_one_report("某某市2023年政府資訊公開工作年度報告")
    assert not is_one_report("关于做好2024年度政府信息公开工作年度报告编制发布工作的通知")
    assert not is_one_report("2024年度政府信息公开工作年度报告集中公开专题")
    assert not is_one_report("政府信息公开年报")  # a column: no year
    assert is_one_report("二〇二三年度某某县财政局政府信息公开工作年度报告")  # a year in numerals
    # what a list left of a long title
    assert is_one_report("某某市某某区发展和改革局2023年政府信...")
    assert is_one_report("某某市人力资源和社会保障局2023…")
    assert not is_one_report("关于做好2023年度政府信息公开...")
    assert not is_one_report("某某区2023年工作总结...")


def test_year_sub_columns_in_numerals_and_bare_download_links_are_read_by_their_words():
    assert names_a_year("二〇二四年度") and names_a_year("二零二二年")
    assert says_download("附件下载") and says_download("附件下載：") and says_download("附件1")
    assert not says_download("下载中心") and not says_download("政府信息公开")


def test_sibling_hosts_share_a_domain_and_mirrors_are_the_page_itself_or_nothing():
    assert registrable_domain("file.x.gov.cn") == registrable_domain("www.x.gov.cn") == "x.gov.cn"
    assert registrable_domain("sousuo.gov.cn") != registrable_domain("www.gov.cn")
    page = "http://www.x.gov.cn/zwgk/nb/t1.html"
    assert canonical_page("http://www.x.gov.cn/gate/big5/www.x.gov.cn/zwgk/nb/t1.html") == page
    assert canonical_page("http://big5.x.gov.cn/gate/big5/www.x.gov.cn/zwgk/nb/t1.html") == page
    assert canonical_page("http://m.x.gov.cn/zwgk/nb/t1.html") is None
    assert canonical_page("http://www.x.gov.cn/wza/zwgk/nb/t1.html") is None
    assert canonical_page("http://m.x.gov.cn/", own_hosts={"m.x.gov.cn"}) == "http://m.x.gov.cn/"


def test_a_page_is_a_column_by_what_it_lists_and_its_year_links_are_sub_columns():
    years = '<a href="/nb/2024/">2024年度</a> <a href="/xw/">新闻</a> <a href="/zwgk/">政务公开</a>'
    column = read_page(
        "http://x.gov.cn/nb/", f"<title>政府信息公开年报_某市人民政府</title>{years}"
    )
    assert page_kind(column) == PAGE  # lists no report itself
    assert [link.url for link in column.navigation][:1] == ["http://x.gov.cn/nb/2024/"]
    home = read_page("http://x.gov.cn/", f"<title>某市人民政府</title>{years}")
    assert [link.url for link in home.navigation] == ["http://x.gov.cn/zwgk/"]
    reports = "".join(
        f'<li><a href="/nb/2024/t{i}.html">某{i}局2024年政府信息公开工作年度报告</a></li>'
        for i in range(3)
    )
    assert page_kind(read_page("http://x.gov.cn/nb/2024/", f"<ul>{reports}</ul>")) == COLUMN
    others = "".join(f'<a href="/a{i}.html">服务{i}</a>' for i in range(60))
    assert page_kind(read_page("http://x.gov.cn/", f"<ul>{reports}</ul>{others}")) == PAGE


# ------------------------------------------------------------------ a whole site, from its home


def assert_found_from_home(site: GeneratedSite, data: Path) -> list[str]:
    """Every report once, nothing of the mirrors, news or other sites; returns the pages
    fetched that no list links (the way to the reports, and any detour)."""
    with site.hosts:
        crawl(site.hosts, site.home, data)
    urls = stored(data)
    assert sorted(urls) == sorted(site.reports)  # every report, once
    fetched = site.hosts.fetched()
    assert not [u for u in fetched if any(m in u for m in site.mirrors)]
    assert not [u for u in fetched if u in site.noise]
    assert not [u for u in fetched if u in site.offsite]
    assert not query(data, "select url from fetches where url like '%/gate/big5/%'")
    return [u for u in dict.fromkeys(fetched) if u not in site.listed]


def test_a_site_entered_by_its_home_page_gives_every_report_once_fetching_little_else(tmp_path):
    # its column of year sub-columns, one named 二〇二四年度, one title cut short, a 附件下载
    site = generate_site(1)
    walked = assert_found_from_home(site, tmp_path)
    # the way: home, 政务公开 (and 法定主动公开内容), the column's pages, the 专题
    assert set(site.way) <= set(walked)
    assert len(walked) <= 3 * len(site.way), walked
    columns = query(tmp_path, "select url, found_by, reports > 0 from columns order by url")
    topic = next(u for u in site.way if "2024nb" in u)
    assert (topic, f"discovered from {site.home}", 1) in columns
    column = site.way[-2] if site.way[-1] == topic else site.way[-1]
    assert any(url == column.split("?")[0] and seen for url, _, seen in columns), columns


def test_a_site_built_the_same_way_gives_every_report(tmp_path):
    # another seed: other words, paths, hosts and CMS (seeds 1-30 pass)
    assert_found_from_home(generate_site(5), tmp_path)


def test_the_next_crawl_starts_at_the_columns_and_looks_again_when_one_moves(tmp_path):
    site = generate_site(3)
    with site.hosts:
        crawl(site.hosts, site.home, tmp_path)
        first = len(stored(tmp_path))
        site.hosts.requests.clear()
        crawl(site.hosts, site.home, tmp_path)
        assert site.home not in site.hosts.fetched()  # straight to the remembered columns
        assert len(stored(tmp_path)) == first
        # the site is redesigned: the column moves, its old address answers 404
        column = next(
            u for u in site.way if "2024nb" not in u and u.endswith(("index.html", "list.html"))
        )
        old = column.rsplit("/", 1)[0] + "/"
        new = old.rstrip("/") + "-new/"
        move(site, old, new)
        site.hosts.requests.clear()
        crawl(site.hosts, site.home, tmp_path)
    assert site.home in site.hosts.fetched()  # looked for again from the home page
    rows = dict(query(tmp_path, "select url, reports from columns"))
    assert rows[column.replace(old, new)] > 0 and rows[column] == 0


def move(site: GeneratedSite, old: str, new: str) -> None:
    """Every page under `old` now lives under `new`, and every link to it says so."""
    pages = site.hosts.pages
    path_old, path_new = urlsplit(old).path, urlsplit(new).path
    for url in list(pages):
        body, kind = pages.pop(url)
        if kind.startswith("text/html"):
            body = body.replace(old.encode(), new.encode())
            body = body.replace(f'"{path_old}'.encode(), f'"{path_new}'.encode())
        pages[url.replace(old, new)] = (body, kind)


# ------------------------------------------------------------------ platforms


def test_gkmlpt_lists_are_read_through_their_json_api(tmp_path):
    site = gkmlpt_site()
    with site.hosts:
        crawl(site.hosts, site.home, tmp_path)
    assert sorted(stored(tmp_path)) == sorted(site.reports)
    assert query(tmp_path, "select url from columns") == [(site.column,)]


def test_epoint_detail_pages_are_read_from_their_script_answers(tmp_path):
    site = epoint_site()
    with site.hosts:
        crawl(site.hosts, site.home, tmp_path)
    assert sorted(stored(tmp_path)) == sorted(site.reports)
    # a report read from a POST answer is cited by its page, in a rebuild from the WARC too
    shutil.copytree(tmp_path / "warc", tmp_path / "rebuilt" / "warc")
    subprocess.run([NIANBAO, "build", "--data", str(tmp_path / "rebuilt")], check=True)
    assert sorted(stored(tmp_path / "rebuilt")) == sorted(site.reports)


def test_columns_the_workers_of_a_distributed_crawl_found_are_merged_by_build(tmp_path):
    main = open_database(tmp_path / "nianbao.db")
    column, home = "http://www.x.gov.cn/zwgk/nb/", "http://www.x.gov.cn/"
    record_column(main, "x", column, "2026-01-01T03:00:00+00:00", 0, entry=home)
    close_database(main)
    worker = open_database(worker_database(tmp_path, "host-1"))
    record_column(worker, "x", column, "2026-01-08T03:00:00+00:00", 7, entry=home)
    close_database(worker)
    (tmp_path / "warc").mkdir()
    build(tmp_path, processes=0)
    merged = open_database(tmp_path / "nianbao.db")
    assert live_columns(merged, "x", home) == [column]  # where the next crawl starts
    row = merged.execute("select first_seen, last_seen, reports from columns").fetchone()
    assert row == ("2026-01-01T03:00:00+00:00", "2026-01-08T03:00:00+00:00", 7)
