"""`nianbao demo` end to end: demo portal → real crawl → build → Datasette, and Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request

from nianbao.demo.portal import CATALOGUE, DEFAULT_DOCUMENTS, DemoPortal
from parsers.template import APPLICANT_COLUMNS
from tests.conftest import FIXTURES, NIANBAO, as_printed
from tests.serving import free_port


def demo_report_count() -> int:
    return sum(len(reports) for reports in DemoPortal().reports.values())


def expected_reports() -> list[dict]:
    paths = sorted(FIXTURES.glob("seeds/*.expected.json")) + sorted(
        FIXTURES.glob("reports/*.expected.json")
    )
    return [
        as_printed(json.loads(path.read_text(encoding="utf-8")), path.name.split(".")[0])
        for path in paths
    ]


def expected_for(agency: str, year: int, expected: list[dict]) -> dict:
    """The expected report of the same year whose agency the stored agency names."""
    matches = [e for e in expected if e["year"] == year and e["agency"] in agency]
    assert len(matches) == 1, (agency, year)
    return matches[0]


def test_demo_crawls_builds_and_parses_every_demo_report(demo_data):
    with sqlite3.connect(demo_data / "nianbao.db") as db:
        reports = db.execute("select id, agency, year, format from reports").fetchall()
        assert len(reports) == demo_report_count()
        assert {fmt for *_, fmt in reports} == {"html", "pdf", "docx"}
        expected = expected_reports()
        # A year the catalogue makes by editing a fixture has no expected JSON of its own
        # (tests/test_report_pages.py checks it)
        derived = {p.title for p in CATALOGUE if p.edits}
        titles = dict(db.execute("select id, title from reports").fetchall())
        for report_id, agency, year, _ in reports:
            if titles[report_id] in derived:
                continue
            want = expected_for(agency, year, expected)["applications"]
            rows = db.execute(
                f"select row, {', '.join(APPLICANT_COLUMNS)} from applications where report_id = ?",
                [report_id],
            ).fetchall()
            got = {row: dict(zip(APPLICANT_COLUMNS, values, strict=True)) for row, *values in rows}
            for row in ("new_received", "granted", "total_processed", "carried_forward"):
                assert got[row] == want[row], (agency, year, row)


def test_demo_serves_datasette_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    demo = subprocess.Popen(
        [NIANBAO, "demo", "--data", str(tmp_path / "demo"), "--port", str(port)]
        + ["--portal-port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )
    try:
        url = wait_for_serve_url(demo, timeout=180)
        assert url == f"http://127.0.0.1:{port}/"
        rows = json.load(wait_for(f"{url}nianbao/reports.json?_shape=array&_size=max"))
        assert len(rows) == demo_report_count()
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert demo.wait(timeout=30) in (0, 130)  # 0 when Datasette noticed first
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGKILL)  # whatever is left of a failed test
    # Datasette went with it.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for_serve_url(process: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if line.startswith("nianbao serve: http://"):
            return line.split(": ", 1)[1].strip()
        assert time.monotonic() < deadline, "demo did not start serving in time"
    raise AssertionError(f"demo exited ({process.wait()}) before serving")


def wait_for(url: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_demo_refuses_a_directory_it_did_not_make(tmp_path):
    precious = tmp_path / "data"
    precious.mkdir()
    (precious / "nianbao.db").write_bytes(b"a journalist's database")
    result = subprocess.run(
        [NIANBAO, "demo", "--data", str(precious), "--portal-port", "0", "--no-serve"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--data" in result.stderr.strip().splitlines()[-1]
    assert (precious / "nianbao.db").read_bytes() == b"a journalist's database"


def test_demo_documents_are_links_to_the_fixtures():
    """One copy of each report: the demo publishes the fixture files through relative links
    (a wheel carries the files themselves), every file its catalogue places."""
    for path in DEFAULT_DOCUMENTS.iterdir():
        assert path.is_symlink() and not os.readlink(path).startswith("/"), path.name
        target = path.resolve()
        assert target.is_file() and target.parent.parent == FIXTURES.resolve(), path.name
    assert {p.name for p in DEFAULT_DOCUMENTS.iterdir()} == {p.file for p in CATALOGUE}
