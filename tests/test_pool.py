"""Documents read in worker processes give what reading them in-process gives."""

from __future__ import annotations

import asyncio

import pytest

from parsers import ParseError
from parsers.body_text import parse_report_and_text
from parsers.pool import ParserPool
from tests.conftest import FIXTURES

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
