"""Facet speed on a generated database of 1,000,000 applications rows, through Datasette.

The database has the real schema (archive.database) and realistic shapes: ~43,500 reports
of 23 rows each over 31 provinces and 7 years. Pages are timed in-process with Datasette's
own client, with the settings `nianbao serve` uses.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import statistics
import time
from pathlib import Path

from archive.database import SCHEMA, close_database, open_database
from nianbao.serve import METADATA, SETTINGS
from parsers.template import APPLICANT_COLUMNS, APPLICATION_ROWS

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


def generate(path: Path, rows: int = 1_000_000) -> Path:
    if path.exists():
        return path
    random.seed(7)
    db = open_database(path)
    specs = [s for s in APPLICATION_ROWS if "2019" in s.templates]
    reports = rows // len(specs) + 1
    report_rows, application_rows = [], []
    for report_id in range(1, reports + 1):
        year, province = random.randint(2019, 2025), random.choice(PROVINCES)
        report_rows.append((report_id, f"某机关{report_id}", year, province, "2019", "html"))
        for spec in specs:
            values = [random.choice((0, 0, 0, 1, 2, 5, None)) for _ in APPLICANT_COLUMNS]
            application_rows.append((report_id, year, province, spec.key, spec.label, *values))
    application_rows = application_rows[:rows]
    with db.conn:
        db.conn.executemany(
            "insert into reports (id, agency, year, province, template, format)"
            " values (?, ?, ?, ?, ?, ?)",
            report_rows,
        )
        db.conn.executemany(
            "insert into applications (report_id, year, province, row, label, "
            + ", ".join(APPLICANT_COLUMNS)
            + ") values ("
            + ", ".join("?" * 12)
            + ")",
            application_rows,
        )
    db.execute("analyze")
    close_database(db)
    return path


async def time_pages(
    path: Path, pages: list[str], rounds: int = 5, stock: bool = False
) -> dict[str, float]:
    import yaml
    from datasette.app import Datasette

    settings = {k: int(v) if v.isdigit() else v != "off" for k, v in SETTINGS.items()}
    if stock:
        settings = {}
    datasette = Datasette(
        [],
        immutables=[str(path)],
        settings=settings,
        metadata=yaml.safe_load(METADATA.read_text(encoding="utf-8")),
    )
    await datasette.invoke_startup()
    timings = {}
    for page in pages:
        response = await datasette.client.get(page)  # warm: table counts, caches
        assert response.status_code == 200, (page, response.status_code)
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = await datasette.client.get(page)
            samples.append(time.perf_counter() - start)
        timings[page] = statistics.median(samples)
    return timings


def main(cache: Path = Path("/tmp/nianbao-bench")) -> dict[str, float]:
    # Generating takes a while: the database is kept, under a name that changes with the schema.
    schema = hashlib.sha256(repr((SCHEMA, APPLICATION_ROWS)).encode()).hexdigest()[:12]
    path = cache / f"facets-1m-{schema}" / "nianbao.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    reused = path.exists()
    started = time.perf_counter()
    generate(path)
    generated = time.perf_counter() - started
    pages = [
        "/nianbao/applications?_facet=row",
        "/nianbao/applications?_facet=province&_facet=year",
        "/nianbao/applications?_facet=row&year=2024",
        "/nianbao/reports?_facet=province&_facet=year&_facet=template",
    ]
    timings = asyncio.run(time_pages(path, pages))
    stock = asyncio.run(time_pages(path, pages[:1], rounds=3, stock=True))
    made = f"reused from {path.parent}" if reused else f"generated in {generated:.1f} s"
    print(f"facets: 1,000,000 applications rows, {made}")
    for page, seconds in timings.items():
        print(f"facets: {page}: {seconds * 1000:.0f} ms  (goal < 500 ms)")
    for page, seconds in stock.items():
        print(f"facets: {page} with stock Datasette settings: {seconds * 1000:.0f} ms")
    return timings


if __name__ == "__main__":
    main()
