"""`make bench`: throughput figures, printed one per line.

Run on one core as a user would run it; each figure is the median of a few rounds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parsers import parse_bytes


def rate(work: Callable[[], int], rounds: int = 5) -> float:
    """Items per second: work() does a batch and returns how many items it did."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        done = work()
        rates.append(done / (time.perf_counter() - start))
    return statistics.median(rates)


def parse_documents_rate(documents: list[tuple], repeat: int = 1, rounds: int = 5) -> float:
    """Units/s parsing `documents` `repeat` times: (bytes, name) counts one report,
    (bytes, name, units) counts units (a PDF's pages)."""
    units = sum(d[2] if len(d) > 2 else 1 for d in documents)

    def work() -> int:
        for _ in range(repeat):
            for data, source, *_ in documents:
                parse_bytes(data, source)
        return repeat * units

    return rate(work, rounds=rounds)


def parse_rate(paths: list[Path], repeat: int) -> float:
    return parse_documents_rate([(p.read_bytes(), str(p)) for p in paths], repeat)


def docx_rate(seeds: list[Path], repeat: int = 5) -> float:
    """Reports/s reading Word attachments made from the seed reports (tables as Word tables)."""
    from nianbao.demo.word import seed_docx

    documents = [
        (seed_docx(p.read_text(encoding="utf-8"), p.stem, "2024-01-15"), f"{p.stem}.docx")
        for p in seeds
    ]
    return parse_documents_rate(documents, repeat)


def build_rate(shared: Path, copies: int = 60) -> float:
    """nianbao build over an archive of the shared reports, each archived `copies` times."""
    import tempfile

    from archive.build import build
    from archive.warc import WarcArchive

    documents = sorted(shared.glob("reports/*.html")) + sorted(shared.glob("seeds/*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        archive = WarcArchive(Path(tmp) / "warc")
        for n in range(copies):
            for path in documents:
                url = f"http://portal.test/{n}/{path.name}"
                archive.write(
                    url,
                    200,
                    "OK",
                    [("Content-Type", "text/html")],
                    path.read_bytes(),
                    annotations={"Role": "document", "Page": url},
                )
        archive.close()
        summary = build(Path(tmp))
    return summary.reports / summary.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "tests" / "fixtures",
        help="Directory of seeds/ and reports/ (default: the test fixtures).",
    )
    args = parser.parse_args()
    seeds = sorted(args.shared.glob("seeds/*.txt"))
    pages = sorted(args.shared.glob("reports/*.html"))
    print(f"parse text reports (seeds, {len(seeds)} files): {parse_rate(seeds, 20):.0f} reports/s")
    print(
        f"parse HTML reports (shared, {len(pages)} files): {parse_rate(pages, 20):.0f} reports/s"
        "  (goal >= 100)"
    )
    old = sorted(args.shared.glob("reports/pre2019/*.html"))
    old += sorted(args.shared.glob("reports/pre2019/*.txt"))
    print(
        f"parse pre-2019 reports (old 统计表 or sentences, {len(old)} files): "
        f"{parse_rate(old, 20):.0f} reports/s"
    )
    from bench import documents

    documents.main(args.shared)
    print(f"parse DOCX reports (seeds as Word files): {docx_rate(seeds):.0f} reports/s")
    print(
        f"build (archive → database, with text extraction and search index): "
        f"{build_rate(args.shared):.0f} reports/s"
    )
    from bench import crawl, distributed, facets, size

    facets.main()
    size.main()
    crawl.main()
    print(*distributed.worker_bench(), sep="\n")


if __name__ == "__main__":
    main()
