"""Documents read in worker processes give what reading them in-process gives."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from parsers import ParseError
from parsers.body_text import parse_report_and_text
from parsers.pool import ParserPool
from tests.conftest import FIXTURES, NIANBAO

EXPECTED_NEW = 154  # pingtan-2025.expected.json: 新收政府信息公开申请数量, total


def test_worker_processes_parse_reports_and_raise_parse_errors():
    page = FIXTURES / "reports" / "pingtan-2025.html"
    data = page.read_bytes()
    pool = ParserPool(1)

    async def read_both():
        return await asyncio.gather(
            pool.parse(data, str(page)),
            pool.parse(b"%PDF-1.4 truncated", "broken.pdf"),
            return_exceptions=True,
        )

    try:
        in_worker, broken = asyncio.run(read_both())
    finally:
        pool.close()
    assert in_worker == parse_report_and_text(data, str(page))
    assert in_worker.report["applications"]["new_received"]["total"] == EXPECTED_NEW
    assert isinstance(broken, ParseError)


def test_pool_of_zero_parses_in_process():
    with pytest.raises(ParseError):
        asyncio.run(ParserPool(0).parse(b"", "empty.html"))


def test_parse_all_keeps_the_order_of_the_documents():
    pages = sorted((FIXTURES / "reports").glob("*.html"))
    jobs = [(page.name, page.read_bytes(), str(page), None) for page in pages]
    jobs.insert(1, ("broken.pdf", b"%PDF-1.4 truncated", "broken.pdf", "pdf"))
    pool = ParserPool(2)
    try:
        results = list(pool.parse_all(jobs, window=2))
    finally:
        pool.close()
    assert [key for key, _ in results] == [key for key, *_ in jobs]
    outcomes = dict(results)
    assert isinstance(outcomes["broken.pdf"], ParseError)
    pingtan = outcomes["pingtan-2025.html"].report["applications"]["new_received"]["total"]
    assert pingtan == EXPECTED_NEW


def test_without_worker_processes_documents_are_parsed_in_process(monkeypatch):
    # What a container without /dev/shm does to multiprocessing's semaphores.
    def no_semaphores(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr("parsers.pool.ProcessPoolExecutor", no_semaphores)
    page = FIXTURES / "reports" / "pingtan-2025.html"
    pool = ParserPool(2)
    [(_, read)] = list(pool.parse_all([("page", page.read_bytes(), str(page), None)]))
    assert pool.processes == 0
    assert read.report["applications"]["new_received"]["total"] == EXPECTED_NEW


def report_page(body: str) -> bytes:
    title = "某某县2023年政府信息公开工作年度报告"
    return (
        f"<html><head><meta charset=utf-8><title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>一、总体情况</p>{body}</body></html>"
    ).encode()


def huge_page(paragraphs: int = 600_000) -> bytes:
    """Many tiny paragraphs (6 MB): their parse tree needs hundreds of MB."""
    return report_page("<p>一</p>" * paragraphs)


def read_all(pool: ParserPool, jobs: list) -> dict:
    try:
        return dict(pool.parse_all(jobs))
    finally:
        pool.close()


def test_a_document_over_its_time_or_memory_is_refused_and_the_next_is_read():
    page = FIXTURES / "reports" / "pingtan-2025.html"
    report = ("report", page.read_bytes(), str(page), None)
    # A scanned report: reading it is OCR, about 8 s of CPU.
    scan = FIXTURES / "reports" / "scans" / "huaian-2024-scan.pdf"
    started = time.monotonic()
    slow = read_all(
        ParserPool(1, seconds=2), [("slow", scan.read_bytes(), str(scan), None), report]
    )
    huge = read_all(
        ParserPool(1, memory_mb=200), [("huge", huge_page(), "huge.html", None), report]
    )
    assert time.monotonic() - started < 60
    assert str(slow["slow"]) == "refused: takes more than 2 s of CPU to read"
    assert str(huge["huge"]) == "refused: needs more than 200 MB of memory to read"
    for read in (slow["report"], huge["report"]):
        assert read.report["applications"]["new_received"]["total"] == EXPECTED_NEW


def process_groups() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, process group) of every live process (not zombies), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except OSError:
            continue
        if state != "Z":
            found[int(stat.parent.name)] = (int(parent), int(group))
    return found


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_an_interrupted_conversion_leaves_no_libreoffice_behind(tmp_path):
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20_000))
    reader = subprocess.Popen(
        [NIANBAO, "parse", str(doc)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline, group = time.monotonic() + 60, None
    while group is None and time.monotonic() < deadline and reader.poll() is None:
        groups = [pg for parent, pg in process_groups().values() if parent == reader.pid]
        group = groups[0] if groups else None
        time.sleep(0.02)
    assert group is not None, "LibreOffice never started"
    reader.send_signal(signal.SIGINT)  # Ctrl-C in the reader's terminal (soffice has its own)
    reader.wait(30)
    time.sleep(0.5)
    assert [pid for pid, (_, pg) in process_groups().items() if pg == group] == []


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_reader_process_stopped_mid_conversion_leaves_no_libreoffice_behind(tmp_path):
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20_000)
    pool = ParserPool(1)
    try:
        pool.start()
        future = pool._submit(("doc", doc, "report.doc", "doc"))[1]  # noqa: SLF001
        deadline, group, worker = time.monotonic() + 60, None, None
        while group is None and time.monotonic() < deadline and not future.done():
            workers = {child.pid for child in multiprocessing.active_children()}
            found = [(pg, parent) for parent, pg in process_groups().values() if parent in workers]
            group, worker = found[0] if found else (None, None)
            time.sleep(0.02)
        assert group is not None, "LibreOffice never started"
        os.kill(worker, signal.SIGINT)  # Ctrl-C reaches the reader, not soffice's own session
        while worker in process_groups() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # soffice takes seconds to convert even a broken file: not done by now
        assert [pid for pid, (_, pg) in process_groups().items() if pg == group] == []
    finally:
        pool.close()
