"""Facet and filter speed on a generated national archive, through Datasette.

400,000 reports (57,143 bodies × 7 years, 2019–2025, over 31 provinces) with 10 million
applications rows, their table 四 rows, agencies and figures, written with the real schema
(archive.database) and the real figures SQL (archive.figures). Pages are timed in-process
with Datasette's own client, with the settings `nianbao serve` uses, the database opened as a
file that may change (not immutable): counts are not cached.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import statistics
import time
from pathlib import Path

from archive import figures
from archive.database import close_database, open_database
from archive.facet_counts import TABLE_SQL, drop_facet_counts, wanted_triggers
from archive.schema import SCHEMA, ensure_schema
from nianbao.serve import METADATA, SETTINGS, TEMPLATES
from parsers.template import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_KINDS, REVIEW_OUTCOMES

PROVINCES = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]


YEARS = range(2019, 2026)
LEVELS = ("provincial", "prefecture", "county", "township", "department")


def _template(year: int) -> str:
    return "2019" if year < 2021 else "2021"


def _drop_indexes(db, tables: tuple[str, ...]) -> None:
    """Bulk loads go faster into bare tables; ensure_schema puts the indexes back."""
    for table in tables:
        for index in db[table].indexes:
            if not index.name.startswith("sqlite_autoindex"):
                db.execute(f"drop index [{index.name}]")


def generate(path: Path, reports: int = 400_000) -> Path:
    if path.exists():
        return path
    # Written under another name and renamed when whole: an interrupted run leaves no
    # database a later run would take for complete.
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    random.seed(7)
    db = open_database(partial)
    tables = ("agencies", "reports", "applications", "review_litigation", "figures")
    _drop_indexes(db, tables)
    drop_facet_counts(db)  # ensure_schema counts once, after the load
    values = [
        tuple(random.choice((0, 0, 0, 1, 2, 5, None)) for _ in APPLICANT_COLUMNS)
        for _ in range(997)
    ]
    rows = {t: [spec for spec in APPLICATION_ROWS if t in spec.templates] for t in ("2019", "2021")}
    agencies = reports // len(YEARS)
    with db.conn:
        for first in range(1, agencies + 1, 5000):
            chunk = range(first, min(first + 5000, agencies + 1))
            _write_agencies(db, chunk, values, rows)
    ensure_schema(db)
    with db.conn:
        db.execute(figures.refresh_sql("1"))
    db.execute("analyze")
    close_database(db)
    partial.rename(path)
    return path


def _write_agencies(db, agency_ids: range, values: list[tuple], rows: dict) -> None:
    agency_rows, report_rows, application_rows, review_rows = [], [], [], []
    for agency_id in agency_ids:
        province, level = random.choice(PROVINCES), random.choice(LEVELS)
        name = f"某机关{agency_id}"
        agency_rows.append((agency_id, name, province, level, f"{province}||{name}"))
        for year in YEARS:
            report_id = (agency_id - 1) * len(YEARS) + year - YEARS.start + 1
            template = _template(year)
            title = f"{name}{year}年政府信息公开工作年度报告"
            report_rows.append(
                (report_id, title, name, agency_id, year, province, level, template, "html", 0)
            )
            for n, spec in enumerate(rows[template]):
                cells = values[(report_id * 31 + n) % len(values)]
                application_rows.append((report_id, year, province, spec.key, spec.label, *cells))
            for n, kind in enumerate(REVIEW_KINDS):
                cells = values[(report_id * 17 + n) % len(values)][: len(REVIEW_OUTCOMES)]
                review_rows.append((report_id, kind, *cells))
    db.conn.executemany(
        "insert into agencies (id, name, province, level, key) values (?, ?, ?, ?, ?)",
        agency_rows,
    )
    db.conn.executemany(
        "insert into reports (id, title, agency, agency_id, year, province, level, template,"
        " format, checks_failed) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        report_rows,
    )
    db.conn.executemany(
        f"insert into applications (report_id, year, province, row, label, "
        f"{', '.join(APPLICANT_COLUMNS)}) values ({', '.join('?' * 12)})",
        application_rows,
    )
    db.conn.executemany(
        f"insert into review_litigation (report_id, kind, {', '.join(REVIEW_OUTCOMES)})"
        f" values ({', '.join('?' * 7)})",
        review_rows,
    )


async def time_pages(
    path: Path, pages: list[str], rounds: int = 5, fresh: bool = False
) -> dict[str, float]:
    """Median seconds per page; `fresh`: made anew each time, past nianbao.pagecache."""
    import yaml
    from datasette.app import Datasette

    settings = {k: int(v) if v.isdigit() else v != "off" for k, v in SETTINGS.items()}
    datasette = Datasette(
        [str(path)],
        settings=settings,
        metadata=yaml.safe_load(METADATA.read_text(encoding="utf-8")),
        template_dir=str(TEMPLATES),
    )
    await datasette.invoke_startup()
    timings = {}
    headers = {"Cache-Control": "no-cache"} if fresh else {}
    await datasette.client.get("/")  # starts nianbao.pagecache's warming of default pages
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    await asyncio.gather(*others)  # measured alone, not beside the warming
    for page in pages:
        response = await datasette.client.get(page)  # warm: table counts, caches
        assert response.status_code == 200, (page, response.status_code)
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = await datasette.client.get(page, headers=headers)
            samples.append(time.perf_counter() - start)
        timings[page] = statistics.median(samples)
    return timings


# Pages as a reader opens them: metadata.yml's facets (reports: province, year, template,
# format, checks_failed, ocr; applications: row, year, province, read from facet_counts when
# the table is shown whole) run on every page of the table.
PAGES = {
    "/nianbao/reports": 500,
    "/nianbao/reports?year=2024": 500,
    "/nianbao/applications": 500,
    "/nianbao/applications?year=2024": 500,
    "/nianbao/applications?year=2024&province=江苏省": 500,
    "/nianbao/review_litigation": 500,
    "/nianbao/figures?province=江苏省&year=2024": 200,
    "/nianbao/figures.csv?province=江苏省&year=2024&_size=max": 200,
}


def main(cache: Path = Path("/tmp/nianbao-bench")) -> dict[str, float]:
    # Generating takes a while: the database is kept, under a name that changes with the schema.
    schema = hashlib.sha256(
        repr((SCHEMA, APPLICATION_ROWS, TABLE_SQL, wanted_triggers())).encode()
    ).hexdigest()[:12]
    path = cache / f"facets-400k-{schema}" / "nianbao.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    reused = path.exists()
    started = time.perf_counter()
    generate(path)
    generated = time.perf_counter() - started
    timings = asyncio.run(time_pages(path, list(PAGES)))
    fresh = asyncio.run(time_pages(path, list(PAGES), rounds=3, fresh=True))
    made = f"reused from {path.parent}" if reused else f"generated in {generated:.0f} s"
    print(f"facets: 400,000 reports, 10 million applications rows, {made}")
    for page, seconds in timings.items():
        print(
            f"facets: {page}: {fresh[page] * 1000:.0f} ms made anew, "
            f"{seconds * 1000:.0f} ms seen again (page cache)  (goal < {PAGES[page]} ms)"
        )
    return timings


if __name__ == "__main__":
    main()
