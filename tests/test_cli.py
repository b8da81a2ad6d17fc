"""`nianbao parse` as a user runs it: JSON Lines out, one-line errors, the batch goes on."""

import json
import re
import socket
import sqlite3
import subprocess

import pytest

from tests.conftest import FIXTURES, NIANBAO


def run(*args, cwd=None):
    return subprocess.run(
        [NIANBAO, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_parse_prints_one_json_object_per_input():
    seeds = sorted(FIXTURES.glob("seeds/*.txt"))
    result = run("parse", *seeds)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(seeds)
    reports = [json.loads(line) for line in lines]
    assert [r["source"] for r in reports] == [str(p) for p in seeds]
    assert reports[3]["applications"]["new_received"]["total"] == 40


def test_bad_inputs_get_one_line_errors_and_the_rest_is_parsed(tmp_path):
    good = FIXTURES / "reports/synthetic-city-2025.html"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "noise.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    missing = tmp_path / "missing.html"
    blank_html = tmp_path / "blank.html"
    blank_html.write_bytes(b"   \n")
    result = run("parse", empty, good, binary, missing, blank_html)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4
    for path, line in zip([empty, binary, missing, blank_html], errors, strict=True):
        assert line.startswith(f"nianbao parse: {path}: ")
    assert "empty" in errors[0] and "binary" in errors[1] and "No such file" in errors[2]
    [report] = [json.loads(line) for line in result.stdout.splitlines()]
    assert report["applications"]["new_received"]["total"] == 14069


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    sqlite3.connect(tmp_path / "nianbao.db").close()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = subprocess.run(
            [NIANBAO, "serve", "--data", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} is in use: choose another with --port"
    ]


def test_crawl_options_are_checked_by_the_library_as_by_the_command(tmp_path):
    """The CLI only parses: crawler.run.crawl refuses what `nianbao crawl` refuses, in the
    same words, before anything is written."""
    from crawler.run import CrawlOptionError, crawl

    for kwargs, words in [
        ({"portals": ["no-such-portal"]}, "no portal named 'no-such-portal'"),
        ({"start_urls": ["ftp://example.gov.cn/"]}, "not an http(s) URL"),
        ({}, "give a start URL"),
    ]:
        with pytest.raises(CrawlOptionError, match=re.escape(words)):
            crawl(tmp_path / "data", **kwargs)
    result = subprocess.run(
        [NIANBAO, "crawl", "--portal", "no-such-portal", "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "no portal named 'no-such-portal'" in result.stderr
    assert not (tmp_path / "data").exists()
