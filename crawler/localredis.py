"""A throwaway redis-server on loopback: for the tests, the bench and trying `crawl --redis`.

It keeps nothing on disk (no RDB snapshot, no AOF) and listens on 127.0.0.1 only, on a free
port; with a password (requirepass) and with TLS (a self-signed certificate made with the
openssl command) when asked. A real deployment runs the Debian package's service instead
(see deploy/).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import redis


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedis:
    """`with LocalRedis() as server:` … `server.url` (redis://127.0.0.1:PORT/0, or
    rediss://:PASSWORD@127.0.0.1:PORT/0?ssl_ca_certs=… with a password and TLS)."""

    def __init__(self, binary: str | None = None, password: str | None = None, tls: bool = False):
        self.binary = binary or redis_server_binary()
        if self.binary is None:
            raise FileNotFoundError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        self.password, self.tls = password, tls
        self.port = 0
        self._process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    @property
    def certificate(self) -> Path:
        return Path(self._dir.name) / "cert.pem"

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        if not self.tls:
            return f"redis://{auth}127.0.0.1:{self.port}/0"
        return (
            f"rediss://{auth}127.0.0.1:{self.port}/0"
            f"?ssl_ca_certs={self.certificate}&ssl_cert_reqs=required"
        )

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def _options(self) -> list[str]:
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        options += ["--dir", self._dir.name]
        if self.password:
            options += ["--requirepass", self.password]
        if not self.tls:
            return ["--port", str(self.port), *options]
        key = Path(self._dir.name) / "key.pem"
        if not self.certificate.exists():
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                 "-keyout", str(key), "-out", str(self.certificate), "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1"],
                check=True, capture_output=True,
            )  # fmt: skip
        return [
            "--port", "0", "--tls-port", str(self.port), "--tls-cert-file", str(self.certificate),
            "--tls-key-file", str(key), "--tls-ca-cert-file", str(self.certificate),
            "--tls-auth-clients", "no", *options,
        ]  # fmt: skip

    def start(self) -> LocalRedis:
        self._dir = tempfile.TemporaryDirectory(prefix="nianbao-redis-")
        for _ in range(5):  # the free port may be taken between the probe and the bind
            self.port = _free_port()
            self._process = subprocess.Popen(
                [self.binary, *self._options()],
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
            except (redis.ConnectionError, redis.AuthenticationError):
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
