"""PDF and OCR reading, each in a reader process of its own, as a crawl's or a build's reader
processes run: pages per second of that process's CPU time (one core, whatever else the
machine is doing) and per wall-clock second, and its peak memory.

Text PDFs are read twice on the same files in the same run: by the reader (PDFium) and by
the pdfplumber/pdfminer path it replaced (pdfplumber's pages through the same row code,
without the old reader's bounds), so the two figures compare like with like.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

# The old reader's figure from the issue (pdfminer, this machine): for when pdfplumber's
# path cannot be run.
OLD_READER_RECORDED = "14-20 pages/s"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from bench.documents import warm_up, {function} as read
paths = [Path(p) for p in sys.argv[1:]]
rounds = int({rounds})
warm_up({ocr})
cpu, wall = time.process_time(), time.perf_counter()
pages = sum(read(paths) for _ in range(rounds))
print(json.dumps({{
    "pages": pages,
    "cpu": time.process_time() - cpu,
    "wall": time.perf_counter() - wall,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def warm_up(ocr: bool) -> None:
    """Libraries imported, and the OCR engine loaded (0.5-1 s, once per reader process): not
    part of a document's cost."""
    import pdfplumber  # noqa: F401

    import parsers.pdf  # noqa: F401

    if ocr:
        import parsers.scan_image  # noqa: F401
        from parsers.ocr import engine

        engine()


def read_with_nianbao(paths: list[Path]) -> int:
    """Pages read and parsed by nianbao (PDFium; scanned pages by OCR)."""
    from parsers import parse_bytes
    from parsers.pdf import pdf_page_count

    pages = 0
    for path in paths:
        data = path.read_bytes()
        parse_bytes(data, str(path))
        pages += pdf_page_count(data)
    return pages


def read_with_pdfplumber(paths: list[Path]) -> int:
    """Pages read and parsed the old way: pdfplumber (pdfminer's interpreter) through the
    same rows and the same report builder."""
    import pdfplumber

    from parsers.layout import Layout
    from parsers.pdf_rows import PageRows, page_blocks
    from parsers.report import build_report

    pages = 0
    for path in paths:
        rows = PageRows()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                rows.add(page_blocks(page, rows.text, []))
                page.close()
                pages += 1
        build_report(Layout(rows=rows.rows), str(path))
    return pages


def measure(function: str, paths: list[Path], rounds: int, ocr: bool = False) -> dict:
    """Run `function` over `paths` `rounds` times in a fresh reader process."""
    code = CHILD.format(function=function, rounds=rounds, ocr=ocr)
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, paths)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(label: str, figures: dict) -> str:
    return (
        f"{label}: {figures['pages'] / figures['cpu']:.1f} pages per CPU second "
        f"({figures['pages'] / figures['wall']:.1f} pages/s wall), "
        f"peak {figures['peak_mb']:.0f} MB per reader process"
    )


def main(shared: Path) -> None:
    pdfs = sorted(shared.glob("reports/*.pdf"))
    new = measure("read_with_nianbao", pdfs, rounds=20)
    print(line(f"read text PDFs ({len(pdfs)} files, PDFium)", new) + "  (goal >= 50)")
    try:
        old = measure("read_with_pdfplumber", pdfs, rounds=5)
    except subprocess.CalledProcessError as error:
        print(
            f"  the old pdfplumber path failed ({error.stderr.strip()[-200:]}); "
            f"recorded: {OLD_READER_RECORDED}"
        )
    else:
        print(line("  same files the old way (pdfplumber/pdfminer)", old))
        print(
            f"  PDFium reads {old['cpu'] / old['pages'] / (new['cpu'] / new['pages']):.1f} "
            "times faster per CPU second"
        )
    scans = sorted(shared.glob("reports/scans/*.pdf"))
    started = time.perf_counter()
    ocr = measure("read_with_nianbao", scans, rounds=1, ocr=True)
    print(line(f"read scanned PDFs by OCR ({len(scans)} files, rapidocr, 1 thread)", ocr))
    print(
        f"  (the reader process took {time.perf_counter() - started:.0f} s in all, start-up included)"
    )
