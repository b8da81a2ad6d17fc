"""Chinese full-text search that works for two-character words.

SQLite's FTS5 `unicode61` keeps a run of Chinese characters as one token, so 复议 inside
行政复议案件 is never found; `trigram` needs queries of three characters or more. We index
overlapping character bigrams instead (行政复议 → 行政 政复 复议) and turn each query into a
phrase of its bigrams, so any word of two or more characters matches where it occurs, and a
single character matches as a prefix. Latin words and numbers stay whole words.

The index (reports_fts) holds only the index: its content is the reports table (FTS5's
external content), so the body text is stored once. The database writer keeps it in step
with index_report / unindex_report.
"""

from __future__ import annotations

import re

import sqlite_utils

_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([A-Za-z0-9]+)")


def _cjk_bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(text: str | None) -> str:
    """The text as FTS5 tokens: bigrams of each Chinese run, latin words as they are."""
    if not text:
        return ""
    tokens: list[str] = []
    for cjk, word in _RUNS.findall(text):
        tokens.extend(_cjk_bigrams(cjk) if cjk else [word.lower()])
    return " ".join(tokens)


def fts_query(query: str) -> str:
    """A user's search words as an FTS5 query over index_text(): every word must occur."""
    clauses = []
    for term in query.split():
        for cjk, word in _RUNS.findall(term):
            if cjk and len(cjk) == 1:
                clauses.append(f'"{cjk}"*')
            elif cjk:
                clauses.append('"' + " ".join(_cjk_bigrams(cjk)) + '"')
            else:
                clauses.append(f'"{word.lower()}"')
    return " ".join(clauses) or '""'


FTS_TABLE = "reports_fts"
# The search index holds only the index: its content is the reports table (external content),
# so the body text is stored once. What it indexes is archive.search's bigrams of each column.
FTS_SQL = (
    f"create virtual table [{FTS_TABLE}] using fts5(title, agency, text, "
    "content='reports', content_rowid='id', tokenize='unicode61')"
)


def ensure_search_index(db: sqlite_utils.Database) -> None:
    existing = db.execute("select sql from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    if existing and "content='reports'" in existing[0]:
        return
    if existing:  # an index of an older schema, with its own copy of the text
        db.execute(f"drop table [{FTS_TABLE}]")
    db.execute(FTS_SQL)
    rebuild_search_index(db)


def _index_tokens(row) -> list[str]:
    return [index_text(row["title"]), index_text(row["agency"]), index_text(row["text"])]


def rebuild_search_index(db: sqlite_utils.Database) -> None:
    """Index every report again (after a migration, or data written without store_report)."""
    db.execute(f"insert into [{FTS_TABLE}] ([{FTS_TABLE}]) values ('delete-all')")
    for row in db.query("select id, title, agency, text from reports"):
        _index_row(db, row["id"], _index_tokens(row))


def _index_row(db: sqlite_utils.Database, report_id: int, tokens: list[str]) -> None:
    db.execute(
        f"insert into [{FTS_TABLE}] (rowid, title, agency, text) values (?, ?, ?, ?)",
        [report_id, *tokens],
    )


def unindex_report(db: sqlite_utils.Database, report_id: int) -> None:
    """Take a report out of the search index before its row changes.

    An external-content index forgets a row only when told the tokens it indexed: they are
    made again from the row as it still is."""
    row = next(iter(db.query("select title, agency, text from reports where id = ?", [report_id])))
    db.execute(
        f"insert into [{FTS_TABLE}] ([{FTS_TABLE}], rowid, title, agency, text) "
        "values ('delete', ?, ?, ?, ?)",
        [report_id, *_index_tokens(row)],
    )


def index_report(db: sqlite_utils.Database, report_id: int, row: dict) -> None:
    """Index one report's title, agency and text for search (archive.search)."""
    _index_row(db, report_id, _index_tokens(row))
