"""Recovering WARC files that crashed writers on this host left open, and only those."""

from __future__ import annotations

import subprocess

from archive import warc
from archive.warc import WarcArchive, iter_records, recover


def test_recover_closes_only_this_hosts_dead_writers_files_and_reads_the_others_open_ones(
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
        # Another host's file: whether its writer lives cannot be told from here.
        elsewhere = tmp_path / "nianbao-20261122070000-crawler2-999999999-00001.warc.gz.open"
        elsewhere.write_bytes(finished.read_bytes() + b"half a record")
        assert recover(tmp_path) == [dead.name]
    finally:
        writer.kill()
    assert live.read_bytes() == b"a record being written"  # untouched, still open
    closed = tmp_path / dead.name.removesuffix(".open")
    assert closed.read_bytes() == finished.read_bytes()  # the unfinished record cut off
    assert elsewhere.read_bytes() == finished.read_bytes() + b"half a record"  # untouched
    # ... and read up to its last whole record, named as it will be once closed.
    read = [(file, info["url"]) for file, _, _, info, _ in iter_records(tmp_path)]
    assert sorted(read) == sorted(
        [
            (closed.name, "http://portal.test/a.html"),
            (elsewhere.name.removesuffix(".open"), "http://portal.test/a.html"),
        ]
    )
