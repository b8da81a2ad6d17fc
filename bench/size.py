"""Bytes per report: the database built from an archive of the demo's real reports.

Each document is archived `copies` times under its own URL (as many portals publish many
reports); the database's size over the number of reports is what a national archive costs
per report. dbstat splits it by table, so a change shows where the bytes went.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parent.parent / "nianbao" / "demo" / "documents"
CONTENT_TYPES = {
    ".html": "text/html",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}


def archive_copies(warc_dir: Path, copies: int) -> int:
    from archive.warc import WarcArchive

    documents = sorted(p for p in DOCUMENTS.iterdir() if p.suffix in CONTENT_TYPES)
    archive = WarcArchive(warc_dir)
    for n in range(copies):
        for path in documents:
            url = f"http://portal.test/{n}/{path.name}"
            annotations = {"Role": "document", "Page": url, "Portal": "bench"}
            headers = [("Content-Type", CONTENT_TYPES[path.suffix])]
            archive.write(url, 200, "OK", headers, path.read_bytes(), annotations=annotations)
    archive.close()
    return copies * len(documents)


def measure(copies: int = 12) -> tuple[float, dict[str, int], int]:
    """(bytes per report, bytes by table, reports) of a database built from `copies` copies."""
    from archive.build import build

    with tempfile.TemporaryDirectory() as tmp:
        archive_copies(Path(tmp) / "warc", copies)
        summary = build(Path(tmp))
        path = Path(tmp) / "nianbao.db"
        with sqlite3.connect(path) as conn:
            conn.execute("vacuum")
            tables = dict(
                conn.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc")
            )
        return sum(tables.values()) / summary.reports, tables, summary.reports


def main() -> float:
    """Prints bytes per report, and per report added: what a national archive costs, once the
    fixed cost of a database's tables and indexes is spread over millions of reports."""
    half, _, fewer = measure(copies=6)
    per_report, tables, reports = measure(copies=12)
    added = (per_report * reports - half * fewer) / (reports - fewer)
    top = ", ".join(
        f"{name} {size / reports / 1024:.1f}" for name, size in list(tables.items())[:6]
    )
    print(f"size: {per_report / 1024:.1f} KB per report ({reports} reports; KB/report: {top})")
    print(
        f"size: {added / 1024:.1f} KB per report added (from {fewer} to {reports} reports): "
        f"~{added * 2.5e6 / 1e9:.0f} GB for 2.5 million reports  (goal <= 40 KB per report)"
    )
    return added


if __name__ == "__main__":
    main()
