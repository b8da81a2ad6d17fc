"""Parsing documents in worker processes.

Parsing a report is CPU-bound (trafilatura, pdfminer): in the crawler's process it holds up
the reactor, so fetching waits on parsing and one core does all the work; in `nianbao build`
it leaves every core but one idle. Worker processes parse while the caller fetches or writes,
and a worker that dies on a hostile file takes only that file with it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from parsers.body_text import ReportWithText, parse_report_and_text

logger = logging.getLogger(__name__)

# (key, bytes, source, format or None): a document to parse; the key comes back with it
Job = tuple[object, bytes, str, str | None]
Submitted = tuple[ProcessPoolExecutor | None, Future]


class WorkerDied(Exception):
    """A worker process died while parsing (killed by the OS, out of memory)."""


def default_processes() -> int:
    return min(4, os.cpu_count() or 1)


class ParserPool:
    """`parse_report_and_text` in `processes` worker processes (0: in the calling process)."""

    def __init__(self, processes: int | None = None):
        self.processes = default_processes() if processes is None else processes
        self._executor: ProcessPoolExecutor | None = None

    async def parse(self, data: bytes, source: str) -> ReportWithText | None:
        """parse_report_and_text's result or exception, for a caller on an asyncio loop (the crawl)."""
        job = (None, data, source, None)
        submitted = self._submit(job)
        for _ in range(2):
            try:
                return await asyncio.wrap_future(submitted[1])
            except BrokenProcessPool:
                submitted = self._retry(job, submitted)
        raise WorkerDied("the worker process died on this file")

    def parse_all(
        self, jobs: Iterable[Job], window: int | None = None
    ) -> Iterator[tuple[object, ReportWithText | None | Exception]]:
        """(key, parse_report_and_text's result or exception) for each job, in the jobs' order,
        with up to `window` documents parsed ahead. `jobs` is consumed lazily, as results are taken."""
        window = window or 4 * max(1, self.processes)
        pending: deque[tuple[Job, Submitted]] = deque()
        for job in jobs:
            pending.append((job, self._submit(job)))
            if len(pending) >= window:
                yield self._outcome(*pending.popleft())
        while pending:
            yield self._outcome(*pending.popleft())

    def _outcome(self, job: Job, submitted: Submitted):
        for _ in range(2):
            try:
                return job[0], submitted[1].result()
            except BrokenProcessPool:
                submitted = self._retry(job, submitted)
            except Exception as error:
                return job[0], error
        return job[0], WorkerDied("the worker process died on this file")

    def _submit(self, job: Job) -> Submitted:
        _, data, source, fmt = job
        if self.processes == 0:
            done: Future = Future()
            try:
                done.set_result(parse_report_and_text(data, source, fmt))
            except Exception as error:
                done.set_exception(error)
            return None, done
        try:
            if self._executor is None:
                # spawn, not fork: the parent runs a reactor and threads fork would copy mid-flight
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=multiprocessing.get_context("spawn")
                )
            return self._executor, self._executor.submit(parse_report_and_text, data, source, fmt)
        except (OSError, NotImplementedError) as error:
            # A container without /dev/shm cannot make the pool's semaphores: slower, but parsed.
            logger.warning("no worker processes (%s): parsing documents in this process", error)
            self._executor, self.processes = None, 0
            return self._submit(job)

    def _retry(self, job: Job, broken: Submitted) -> Submitted:
        # Every task of a broken pool fails; a second try in a fresh pool tells the file that
        # killed the worker from the files that were merely queued with it.
        if broken[0] is not None and self._executor is broken[0]:
            self._executor = None
            broken[0].shutdown(wait=False)
        return self._submit(job)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
