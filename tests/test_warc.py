"""Recovering WARC files that crashed writers left open, and only those."""

from __future__ import annotations

import subprocess

from archive import warc
from archive.warc import WarcArchive, recover


def test_recover_leaves_a_live_writers_file_alone_whatever_dashes_the_host_has(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(warc.socket, "gethostname", lambda: "ip-10-0-0-7.internal")
    writer = subprocess.Popen(["sleep", "30"])  # another live process on this host
    try:
        live = tmp_path / f"nianbao-20261122070000-ip-10-0-0-7-{writer.pid}-00001.warc.gz.open"
        live.write_bytes(b"a record being written")
        dead = tmp_path / "nianbao-20261122070000-ip-10-0-0-7-999999999-00001.warc.gz.open"
        archive = WarcArchive(tmp_path / "scratch")
        archive.write("http://portal.test/a.html", 200, "OK", [], b"<html>a</html>")
        archive.close()
        finished = next((tmp_path / "scratch").iterdir())
        dead.write_bytes(finished.read_bytes() + b"half a record")
        assert recover(tmp_path) == [dead.name]
    finally:
        writer.kill()
    assert live.read_bytes() == b"a record being written"  # untouched, still open
    closed = tmp_path / dead.name.removesuffix(".open")
    assert closed.read_bytes() == finished.read_bytes()  # the unfinished record cut off
