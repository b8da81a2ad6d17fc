"""Distributed crawls: several `nianbao crawl --redis` processes, a real redis-server, the mock
portals; one process is killed mid-crawl and `nianbao build` merges what all of them archived."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.database import worker_database
from archive.warc import short_host, writer_tag
from crawler import serializer
from crawler.localredis import LocalRedis, redis_server_binary
from crawler.run import CrawlLocked, crawl_lock
from nianbao.demo.portal import DEFAULT_DOCUMENTS, KINDS, DemoPortal
from tests.archive_checks import assert_archive_backs_every_fetch, query
from tests.conftest import NIANBAO

PREFIX = "nianbao"
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "LOG_LEVEL=INFO",
    # A killed process's requests go back to the queue 3 s after its last heartbeat.
    "-s", "NIANBAO_REDIS_WORKER_TIMEOUT=3",
]  # fmt: skip
SEED = (DEFAULT_DOCUMENTS / "004_3cdcdf96041af72f.txt").read_text(encoding="utf-8")


@pytest.fixture
def redis_server():
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (Debian package redis-server: make system-deps)")
    with LocalRedis() as server:
        yield server


def publish_more(portal: DemoPortal, per_kind: int) -> None:
    """More reports in every column, so that the crawl lasts long enough to kill a process."""
    for kind in KINDS:
        for n in range(per_kind):
            town = f"{kind}{n}镇"
            portal.add_report(
                kind, f"{town}人民政府2022年政府信息公开工作年度报告", SEED.replace("锦屏镇", town)
            )


def expected_documents(portal: DemoPortal) -> list[str]:
    return sorted(r.document_url for reports in portal.reports.values() for r in reports)


def worker_command(portal: DemoPortal, data: Path, url: str, settings: list[str]) -> list[str]:
    urls = [a for column in portal.column_urls.values() for a in ("--start-url", column)]
    return [
        NIANBAO,
        "crawl",
        *urls,
        "--portal",
        "demo",
        "--data",
        str(data),
        "--redis",
        url,
        *FAST,
        *settings,
    ]


def start_worker(command: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as handle:
        return subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True
        )


def fetch_count(data: Path, pid: int) -> int:
    path = worker_database(data, f"{short_host()}-{pid}")
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as db:
            return db.execute("select count(*) from fetches").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def held_requests(client, pid: int) -> list[str]:
    """URLs of the requests process `pid` took from the shared queue and has not finished."""
    urls = []
    for key in client.scan_iter(f"{PREFIX}:processing:{short_host()}-{pid}-*"):
        urls += [serializer.loads(data)["url"] for data in client.hvals(key)]
    return urls


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:]


def test_workers_share_the_crawl_survive_a_kill_and_build_merges_every_report_once(
    redis_server, tmp_path
):
    data = tmp_path / "data"
    client = redis_server.client()
    settings = ["-s", "CONCURRENT_REQUESTS=2", "-s", "NIANBAO_DOMAIN_DELAY=0"]
    with DemoPortal(latency=0.2) as portal:
        publish_more(portal, 8)
        command = worker_command(portal, data, redis_server.url, settings)
        workers = [start_worker(command, tmp_path / f"worker{n}.log") for n in range(3)]
        # Kill the first process seen holding requests after it archived a few responses.
        victim, held, deadline = None, [], time.monotonic() + 60
        while victim is None and time.monotonic() < deadline:
            for worker in workers:
                if fetch_count(data, worker.pid) >= 3 and held_requests(client, worker.pid):
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
                    killed_at = time.time()  # the clock the portal records arrivals by
                    victim, held = worker, held_requests(client, worker.pid)
                    break
            time.sleep(0.02)
        assert victim is not None, "no process was ever busy: " + log_tail(tmp_path / "worker0.log")
        assert held, "the killed process held no request"
        # A process started now joins the crawl in progress.
        workers.append(start_worker(command, tmp_path / "joined.log"))
        for n, worker in enumerate(workers):
            if worker is not victim:
                log = tmp_path / (f"worker{n}.log" if n < 3 else "joined.log")
                assert worker.wait(timeout=120) == 0, log_tail(log)
        # What the dead process held was fetched again, by the others, after the kill.
        again = {path for arrived, _, path in portal.request_times if arrived > killed_at}
        for url in held:
            parts = urlsplit(url)
            if parts.hostname == "127.0.0.1" and not parts.path.startswith("/private/"):
                assert parts.path + (f"?{parts.query}" if parts.query else "") in again, url
        documents = expected_documents(portal)

    # The crawl is over: nothing queued or held, and the seen-set cleared for the next run.
    assert client.zcard(f"{PREFIX}:requests") == 0
    assert not list(client.scan_iter(f"{PREFIX}:processing:*"))
    assert not client.exists(f"{PREFIX}:dupefilter")

    build = subprocess.run(
        [NIANBAO, "build", "--data", str(data)], capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stderr[-3000:]
    urls = sorted(url for (url,) in query(data, "select url from reports"))
    assert urls == documents  # every report, none twice
    # Each process wrote its own WARC files; every fetch row points at its record.
    writers = {writer_tag(path.name) for path in (data / "warc").iterdir()}
    assert f"{short_host()}-{victim.pid}" in writers and len(writers) >= 3
    assert_archive_backs_every_fetch(data)
    # The provenance of the processes' own databases is merged: their runs, the blocked flag.
    pids = {pid for (pid,) in query(data, "select pid from crawl_runs")}
    assert pids == {worker.pid for worker in workers}
    assert query(data, "select count(*) from fetches where blocked = 1")[0][0] >= 1


class Bookings:
    """The start times crawl processes book for one host in Redis (SharedDomainDelay), read
    from Redis's MONITOR stream: each reservation's script SETs the host's key to its start
    plus the delay, in milliseconds of Redis's clock."""

    END = "end-of-bookings"

    def __init__(self, server: LocalRedis, host: str, delay_ms: int):
        self.server, self.key, self.delay_ms = server, f"nianbao:delay:{host}", delay_ms
        self.starts: list[int] = []
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        with self.server.client().monitor() as monitor:
            self._listening.set()
            for entry in monitor.listen():
                words = entry["command"].split()
                if words[:2] == ["SET", self.key]:
                    self.starts.append(int(words[2]) - self.delay_ms)
                elif words[-1:] == [self.END]:
                    return

    def __enter__(self) -> Bookings:
        self._thread.start()
        assert self._listening.wait(10), "MONITOR did not start"
        return self

    def __exit__(self, *exc) -> None:
        self.server.client().echo(self.END)  # what MONITOR shows last: every booking before
        self._thread.join(10)


