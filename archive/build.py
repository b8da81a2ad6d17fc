"""`nianbao build`: (re)build the database from the WARC archive, without the network.

Every response and revisit record is indexed in `fetches` (records of other crawler processes
are merged in), and every archived report document is parsed again with the current parser.
Report ids stay stable across rebuilds: a report row is refreshed from the fetch it was read
from; a fetch of an unchanged report adds no row (archive.versions).

The build works on a copy of the database and publishes it in one transaction at the end:
Datasette, serving the database all along, answers from the old data until then and from the
new data after. It holds the crawl lock, so no crawl writes the database meanwhile.

A fetch row is rebuilt from its WARC record alone (archive.provenance): the record carries
everything the crawl stored about it. The columns a crawl found (where the next one starts) are
archived as metadata records and merged in again. The processes of a distributed crawl each wrote
DIR/workers/HOST-PID.db; their crawl_runs are copied over. Copy the warc/ and workers/ folders
of every machine into one DIR, and one build merges them all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.columns import COLUMN_RECORD, merge_column
from archive.database import (
    WORKERS_DIR,
    close_database,
    open_database,
    read_rows,
    record_fetch,
    store_report,
)
from archive.lock import crawl_lock
from archive.provenance import Fetch, Provenance
from archive.publish import publish, working_copy
from archive.warc import iter_records, recover
from parsers import ParseError
from parsers.formats import READERS, sniff_format
from parsers.pool import Job, ParserPool, WorkerDied

DOCUMENT_FORMATS = frozenset(READERS)  # every format a reader reads, images (OCR) included
# What a payload may decode to (the crawl's DOWNLOAD_MAXSIZE).
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


@dataclass
class BuildSummary:
    records: int = 0
    fetches_added: int = 0
    reports: int = 0
    reports_new: int = 0
    unreadable: int = 0
    runs_merged: int = 0  # crawl_runs copied from the databases of distributed workers
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.reports / self.seconds if self.seconds else 0
        return (
            f"{self.records} archived responses, {self.fetches_added} fetches added, "
            f"{self.reports} reports parsed ({self.reports_new} new), {self.unreadable} "
            f"unreadable, {self.seconds:.1f} s ({rate:.0f} reports/s)"
        )


def build(
    data_dir: Path,
    progress: Callable[[int], None] | None = None,
    errors: Callable[[str], None] | None = None,
    processes: int | None = None,
) -> BuildSummary:
    """Re-parse every archived report document of `data_dir` into `data_dir/nianbao.db`,
    reading documents in `processes` worker processes (default: one per core, up to 4).

    Raises archive.lock.CrawlLocked when a crawl holds the directory."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    summary = BuildSummary()
    with crawl_lock(data_dir, holder="a build"):
        recover(data_dir / "warc")
        live = data_dir / "nianbao.db"
        work = working_copy(live)
        db = open_database(work)
        try:
            summary.runs_merged = _merge_runs(db, data_dir)
            _merge_columns(db, data_dir)
            _read_documents(db, data_dir, summary, progress, errors, processes)
        finally:
            close_database(db)
        publish(work, live)
    summary.seconds = time.perf_counter() - started
    return summary


def _read_documents(db, data_dir: Path, summary: BuildSummary, progress, errors, processes):
    readers = ParserPool(processes)
    try:
        # Results come back in archive order, so report ids do not depend on worker timing.
        for (fetch_id, fetch), read in readers.parse_all(
            _documents(db, data_dir, summary, progress)
        ):
            outcome = _store(db, fetch_id, fetch, read)
            summary.reports += outcome in ("new", "same")
            summary.reports_new += outcome == "new"
            if outcome.startswith("unreadable") and errors:
                errors(f"{fetch.url}: {outcome}")
            summary.unreadable += outcome.startswith("unreadable")
    finally:
        readers.close()


