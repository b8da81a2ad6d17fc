"""Chinese full-text search that works for two-character words.

SQLite's FTS5 `unicode61` keeps a run of Chinese characters as one token, so 复议 inside
行政复议案件 is never found; `trigram` needs queries of three characters or more. We index
overlapping character bigrams instead (行政复议 → 行政 政复 复议) and turn each query into a
phrase of its bigrams, so any word of two or more characters matches where it occurs, and a
single character matches as a prefix. Latin words and numbers stay whole words.
"""

from __future__ import annotations

import re

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
