"""The SQLite database of ../shared/spec/database.md, written with sqlite-utils.

One writer per process. Each report is written in one transaction with its table rows, so a
crash leaves either the whole report or none of it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from archive.derived import assign_agency, refresh_after_store
from archive.provenance import Provenance
from archive.rows import insert_row, write_checks, write_rows
from archive.schema import LOOKUPS, ensure_schema
from archive.search import index_report, unindex_report
from archive.versions import content_hash, stored_version, unchanged
from parsers.template import APPLICATION_ROWS

# Tables with one or more rows per report, rewritten when a report is re-parsed.
TABLE_ROWS = ("applications", "active_disclosure", "review_litigation", "legacy_figures", "checks")


LEGACY_FIELDS = ("key", "label", "unit", "value", "cumulative", "source", "sentence")

WORKERS_DIR = "workers"


def worker_database(data_dir: Path | str, tag: str) -> Path:
    """DIR/workers/HOST-PID.db: the database of one process of a distributed crawl.

    Its WARC files carry the same HOST-PID (archive.warc.process_tag), which is how
    `nianbao build` finds the provenance row of each of their records.
    """
    return Path(data_dir) / WORKERS_DIR / f"{tag}.db"


def open_read_only(path: Path | str) -> sqlite3.Connection:
    """Another process's database, read without taking a write lock or creating it."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def read_rows(path: Path | str, sql: str, params: list | tuple = ()) -> list[dict]:
    """The rows `sql` selects from another process's database; none when it cannot be read
    (not there yet, only begun by its writer, or of a schema without the table)."""
    try:
        connection = open_read_only(path)
    except sqlite3.Error:
        return []
    try:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]
    except sqlite3.Error:
        return []
    finally:
        connection.close()


def open_database(path: Path | str) -> sqlite_utils.Database:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    ensure_schema(db)
    return db


