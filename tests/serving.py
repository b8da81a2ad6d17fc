"""Helpers of the tests that serve a database: a free port, the demo built, `nianbao serve`."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NIANBAO, ROOT

# Screenshots the browser tests take, for a person to look at.
ARTIFACTS = ROOT / "artifacts"

# Debian's Chromium, as the browser tests launch it: headless, offline, nothing fetched.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium_page(**options) -> Iterator:
    """A Playwright page in Debian's Chromium (skips the test where either is missing)."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(**options)
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo(data: Path) -> subprocess.CompletedProcess:
    """`nianbao demo --no-serve`: the demo portal crawled and built into `data`."""
    return subprocess.run(
        [NIANBAO, "demo", "--data", str(data), "--portal-port", "0", "--no-serve"],
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextlib.contextmanager
def serving(data: Path) -> Iterator[str]:
    """`nianbao serve --data DATA` on a free port, until the block ends; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [NIANBAO, "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=open(data / "serve.log", "w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def wait_for_server(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("datasette did not start")
