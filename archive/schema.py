"""The database's tables (../shared/spec/database.md) as data, and bringing a file up to them.

`SCHEMA` lists every table with its columns, keys and indexes; `ensure_schema` creates what a
file lacks (tables, columns, foreign keys, indexes, the lookup tables of Chinese labels, the
series view, the search index and the facet counts), so a database of an older schema is
brought up to date when it is opened.
"""

from __future__ import annotations

import sqlite_utils

from archive import figures
from archive.facet_counts import ensure_facet_counts
from archive.search import ensure_search_index
from archive.series import ensure_series_view
from parsers.form_labels import ACTIVE_FIELD_LABELS, REVIEW_KIND_LABELS
from parsers.legacy_template import LEGACY_ROWS
from parsers.template import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_KINDS, REVIEW_OUTCOMES

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
            # archive.provenance: the record, the payload as received, what a revisit refers to
            "content_encoding": str,
            "location": str,
            "payload_digest": str,
            "record_id": str,
            "refers_to": str,
        },
        "pk": "id",
        "indexes": [["url"], ["sha256"], ["portal"], ["record_id"]],
    },
    "agencies": {
        # key: what archive.agencies merges on; name: the spelling most of its reports use
        "columns": {
            "id": int,
            "name": str,
            "province": str,
            "level": str,
            "portal": str,
            "names": str,
            "reports": int,
            "first_year": int,
            "last_year": int,
            "key": str,
        },
        "pk": "id",
        "indexes": [["province"], ["level"], ["name"]],
        "unique_indexes": [["key"]],
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
            "content_hash": str,  # archive.versions: what a new version is told by
            "fetched_at": str,
            "text": str,
            "checks_failed": int,
            "fetch_id": int,
            "previous_id": int,
            "superseded_by": int,
            "warnings": str,
            "missing_rows": str,
            "ocr": str,
            "ocr_confidence": float,
            "overview": str,
            "problems": str,
            "other_matters": str,
            "agency_id": int,
            "extractor": str,
        },
        "pk": "id",
        "foreign_keys": [("fetch_id", "fetches", "id"), ("agency_id", "agencies", "id")],
        # (year, facet column): the facets of one year's reports read an index, not the rows
        "indexes": [
            ["agency_id", "year"],
            ["url"],
            ["fetch_id"],  # whether a fetch was read already: asked for every report stored
            ["sha256"],
            ["year", "province"],
            ["year", "template"],
            ["year", "format"],
            ["year", "checks_failed"],
            ["year", "ocr"],
            ["province"],
            ["template"],
            ["portal"],
            ["format"],
            ["checks_failed"],
        ],
    },
    # The form's rows and table 四's kinds with their Chinese labels: facets on
    # applications.row and review_litigation.kind show the label (Datasette's foreign-key labels).
    "application_rows": {
        "columns": {"key": str, "label": str, "position": int, "templates": str},
        "pk": "key",
    },
    "review_kinds": {
        "columns": {"key": str, "label": str, "position": int},
        "pk": "key",
    },
    "active_fields": {
        "columns": {"key": str, "label": str},
        "pk": "key",
    },
    # What the rows of the old 统计表 (2008–2018) mean: legacy_figures.key with a Chinese label.
    "legacy_rows": {
        "columns": {"key": str, "label": str, "position": int},
        "pk": "key",
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
        "foreign_keys": [("report_id", "reports", "id"), ("row", "application_rows", "key")],
        # The facets of the whole table and of one year's or province's rows read
        # facet_counts; (year, province, row) serves a page of one province's year.
        "indexes": [["report_id"], ["row"], ["year", "province", "row"]],
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
        "foreign_keys": [("report_id", "reports", "id"), ("field", "active_fields", "key")],
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
        "foreign_keys": [("report_id", "reports", "id"), ("kind", "review_kinds", "key")],
        "indexes": [["report_id"]],
    },
    "legacy_figures": {
        # Reports before 2019: one row per row of the old 统计表 (or figure a sentence states).
        # value and cumulative are declared ANY (numeric affinity): counts stay integers,
        # amounts in 万元 stay reals.
        "columns": {
            "id": int,
            "report_id": int,
            "position": int,
            "key": str,
            "label": str,
            "unit": str,
            "value": "ANY",
            "cumulative": "ANY",
            "source": str,
            "sentence": str,
        },
        "pk": "id",
        "foreign_keys": [("report_id", "reports", "id"), ("key", "legacy_rows", "key")],
        "indexes": [["report_id"], ["key"]],
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
    "figures": {
        "columns": {
            **{c: str for c in figures.COLUMNS},
            **dict.fromkeys(("report_id", "agency_id", "year", "checks_failed"), int),
            **dict.fromkeys(figures.FIGURES, int),
        },
        "pk": "report_id",
        "foreign_keys": [("report_id", "reports", "id"), ("agency_id", "agencies", "id")],
        "indexes": [["province", "year"], ["year"], ["agency_id", "year"], ["level"]],
    },
}


