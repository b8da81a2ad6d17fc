"""Parsing documents in worker processes.

Parsing a report is CPU-bound (trafilatura, PDFium, OCR): in the crawler's process it holds up
the reactor, so fetching waits on parsing and one core does all the work; in `nianbao build`
it leaves every core but one idle. Worker processes parse while the caller fetches or writes,
and a worker that dies on a hostile file takes only that file with it.

Each document is bounded: a worker may spend `seconds` of CPU on it (RLIMIT_CPU, counted from
where the worker stands) within `memory_mb` of address space (RLIMIT_AS, converters included);
past either, the document is refused with a one-line ParseError and the worker goes on. A
worker that gives no answer in WALL_FACTOR × `seconds` is stuck where no signal reaches it:
its pool is stopped and the documents it held are read again in a new one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import pickle
import resource
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from parsers.body_text import ReportWithText, parse_report_and_text
from parsers.limits import MB, ParseError, one_line
from parsers.office import end_converters

logger = logging.getLogger(__name__)

# (key, bytes, source, format or None): a document to parse; the key comes back with it
Job = tuple[object, bytes, str, str | None]
Submitted = tuple[ProcessPoolExecutor | None, Future]


DOCUMENT_SECONDS = 120.0  # CPU one document may take (PDF_TIME_BUDGET and CONVERT_TIMEOUT fit)
DOCUMENT_MEMORY_MB = 2048  # address space of a worker while it reads one document
WALL_FACTOR = 3  # a worker silent for this many times the CPU limit is stuck
STOP_GRACE = 5.0  # seconds a stuck worker gets to end its converters before it is killed


class WorkerDied(Exception):
    """A worker process died while parsing (killed by the OS, out of memory)."""


class ReaderError(Exception):
    """A reader's own exception that cannot travel between processes (lxml's carry their
    error log), as one line: its type and message."""


def default_processes() -> int:
    return min(4, os.cpu_count() or 1)


class ParserPool:
    """`parse_report_and_text` in `processes` worker processes (0: in the calling process,
    without limits), each document within `seconds` of CPU and `memory_mb` of memory."""

    def __init__(
        self,
        processes: int | None = None,
        seconds: float = DOCUMENT_SECONDS,
        memory_mb: int = DOCUMENT_MEMORY_MB,
    ) -> None:
        self.processes = default_processes() if processes is None else processes
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._executor: ProcessPoolExecutor | None = None
        self._others: set[int] = set()  # child processes that are not this pool's workers
        self._slots: asyncio.Semaphore | None = None

    @property
    def wall(self) -> float:
        """Seconds to wait for one document's answer before the worker is taken as stuck."""
        return WALL_FACTOR * self.seconds

    async def parse(self, data: bytes, source: str) -> ReportWithText | None:
        """parse_report_and_text's result or exception, for a caller on an asyncio loop (the crawl)."""
        job = (None, data, source, None)
        if self._slots is None:
            self._slots = asyncio.Semaphore(2 * max(1, self.processes))
        # At most one document waits per worker (none idles between two): the wait for an
        # answer is the document's reading time plus at most one other's, not a whole queue's.
        async with self._slots:
            submitted = self._submit(job)
            for _ in range(2):
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(submitted[1]), self.wall)
                except BrokenProcessPool:
                    submitted = self._retry(job, submitted)
                except TimeoutError:
                    self._stop(submitted[0])
                    raise self._no_answer() from None
        raise WorkerDied("the worker process died on this file")

    def _no_answer(self) -> ParseError:
        return ParseError(f"refused: no answer in {self.wall:.0f} s (the reader was stopped)")

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
        # Jobs are started in order: the oldest job still waiting started no later than the
        # previous one's answer, so the wait is at least its reading time.
        for _ in range(2):
            try:
                return job[0], submitted[1].result(timeout=self.wall)
            except BrokenProcessPool:
                submitted = self._retry(job, submitted)
            except TimeoutError as error:
                if submitted[1].done():  # the reader's own TimeoutError
                    return job[0], error
                self._stop(submitted[0])
                return job[0], self._no_answer()
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
            executor = self._pool()
            return executor, executor.submit(_read, data, source, fmt, self.seconds)
        except (OSError, NotImplementedError) as error:
            # A container without /dev/shm cannot make the pool's semaphores: slower, but parsed.
            logger.warning("no worker processes (%s): parsing documents in this process", error)
            self._executor, self.processes = None, 0
            return self._submit(job)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._others = {child.pid for child in multiprocessing.active_children()}
            # spawn, not fork: the parent runs a reactor and threads fork would copy mid-flight
            self._executor = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.memory_mb,),
            )
        return self._executor

    def start(self) -> None:
        """Start the worker processes now: each takes a second or two to import the readers,
        which the first documents would otherwise wait for."""
        if not self.processes:
            return
        try:
            executor = self._pool()
            for _ in range(self.processes):
                executor.submit(_warm)
        except (OSError, NotImplementedError):
            pass  # the first document finds out again, and says so

    def _retry(self, job: Job, broken: Submitted) -> Submitted:
        # Every task of a broken pool fails; a second try in a fresh pool tells the file that
        # killed the worker from the files that were merely queued with it.
        if broken[0] is not None and self._executor is broken[0]:
            self._executor = None
            broken[0].shutdown(wait=False)
        return self._submit(job)

    def _stop(self, executor: ProcessPoolExecutor | None) -> None:
        """End a pool with a stuck worker: its processes are asked to stop (a worker ends its
        converter's process group on the way out), then killed. The documents the others held
        fail with BrokenProcessPool and are read again in a new pool (_retry)."""
        if executor is None:
            return
        if self._executor is executor:
            self._executor = None
        workers = [p for p in multiprocessing.active_children() if p.pid not in self._others]
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(STOP_GRACE)
            if worker.is_alive():
                worker.kill()
                worker.join()
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


