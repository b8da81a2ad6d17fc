"""Reading documents in worker processes.

Reading a report is CPU-bound (trafilatura, pdfminer): in the crawler's process it holds up
the reactor, so fetching waits on parsing and one core does all the work. Worker processes
let the crawl fetch while documents are read, and a worker that dies on a hostile file takes
only that file with it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from parsers.text import ReadReport, read_report


class ReaderDied(Exception):
    """A worker process died while reading (killed by the OS, out of memory)."""


def default_processes() -> int:
    return min(4, os.cpu_count() or 1)


class ReaderPool:
    """`read_report` in `processes` worker processes (0: in the calling process)."""

    def __init__(self, processes: int | None = None):
        self.processes = default_processes() if processes is None else processes
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the parent runs a reactor and threads a fork would copy mid-flight
            self._executor = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._executor

    async def read(self, data: bytes, source: str) -> ReadReport | None:
        """read_report's result or exception; ReaderDied when the worker died twice on it."""
        if self.processes == 0:
            return read_report(data, source)
        for _ in range(2):
            pool = self._pool()
            try:
                return await asyncio.wrap_future(pool.submit(read_report, data, source))
            except BrokenProcessPool:
                # Every task of a broken pool fails; a second try in a fresh pool tells the
                # file that killed the worker from the files that were merely queued with it.
                if self._executor is pool:
                    self._executor = None
                    pool.shutdown(wait=False)
        raise ReaderDied("the reader process died on this file")

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
