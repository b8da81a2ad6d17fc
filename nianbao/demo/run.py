"""`nianbao demo`: the whole path on the bundled demo portal — crawl, archive, build, serve.

The portal runs in this process; the crawl and Datasette run as the commands a user would
type (`nianbao crawl`, `nianbao serve`), so the demo exercises exactly what they get.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from crawler.run import setting_args
from nianbao.demo.portal import DemoPortal
from nianbao.serve import PortInUse, check_port_free

# A local portal needs no throttling; the delay still keeps the crawl polite in form.
DEMO_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0.05",
    "NIANBAO_PROGRESS_INTERVAL": "5",
    "LOG_LEVEL": "WARNING",
}


MARKER = ".nianbao-demo"  # written in the directories the demo owns and may empty


class DemoError(RuntimeError):
    """The demo cannot start; the message says why in one line."""


def fresh_demo_directory(data_dir: Path) -> None:
    """Empty a directory an earlier demo made; refuse one holding anything else.

    Each demo starts clean: its portal's URLs carry the port, and a second run on another
    port would otherwise add every report again under new URLs."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise DemoError(
                f"{data_dir} holds data the demo did not make: give another --data directory"
            )
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("made by `nianbao demo`, which empties it on each run\n")


def nianbao_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", *args]


def run(command: list[str], step: str) -> None:
    """Run one step; a failed step stops the demo with its name."""
    status = subprocess.run(command).returncode
    if status != 0:
        raise DemoError(f"{step} failed (exit status {status})")


def run_demo(
    data_dir: Path,
    port: int = 8001,
    portal_port: int = 8002,
    serve: bool = True,
    echo: Callable[[str], None] = print,
) -> None:
    """Crawl the demo portal into data_dir, build the database, then serve it until Ctrl-C."""
    host = "127.0.0.1"
    try:
        check_port_free(host, portal_port, "--portal-port")
        if serve:
            check_port_free(host, port, "--port")
    except PortInUse as error:
        raise DemoError(str(error)) from None
    fresh_demo_directory(data_dir)
    with DemoPortal(host=host, port=portal_port) as portal:
        echo(f"demo portal: {portal.home_url} (TRS, Hanweb and plain-list 年报 columns)")
        # From the home page, as a person would: the crawl finds the columns by the site's
        # navigation (首页 → 政务公开 → 政府信息公开年报) and the 专题 page by its banner.
        start_urls = ["--start-url", portal.home_url]
        settings = setting_args(DEMO_CRAWL_SETTINGS)
        data = ["--data", str(data_dir)]
        echo(
            "crawling it from its home page: every response is archived to WARC; the portal sets "
            "the traps real ones set (news and services to stay out of, a 404, a 412 anti-bot "
            "page, an off-site redirect, an endless pager)"
        )
        run(nianbao_command("crawl", *start_urls, "--portal", "demo", *data, *settings), "crawl")
        echo("building the database from the archive ...")
        run(nianbao_command("build", *data), "build")
        if not serve:
            return
        # The portal keeps running so each report's source link opens while the demo serves.
        serve_datasette(nianbao_command("serve", *data, "--port", str(port)), echo)


def serve_datasette(command: list[str], echo: Callable[[str], None]) -> None:
    echo("Ctrl-C stops the demo.")
    server = subprocess.Popen(command)
    try:
        status = server.wait()
    except KeyboardInterrupt:
        # A terminal's Ctrl-C reaches Datasette too; a SIGINT sent to us alone does not.
        echo("stopping ...")
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return
    if status != 0:
        raise DemoError(f"datasette exited with status {status}")