# ---------------------------------------------------------------- in the worker process


class _OverTime(BaseException):
    """SIGXCPU: the document's CPU time is spent. Not an Exception, which readers may catch."""


_memory_mb = 0


def _start_worker(memory_mb: int) -> None:
    global _memory_mb
    _memory_mb = memory_mb
    # Ctrl-C (the terminal interrupts the whole process group) and SIGTERM (the pool stopping
    # a stuck worker, systemd) end a worker at once: a KeyboardInterrupt would be the result
    # of the document it was reading and it would go on with the documents queued to it. Its
    # converters (soffice, in a session of their own) are ended first: the default actions
    # would leave them behind.
    signal.signal(signal.SIGINT, _end_now)
    signal.signal(signal.SIGTERM, _end_now)
    signal.signal(signal.SIGXCPU, _over_time)
    if memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (_within(limit, hard), hard))


def _warm() -> None:
    """Nothing: unpickling this call in a new worker imports the readers."""


def _end_now(signum: int, frame) -> None:
    end_converters()
    os._exit(128 + signum)


def _over_time(signum: int, frame) -> None:
    raise _OverTime


def _within(limit: int, hard: int) -> int:
    return limit if hard == resource.RLIM_INFINITY else min(limit, hard)


def _read(data: bytes, source: str, fmt: str | None, seconds: float) -> ReportWithText | None:
    """parse_report_and_text within `seconds` of CPU from now and the worker's memory limit."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    # RLIMIT_CPU counts the process's whole life: the limit is set from where it stands.
    limit = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (_within(limit, hard), hard))
    peak = _peak_memory()
    try:
        return parse_report_and_text(data, source, fmt)
    except _OverTime:
        raise ParseError(f"refused: takes more than {seconds:g} s of CPU to read") from None
    except ParseError:
        raise
    except Exception as error:
        # Out of memory shows as MemoryError in Python code, as a parse error from C
        # libraries (libxml2: "unknown error"): told apart by how close this read came.
        if isinstance(error, MemoryError) or _reached_memory_limit(peak):
            raise ParseError(
                f"refused: needs more than {_memory_mb} MB of memory to read"
            ) from None
        try:
            pickle.dumps(error)
        except Exception:
            raise ReaderError(f"{type(error).__name__}: {one_line(error)}") from None
        raise
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))


def _peak_memory() -> int:
    """The worker's peak address space so far (VmPeak), in bytes; 0 where /proc has none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reached_memory_limit(peak_before: int) -> bool:
    """This read raised the worker's peak to within 10% of its memory limit."""
    peak = _peak_memory()
    return bool(_memory_mb) and peak > peak_before and peak >= 0.9 * _memory_mb * MB
