"""The SQLite database of ../shared/spec/database.md, written with sqlite-utils.

One writer per process. Each report is written in one transaction with its table rows, so a
crash leaves either the whole report or none of it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from archive.provenance import Provenance
from archive.search import index_text
from parsers.template import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_OUTCOMES

SCHEMA: dict[str, dict] = {
    "crawl_runs": {
        "columns": {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "portal": str,
            "status": str,
            "pages": int,
            "reports_new": int,
            "reports_changed": int,
            "blocked": int,
            "errors": int,
            "host": str,
            "pid": int,
            "note": str,
        },
        "pk": "id",
        "indexes": [["portal"], ["started_at"]],
    },
    "fetches": {
        "columns": {
            "id": int,
            "url": str,
            "status": int,
            "fetched_at": str,
            "content_type": str,
            "sha256": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "portal": str,
            "referer": str,
            "method": str,
            "etag": str,
            "last_modified": str,
            "blocked": int,
            "note": str,
            "length": int,
        },
        "pk": "id",
        "indexes": [["url"], ["sha256"], ["portal"]],
    },
    "texts": {
        "columns": {"sha256": str, "extractor": str, "text": str},
        "pk": "sha256",
    },
    "reports": {
        "columns": {
            "id": int,
            "url": str,
            "page_url": str,
            "title": str,
            "agency": str,
            "year": int,
            "template": str,
            "province": str,
            "level": str,
            "portal": str,
            "format": str,
            "sha256": str,
            "fetched_at": str,
            "text": str,
            "checks_failed": int,
            "fetch_id": int,
            "previous_id": int,
            "superseded_by": int,
            "warnings": str,
            "missing_rows": str,
            "overview": str,
            "problems": str,
            "other_matters": str,
        },
        "pk": "id",
        "foreign_keys": [("fetch_id", "fetches", "id")],
        "indexes": [
            ["url"],
            ["sha256"],
            ["year"],
            ["province"],
            ["template"],
            ["portal"],
            ["format"],
            ["checks_failed"],
        ],
    },
    "applications": {
        # year and province repeat the report's: a CSV of one year needs no join, and facets
        # on a million rows read a covering index instead of joining reports.
        "columns": {
            "id": int,
            "report_id": int,
            "year": int,
            "province": str,
            "row": str,
            "label": str,
            **dict.fromkeys(APPLICANT_COLUMNS, int),
        },
        "pk": "id",
        "foreign_keys": [("report_id", "reports", "id")],
        "indexes": [["report_id"], ["row"], ["year", "row"], ["province", "row"]],
    },
    "active_disclosure": {
        "columns": {
            "id": int,
            "report_id": int,
            "item": str,
            "parent": str,
            "field": str,
            "value": float,
        },
        "pk": "id",
        "foreign_keys": [("report_id", "reports", "id")],
        "indexes": [["report_id"], ["item"]],
    },
    "review_litigation": {
        "columns": {
            "id": int,
            "report_id": int,
            "kind": str,
            **dict.fromkeys(REVIEW_OUTCOMES, int),
        },
        "pk": "id",
        "foreign_keys": [("report_id", "reports", "id")],
        "indexes": [["report_id"]],
    },
    "checks": {
        "columns": {"id": int, "report_id": int, "name": str, "ok": int, "detail": str},
        "pk": "id",
        "foreign_keys": [("report_id", "reports", "id")],
        "indexes": [["report_id"], ["name"]],
    },
    # 年报 columns and 专题 pages the crawl found or was given: where the next crawl starts.
    "columns": {
        "columns": {
            "id": int,
            "portal": str,
            "url": str,
            "title": str,
            "found_by": str,  # registry, start-url, or "discovered from <url>"
            "entry": str,  # the URL the crawl started from when it found this column
            "first_seen": str,
            "last_checked": str,  # the last crawl that fetched it
            "last_seen": str,  # the last crawl in which it listed reports
            "reports": int,  # report links it listed in the last crawl that fetched it
        },
        "pk": "id",
        "indexes": [["portal"], ["url"], ["entry"]],
    },
}


# Tables with one or more rows per report, rewritten when a report is re-parsed.
TABLE_ROWS = ("applications", "active_disclosure", "review_litigation", "checks")


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


def open_database(path: Path | str) -> sqlite_utils.Database:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    ensure_schema(db)
    return db


def close_database(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the file: Datasette's immutable mode reads only the file."""
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, spec in SCHEMA.items():
        table = db[name]
        if not table.exists():
            table.create(
                spec["columns"],
                pk=spec.get("pk"),
                foreign_keys=spec.get("foreign_keys"),
                if_not_exists=True,
            )
        else:
            missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
            for column, kind in missing.items():
                table.add_column(column, kind)
        for columns in spec.get("indexes", []):
            table.create_index(columns, if_not_exists=True)
    ensure_search_index(db)


FTS_TABLE = "reports_fts"


def ensure_search_index(db: sqlite_utils.Database) -> None:
    db.execute(
        f"create virtual table if not exists [{FTS_TABLE}] using fts5("
        "title, agency, text, tokenize='unicode61')"
    )


def index_report(db: sqlite_utils.Database, report_id: int, row: dict) -> None:
    """(Re)index one report's title, agency and text for search (archive.search)."""
    db.execute(f"delete from [{FTS_TABLE}] where rowid = ?", [report_id])
    db.execute(
        f"insert into [{FTS_TABLE}] (rowid, title, agency, text) values (?, ?, ?, ?)",
        [
            report_id,
            index_text(row.get("title")),
            index_text(row.get("agency")),
            index_text(row.get("text")),
        ],
    )


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
    with db.conn:
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
    with db.conn:
        db["crawl_runs"].update(
            run_id, {"finished_at": finished_at, "status": status, "note": note, **counts}
        )
    return counts