# Indexes of an older schema that nothing reads any more: each one written costs every
# row stored another page (archive.facet_counts took over the facets they served).
RETIRED_INDEXES = ("idx_applications_year_row", "idx_applications_province_row")


def ensure_schema(db: sqlite_utils.Database) -> None:
    # Before this schema the body text was stored a second time, in texts.text.
    if db["texts"].exists():
        db["texts"].drop()
    older = [name for name in SCHEMA if db[name].exists()]
    for name, spec in SCHEMA.items():
        table = db[name]
        if not table.exists():
            table.create(
                spec["columns"],
                pk=spec.get("pk"),
                foreign_keys=spec.get("foreign_keys"),
                if_not_exists=True,
            )
        missing = {c: t for c, t in spec["columns"].items() if c not in table.columns_dict}
        for column, kind in missing.items():
            table.add_column(column, kind)
    _fill_lookup_tables(db)
    for name in older:  # once the lookup tables they point to are filled
        _add_foreign_keys(db, name, SCHEMA[name])
    for name, spec in SCHEMA.items():
        for columns in spec.get("indexes", []):
            db[name].create_index(columns, if_not_exists=True)
        for columns in spec.get("unique_indexes", []):
            db[name].create_index(columns, unique=True, if_not_exists=True)
    for index in RETIRED_INDEXES:
        db.execute(f"drop index if exists [{index}]")
    ensure_series_view(db)
    ensure_search_index(db)
    ensure_facet_counts(db)


def _add_foreign_keys(db: sqlite_utils.Database, name: str, spec: dict) -> None:
    """Foreign keys a table of an older schema lacks (sqlite-utils rewrites the table)."""
    have = {(fk.column, fk.other_table) for fk in db[name].foreign_keys}
    wanted = [fk for fk in spec.get("foreign_keys", []) if (fk[0], fk[1]) not in have]
    if wanted:
        db.add_foreign_keys([(name, *fk) for fk in wanted])


def _fill_lookup_tables(db: sqlite_utils.Database) -> None:
    db["application_rows"].upsert_all(
        (
            {"key": s.key, "label": s.label, "position": n, "templates": ",".join(s.templates)}
            for n, s in enumerate(APPLICATION_ROWS, 1)
        ),
        pk="key",
    )
    db["review_kinds"].upsert_all(
        (
            {"key": k, "label": REVIEW_KIND_LABELS[k], "position": n}
            for n, k in enumerate(REVIEW_KINDS, 1)
        ),
        pk="key",
    )
    db["active_fields"].upsert_all(
        ({"key": k, "label": label} for k, label in ACTIVE_FIELD_LABELS.items()), pk="key"
    )
    db["legacy_rows"].upsert_all(
        ({"key": r.key, "label": r.label, "position": n} for n, r in enumerate(LEGACY_ROWS, 1)),
        pk="key",
    )


# Lookup table of each column that refers to one: a key no lookup row names yet (a parser
# newer than this schema) gets a row without a label, rather than the report being refused.
LOOKUPS = {
    "applications": ("row", "application_rows"),
    "review_litigation": ("kind", "review_kinds"),
    "active_disclosure": ("field", "active_fields"),
    "legacy_figures": ("key", "legacy_rows"),
}
