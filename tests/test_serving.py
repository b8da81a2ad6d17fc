"""`nianbao serve` while the database changes under it: a real Datasette process, a real build."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request

from archive.build import build
from archive.lock import crawl_lock
from archive.warc import WarcArchive
from tests.conftest import FIXTURES, NIANBAO
from tests.sample_archive import DOCUMENTS, write_sample_archive
from tests.serving import serving

COUNT = "/nianbao.json?sql=select+count(*)+as+n+from+reports&_shape=array"


def poll(base: str, stop: threading.Event, seen: list) -> None:
    """Ask, as a reader would, how many reports there are, until told to stop."""
    while not stop.is_set():
        try:
            with urllib.request.urlopen(base + COUNT, timeout=30) as response:
                seen.append(json.load(response)[0]["n"])
        except (urllib.error.URLError, OSError, ValueError) as error:
            seen.append(f"error: {error}")
        time.sleep(0.02)


def test_a_build_while_datasette_serves_answers_every_request_old_data_then_new(tmp_path):
    write_sample_archive(tmp_path)
    build(tmp_path)
    stop, seen = threading.Event(), []
    with serving(tmp_path) as base:
        reader = threading.Thread(target=poll, args=(base, stop, seen))
        reader.start()
        try:
            add_a_report(tmp_path)
            while len(seen) < 5:
                time.sleep(0.05)
            rebuilt = subprocess.run(
                [NIANBAO, "build", "--data", str(tmp_path)], capture_output=True, text=True
            )
            assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
            done = len(seen)
            while len(seen) < done + 5:
                time.sleep(0.05)
        finally:
            stop.set()
            reader.join(60)
    old, new = len(DOCUMENTS), len(DOCUMENTS) + 1
    assert [n for n in seen if not isinstance(n, int)] == []  # every request answered
    first_new = seen.index(new)
    assert set(seen[:first_new]) == {old} and set(seen[first_new:]) == {new}, seen
    assert first_new >= 5  # the old data was served while the build ran


def add_a_report(data) -> None:
    """One more report archived, for the next build to find."""
    archive = WarcArchive(data / "warc", prefix="later")
    url = "http://portal.test/nianbao/later/000.txt"
    text = (FIXTURES / "seeds" / "000_bd46ccaa43edb311.txt").read_bytes()
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    archive.write(url, 200, "OK", headers, text, annotations={"Role": "document", "Page": url})
    archive.close()


def test_a_build_waits_for_no_crawl(tmp_path):
    """A build beside a running crawl would read WARC files being written and replace the
    database under the crawl's feet: it says who holds the directory and exits 75."""
    write_sample_archive(tmp_path)
    with crawl_lock(tmp_path):
        result = subprocess.run(
            [NIANBAO, "build", "--data", str(tmp_path)], capture_output=True, text=True
        )
    assert result.returncode == 75
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"nianbao build: another crawl is running on {tmp_path} (a crawl: pid ")
    )
    assert not (tmp_path / "nianbao.db").exists()