def _documents(
    db, data_dir: Path, summary: BuildSummary, progress: Callable[[int], None] | None
) -> Iterator[Job]:
    """Index every response and revisit record in `fetches`; yield the report documents to
    read. A revisit is not read: the record it refers to holds the same bytes."""
    known = {
        (row["warc_file"], row["warc_offset"]): row["id"]
        for row in db.query("select id, warc_file, warc_offset from fetches")
    }
    report_fetches = {row["fetch_id"] for row in db.query("select fetch_id from reports")}
    for file, offset, length, info, payload in iter_records(data_dir / "warc", metadata=True):
        if info["type"] == "metadata":
            _replay(db, info, payload)
            continue
        summary.records += 1
        fetch, document = Fetch.from_record(info, payload, MAX_DOCUMENT_BYTES)
        fetch_id = known.get((file, offset))
        if fetch_id is None:
            fetch_id = record_fetch(db, fetch.row(file, offset, length))
            summary.fetches_added += 1
        candidate = fetch_id in report_fetches or (fetch.role == "document" and fetch.status == 200)
        fmt = sniff_format(document, fetch.url) if candidate and not fetch.refers_to else None
        if fmt in DOCUMENT_FORMATS:
            yield (fetch_id, fetch), document, fetch.url, fmt
        if progress:
            progress(length)  # archive bytes done: a measure that is known before the end


def _replay(db, info: dict, payload: bytes) -> None:
    """What a crawl concluded and archived as a metadata record, written into the database
    again: a column's sighting (archive.columns)."""
    if info["annotations"].get("kind") == COLUMN_RECORD:
        merge_column(db, json.loads(payload))


def _worker_databases(data_dir: Path) -> list[Path]:
    return sorted((data_dir / WORKERS_DIR).glob("*.db"))


def _worker_rows(data_dir: Path, table: str) -> Iterator[dict]:
    """The rows of `table` in every worker database, without their ids."""
    for path in _worker_databases(data_dir):
        for row in read_rows(path, f"select * from [{table}]"):
            row.pop("id")
            yield row


def _merge_runs(db, data_dir: Path) -> int:
    """Copy (or bring up to date) the crawl_runs of every worker database; returns how many."""
    merged = 0
    for run in _worker_rows(data_dir, "crawl_runs"):
        same = db.execute(
            "select id from crawl_runs where host = ? and pid = ? and started_at = ? "
            "and portal is ?",
            [run["host"], run["pid"], run["started_at"], run["portal"]],
        ).fetchone()
        if same:
            db["crawl_runs"].update(same[0], run)
        else:
            db["crawl_runs"].insert(run)
        merged += 1
    return merged


def _merge_columns(db, data_dir: Path) -> None:
    """Bring the columns the workers found into the archive's table, where the next crawl
    looks for them."""
    for column in _worker_rows(data_dir, "columns"):
        merge_column(db, column)


def _store(db, fetch_id: int, fetch: Fetch, read) -> str:
    """Store what reading one document gave: a report, None (not a report), or the error."""
    if isinstance(read, (ParseError, WorkerDied)):
        return f"unreadable: {read}"
    if isinstance(read, Exception):  # a parser bug must not stop the build
        return f"unreadable: internal error: {type(read).__name__}: {read}"
    if read is None:
        return "not a report"
    report, extractor, text = read
    # The stored row, not the record: a fetch indexed by an earlier build or by the crawl
    fetched_at, portal = db.execute(
        "select fetched_at, portal from fetches where id = ?", [fetch_id]
    ).fetchone()
    report_id = store_report(
        db,
        report,
        text,
        Provenance(
            url=fetch.document_url,
            page_url=fetch.page_url or fetch.url,
            sha256=fetch.sha256,
            fetched_at=fetched_at,
            fetch_id=fetch_id,
            portal=portal,
            province=fetch.province,
            level=fetch.level,
        ),
        extractor,
    )
    return "new" if report_id else "same"
