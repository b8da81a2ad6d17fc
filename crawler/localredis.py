"""A throwaway redis-server on loopback: for the tests, the bench and trying `crawl --redis`.

It keeps nothing on disk (no RDB snapshot, no AOF) and listens on 127.0.0.1 only, on a free
port. A real deployment runs the Debian package's service instead (see deploy/).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

import redis


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedis:
    """`with LocalRedis() as server:` … `server.url` (redis://127.0.0.1:PORT/0)."""

    def __init__(self, binary: str | None = None):
        self.binary = binary or redis_server_binary()
        if self.binary is None:
            raise FileNotFoundError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        self.port = 0
        self._process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> LocalRedis:
        self._dir = tempfile.TemporaryDirectory(prefix="nianbao-redis-")
        for _ in range(5):  # the free port may be taken between the probe and the bind
            self.port = _free_port()
            self._process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    self._dir.name,
                ],  # fmt: skip
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_ready():
                return self
            self._process.kill()
            self._process.wait()
        raise RuntimeError("redis-server did not start")

    def _wait_ready(self, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                self.client().ping()
                return True
            except redis.ConnectionError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