def record_fetch(db: sqlite_utils.Database, fetch: dict) -> int:
    return db["fetches"].insert(fetch).last_pk


def latest_report(db: sqlite_utils.Database, url: str) -> dict | None:
    rows = db.query(
        "select r.id, r.sha256, f.etag, f.last_modified from reports r "
        "left join fetches f on f.id = r.fetch_id where r.url = ? and r.superseded_by is null "
        "order by r.id desc limit 1",
        [url],
    )
    return next(iter(rows), None)


def _report_row(report: dict, text: str | None, provenance: Provenance) -> dict:
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
        "fetched_at": provenance.fetched_at,
        "text": text,
        "checks_failed": sum(1 for c in report.get("checks", []) if c["ok"] is False),
        "fetch_id": provenance.fetch_id,
        "warnings": json.dumps(report.get("warnings", []), ensure_ascii=False),
        # template rows the report does not print (section.key), JSON; null for no template
        "missing_rows": (
            json.dumps(report["missing_rows"], ensure_ascii=False)
            if "missing_rows" in report
            else None
        ),
        "overview": sections.get("overview"),
        "problems": sections.get("problems"),
        "other_matters": sections.get("other"),
    }


def store_report(
    db: sqlite_utils.Database, report: dict, text: str | None, provenance: Provenance
) -> int | None:
    """Write a parsed report and its table rows; returns the new report id.

    The same bytes at the same URL are the same report version: its row is refreshed in
    place (a re-parse keeps ids stable) and None is returned. Changed bytes get a new row
    linked to the one they replace, which stays.
    """
    same = next(
        iter(
            db.query(
                "select id from reports where url = ? and sha256 = ?",
                [provenance.url, provenance.sha256],
            )
        ),
        None,
    )
    row = _report_row(report, text, provenance)
    with db.conn:
        if same:
            if provenance.fetch_id is None:
                row.pop("fetch_id")
            db["reports"].update(same["id"], row)
            for table in TABLE_ROWS:
                db.execute(f"delete from [{table}] where report_id = ?", [same["id"]])
            _insert_tables(db, same["id"], report, provenance.province)
            index_report(db, same["id"], row)
            return None
        previous = latest_report(db, provenance.url)
        row["previous_id"] = previous["id"] if previous else None
        report_id = db["reports"].insert(row).last_pk
        if previous:
            db["reports"].update(previous["id"], {"superseded_by": report_id})
        _insert_tables(db, report_id, report, provenance.province)
        index_report(db, report_id, row)
    return report_id


def _insert_tables(
    db: sqlite_utils.Database, report_id: int, report: dict, province: str | None = None
) -> None:
    labels = {spec.key: spec.label for spec in APPLICATION_ROWS}
    db["applications"].insert_all(
        {
            "report_id": report_id,
            "year": report.get("year"),
            "province": province,
            "row": key,
            "label": labels.get(key),
            **values,
        }
        for key, values in (report.get("applications") or {}).items()
    )
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
    db["active_disclosure"].insert_all(active)
    db["review_litigation"].insert_all(
        {"report_id": report_id, "kind": kind, **outcomes}
        for kind, outcomes in (report.get("review_litigation") or {}).items()
    )
    db["checks"].insert_all(
        {
            "report_id": report_id,
            "name": c["name"],
            "ok": None if c["ok"] is None else int(c["ok"]),
            "detail": c["detail"],
        }
        for c in report.get("checks") or []
    )


def store_text(db: sqlite_utils.Database, sha256: str, extractor: str, text: str) -> None:
    db["texts"].insert({"sha256": sha256, "extractor": extractor, "text": text}, replace=True)


# ---------------------------------------------------------------- 年报 columns


def record_column(
    db: sqlite_utils.Database,
    portal: str | None,
    url: str,
    checked_at: str,
    reports: int,
    *,
    title: str | None = None,
    found_by: str | None = None,
    entry: str | None = None,
) -> None:
    """A crawl fetched the column at `url` and it listed `reports` report links so far in this
    crawl. The first sighting keeps how it was found; later ones say when it was last checked
    and last seen listing reports."""
    row = db.execute(
        "select id from columns where portal is ? and url = ?", [portal, url]
    ).fetchone()
    seen = {"last_seen": checked_at} if reports else {}
    with db.conn:
        if row is None:
            db["columns"].insert(
                {
                    "portal": portal,
                    "url": url,
                    "title": title,
                    "found_by": found_by,
                    "entry": entry or url,
                    "first_seen": checked_at,
                    "last_checked": checked_at,
                    "reports": reports,
                    **seen,
                }
            )
        else:
            db["columns"].update(row[0], {"last_checked": checked_at, "reports": reports, **seen})


def live_columns(db: sqlite_utils.Database, portal: str | None, entry: str) -> list[str]:
    """Columns found from `entry` that listed reports the last time they were checked: where
    the next crawl of that entry starts."""
    rows = db.execute(
        "select url from columns where portal is ? and entry = ? and reports > 0 "
        "and last_seen is not null order by id",
        [portal, entry],
    )
    return [url for (url,) in rows]


def found_columns(path: Path | str) -> list[dict]:
    """Every column the crawls of the database at `path` remember, by portal; none when there
    is no such database yet."""
    if not Path(path).is_file():
        return []
    connection = open_read_only(path)
    connection.row_factory = sqlite3.Row
    try:
        return [
            dict(row)
            for row in connection.execute(
                "select portal, url, title, found_by, first_seen, last_seen, reports "
                "from columns order by portal, url"
            )
        ]
    except sqlite3.Error:  # a database from before columns were remembered
        return []
    finally:
        connection.close()