def test_the_domain_delay_holds_across_processes(redis_server, tmp_path):
    delay, delay_ms = 0.15, 150
    settings = [
        "-s", "CONCURRENT_REQUESTS=2",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "-s", f"NIANBAO_DOMAIN_DELAY={delay}",
    ]  # fmt: skip
    with DemoPortal() as portal:
        command = worker_command(portal, tmp_path, redis_server.url, settings)
        with Bookings(redis_server, "127.0.0.1", delay_ms) as bookings:
            workers = [start_worker(command, tmp_path / f"worker{n}.log") for n in range(2)]
            for n, worker in enumerate(workers):
                assert worker.wait(timeout=120) == 0, log_tail(tmp_path / f"worker{n}.log")
        arrivals = sorted(arrived for arrived, _, _ in portal.request_times)
    # Both processes fetched: the limit is one for all, not one per process.
    assert all(fetch_count(tmp_path, worker.pid) > 0 for worker in workers)
    # The slots both processes booked are `delay` apart, to the millisecond.
    starts = sorted(bookings.starts)
    assert len(starts) > 20
    assert min(later - earlier for earlier, later in pairwise(starts)) >= delay_ms
    # Every request that reached the portal booked a slot and was sent no earlier than it:
    # the k-th arrival is no earlier than the k-th slot. Arrivals are measured where the
    # portal's thread records them, later than they were sent by however busy the machine
    # is, so gaps between arrivals may shrink under load; a request sent before its slot
    # arrives before it, however idle the machine. (Redis's TIME, read in whole
    # milliseconds in the script, and time.time() are the same clock.)
    assert len(arrivals) == len(starts)
    early = [(a, s / 1000) for a, s in zip(arrivals, starts, strict=True) if a < s / 1000 - 0.001]
    assert early == [], early[:5]