def close_database(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the file: the file alone then holds the whole database."""
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    column, lookup = LOOKUPS[table]
    keys = {row[column] for row in rows} - {None}  # a row no key names (legacy_figures)
    db.conn.executemany(f"insert or ignore into [{lookup}] (key) values (?)", [[k] for k in keys])
    write_rows(db, table, rows)


def start_run(
    db: sqlite_utils.Database, portal: str | None, started_at: str, host: str, pid: int
) -> int:
    row = {
        "started_at": started_at,
        "portal": portal,
        "status": "running",
        "host": host,
        "pid": pid,
    }
    with db.atomic():
        return db["crawl_runs"].insert(row).last_pk


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    finished_at: str,
    status: str,
    note: str | None = None,
    unreachable: int = 0,
) -> dict:
    """Close a run: count what its portal's fetches and reports became in its time window.

    `unreachable`: requests given up without a response (no fetch row to count them). A run
    that fetched nothing and met errors failed, whatever Scrapy's finish reason."""
    run = db["crawl_runs"].get(run_id)
    window = [run["started_at"], finished_at]
    portal_clause = "portal = ?" if run["portal"] else "portal is null"
    params = [*window, *([run["portal"]] if run["portal"] else [])]
    fetches = db.execute(
        "select count(*), coalesce(sum(blocked), 0), "
        "coalesce(sum(status >= 400 and not blocked and url not like '%/robots.txt'), 0) "
        "from fetches "
        f"where fetched_at >= ? and fetched_at <= ? and {portal_clause}",
        params,
    ).fetchone()
    reports = db.execute(
        "select coalesce(sum(previous_id is null), 0), coalesce(sum(previous_id is not null), 0) "
        f"from reports where fetched_at >= ? and fetched_at <= ? and {portal_clause}",
        params,
    ).fetchone()
    counts = {
        "pages": fetches[0],
        "blocked": fetches[1],
        "errors": fetches[2] + unreachable,
        "reports_new": reports[0],
        "reports_changed": reports[1],
    }
    if counts["pages"] == 0 and counts["errors"] > 0:
        status = "failed"
    with db.atomic():
        db["crawl_runs"].update(
            run_id, {"finished_at": finished_at, "status": status, "note": note, **counts}
        )
    return counts


def record_fetch(db: sqlite_utils.Database, fetch: dict) -> int:
    """Insert and commit a `fetches` row (Fetch.row); returns its id. One plain statement: it
    runs for every response, on the crawl's reactor thread."""
    with db.atomic():
        return insert_row(db, "fetches", fetch)


def latest_report(db: sqlite_utils.Database, url: str) -> dict | None:
    """The current version of the report at `url`, with the validators of its fetch and the
    record that holds its bytes (`record_id`: a revisit's is the record it refers to)."""
    rows = db.query(
        "select r.id, r.sha256, r.content_hash, r.agency_id, r.year, f.etag, f.last_modified, "
        "coalesce(f.refers_to, f.record_id) as record_id from reports r "
        "left join fetches f on f.id = r.fetch_id where r.url = ? and r.superseded_by is null "
        "order by r.id desc limit 1",
        [url],
    )
    return next(iter(rows), None)


def _report_row(
    report: dict, text: str | None, provenance: Provenance, extractor: str | None
) -> dict:
    sections = report.get("sections") or {}
    return {
        "url": provenance.url,
        "page_url": provenance.page_url,
        "title": report.get("title"),
        "agency": report.get("agency"),
        "year": report.get("year"),
        "template": report.get("template"),
        "province": provenance.province,
        "level": provenance.level,
        "portal": provenance.portal,
        "format": report.get("format"),
        "sha256": provenance.sha256,
        "content_hash": content_hash(report, text),
        "fetched_at": provenance.fetched_at,
        "text": text,
        "extractor": extractor,
        "checks_failed": sum(1 for c in report.get("checks", []) if c["ok"] is False),
        "fetch_id": provenance.fetch_id,
        "warnings": json.dumps(report.get("warnings", []), ensure_ascii=False),
        # template rows the report does not print (section.key), JSON; null for no template
        "missing_rows": (
            json.dumps(report["missing_rows"], ensure_ascii=False)
            if "missing_rows" in report
            else None
        ),
        # the OCR engine that read the text (null: a text layer), and its mean confidence
        "ocr": (report.get("ocr") or {}).get("engine"),
        "ocr_confidence": (report.get("ocr") or {}).get("mean_confidence"),
        "overview": sections.get("overview"),
        "problems": sections.get("problems"),
        "other_matters": sections.get("other"),
    }


def store_report(
    db: sqlite_utils.Database,
    report: dict,
    text: str | None,
    provenance: Provenance,
    extractor: str | None = None,
) -> int | None:
    """Write a parsed report and its table rows; returns the new report id, or None when
    the report is a version already stored.

    A report is a new version when what it says changed (archive.versions), not when its
    page's counter or date stamp did: a fetch of an unchanged report adds nothing. The
    version read again from the same fetch (a re-parse: `nianbao build`) is refreshed in
    place, so ids stay stable. A changed report gets a new row linked to the one it
    replaces, which stays. The report's agency (and the one it had, or its previous version
    had) is brought up to date: names, cross-year checks, figures. `extractor` names what
    made `text` from the bytes.
    """
    row = _report_row(report, text, provenance, extractor)
    same = stored_version(db, provenance)
    previous = None if same else latest_report(db, provenance.url)
    if previous and unchanged(previous, row):
        return None
    with db.atomic():
        row["agency_id"] = assign_agency(db, row)
        if same:
            if provenance.fetch_id is None:
                row.pop("fetch_id")
            report_id = same["id"]
            unindex_report(db, report_id)
            db["reports"].update(report_id, row)
            for table in TABLE_ROWS:
                db.execute(f"delete from [{table}] where report_id = ?", [report_id])
        else:
            row["previous_id"] = previous["id"] if previous else None
            report_id = insert_row(db, "reports", row)
            if previous:
                db.execute(
                    "update reports set superseded_by = ? where id = ?", [report_id, previous["id"]]
                )
        _insert_tables(db, report_id, report, provenance.province)
        index_report(db, report_id, row)
        refresh_after_store(db, report_id, row, same or previous)
    return None if same else report_id


def _insert_tables(
    db: sqlite_utils.Database, report_id: int, report: dict, province: str | None = None
) -> None:
    labels = {spec.key: spec.label for spec in APPLICATION_ROWS}
    applications = [
        {
            "report_id": report_id,
            "year": report.get("year"),
            "province": province,
            "row": key,
            "label": labels.get(key),
            **values,
        }
        for key, values in (report.get("applications") or {}).items()
    ]
    _insert_rows(db, "applications", applications)
    active = [
        {"report_id": report_id, "item": item, "parent": None, "field": field, "value": value}
        for item, fields in (report.get("active_disclosure") or {}).items()
        for field, value in fields.items()
    ]
    active += [
        {
            "report_id": report_id,
            "item": extra["label"],
            "parent": extra["parent"],
            "field": field,
            "value": value,
        }
        for extra in report.get("active_disclosure_extra") or []
        for field, value in extra["values"].items()
    ]
    _insert_rows(db, "active_disclosure", active)
    reviews = [
        {"report_id": report_id, "kind": kind, **outcomes}
        for kind, outcomes in (report.get("review_litigation") or {}).items()
    ]
    _insert_rows(db, "review_litigation", reviews)
    legacy = [
        {
            "report_id": report_id,
            "position": position,
            **{field: figure.get(field) for field in LEGACY_FIELDS},
        }
        for position, figure in enumerate(report.get("legacy_figures") or [], 1)
    ]
    _insert_rows(db, "legacy_figures", legacy)
    write_checks(db, report_id, report.get("checks") or [])