def test_a_second_distributed_crawl_asks_only_for_changes(redis_server, tmp_path):
    settings = ["-s", "NIANBAO_DOMAIN_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]
    with DemoPortal() as portal:
        command = worker_command(portal, tmp_path, redis_server.url, settings)
        for run in range(2):
            portal.requests.clear()
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr[-3000:]
            build = subprocess.run(
                [NIANBAO, "build", "--data", str(tmp_path)], capture_output=True, text=True
            )
            assert build.returncode == 0, build.stderr[-3000:]
            reports = query(tmp_path, "select id, url, sha256 from reports order by id")
            if run == 0:
                first = reports
        conditional = [
            path
            for _, path, headers in portal.requests
            if "If-None-Match" in headers or "If-Modified-Since" in headers
        ]
    # The run started over (the seen-set of the first was cleared), found nothing new, and
    # asked for every report it knew from the built archive only if it had changed.
    assert reports == first and len(first) == len(expected_documents(portal))
    assert len(conditional) == len(first)


def test_processes_of_a_distributed_crawl_share_the_directory_a_solo_crawl_does_not(tmp_path):
    with crawl_lock(tmp_path, shared=True), crawl_lock(tmp_path, shared=True):
        with pytest.raises(CrawlLocked, match="a distributed crawl"), crawl_lock(tmp_path):
            pass
    with crawl_lock(tmp_path):
        with pytest.raises(CrawlLocked), crawl_lock(tmp_path, shared=True):
            pass


class Opens:
    """What a pickled payload can do when unpickled: here, create a file."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_a_crawl_through_redis_with_a_password_and_tls_never_unpickles(tmp_path):
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    secret = "s3cret-of-the-crawl"
    with LocalRedis(password=secret, tls=True) as server, DemoPortal() as portal:
        # Someone who can write to Redis queues a pickle: a pickle-reading crawler would run it.
        planted = tmp_path / "planted"
        server.client().zadd(f"{PREFIX}:requests", {pickle.dumps(Opens(planted)): -100})
        # ... or JSON naming a method that is not one of the spider's own as its callback.
        foreign = serializer.dumps({"url": f"{portal.base_url}/planted", "callback": "log"})
        server.client().zadd(f"{PREFIX}:requests", {foreign: -100})
        command = worker_command(portal, tmp_path, "", ["-s", "NIANBAO_DOMAIN_DELAY=0"])
        command = command[: command.index("--redis")] + command[command.index("--redis") + 2 :]
        # The URL, password included, comes from the environment, not the command line.
        env = {**os.environ, "NIANBAO_REDIS": server.url}
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "dropped an undecodable request" in result.stderr
        assert "refused callback 'log'" in result.stderr
        assert not planted.exists()
        [database] = (tmp_path / "workers").glob("*.db")
        with sqlite3.connect(database) as db:
            assert db.execute("select count(*) from reports").fetchone()[0] > 0
        wrong = {**os.environ, "NIANBAO_REDIS": server.url.replace(secret, "not-the-password")}
        refused = subprocess.run(command, env=wrong, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 75
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("nianbao crawl: Redis at rediss://:***@127.0.0.1:")
    assert "not-the-password" not in line and secret not in result.stderr
