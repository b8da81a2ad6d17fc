"""Degrade reports the ways real ones are, and score the parser on what comes out.

Real 年报 are published with lost glyphs (`2.其他法律行政止公开`), OCR look-alikes (`子以公开`),
spaces inside words, full-width digits, and as portal copies converted to traditional
characters. The parser is judged on held-out reports degraded these ways, so the tests
degrade the fixtures the same ways, with a fixed seed:

- `drop`: one character removed from a third of the labels (any position);
- `lookalike`: one character swapped for its look-alike in a third of the labels;
- `spaces`: spaces put inside a third of the labels;
- `fullwidth`: ASCII digits and punctuation made full-width, in every cell;
- `traditional`: the whole text converted to traditional characters (OpenCC s2t or s2twp);
- `blank_lines`: flattened text with a blank line after every line, as extractors that
  space paragraphs give it (a label broken over lines then reads as two rows);
- `contents`: a table of contents (the six section headings, one a line) before the
  report's first heading;
- `unmerged`: an HTML table's merged cells split again (colspan undone): the text in the
  first cell, blank cells after it, as editors that split cells leave them;
- `layout`: an HTML page's body put in an old portal's layout table, the site's navigation
  in one cell and the article, with its tables, in the next;
- `all`: every one of them.

A label is a cell (a line, a tab-separated cell, an HTML text node) that is not a value:
value cells keep their numbers (only `fullwidth` touches them, and the parser must read
`１２` as 12). Titles and headings are labels too.

    python -m tests.degrade [--seed N] [--kinds drop,all] [--verbose]

prints the cells scored right for each kind over the seeds, the HTML reports and the PDF.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import zlib
from collections.abc import Iterable
from pathlib import Path

from parsers.formats import layout_from_bytes
from parsers.html import decode_html
from parsers.layout import Cell, Layout
from parsers.report import build_report
from parsers.values import is_value
from tests.conftest import FIXTURES, score_reports

KINDS = (
    "drop",
    "lookalike",
    "spaces",
    "fullwidth",
    "traditional",
    "blank_lines",
    "contents",
    "unmerged",
    "layout",
)
RATE = 1 / 3  # the share of labels a per-label degradation hits

# OCR confusions, both ways: each character may be read as any other of its group.
LOOKALIKE_GROUPS = ("子予", "己已巳", "末未", "士土", "曰日", "人入", "0O", "1l")
LOOKALIKES = {c: group.replace(c, "") for group in LOOKALIKE_GROUPS for c in group}
FULLWIDTH = str.maketrans(
    {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,:;()/%+-"} | {" ": "\u3000"}
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@functools.cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


class Degrader:
    """Degrades the label cells of one document; random but fixed by seed and name."""

    def __init__(self, kinds: Iterable[str], seed: int, name: str = "") -> None:
        self.kinds = set(KINDS if "all" in kinds else kinds)
        unknown = self.kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown degradation: {', '.join(sorted(unknown))}")
        self.rng = random.Random(seed * 1_000_003 + zlib.crc32(name.encode()))
        self.config = self.rng.choice(("s2t", "s2twp"))

    def cell(self, text: str) -> str:
        """One cell's text: a label gets the per-label degradations, every cell full width."""
        if _CJK.search(text) and not is_value(text):
            text = self.label(text)
        if "fullwidth" in self.kinds:
            text = text.translate(FULLWIDTH)
        return text

    def label(self, text: str) -> str:
        rng = self.rng
        if "drop" in self.kinds and rng.random() < RATE:
            positions = [i for i, c in enumerate(text) if not c.isspace()]
            if len(positions) > 1:
                i = rng.choice(positions)
                text = text[:i] + text[i + 1 :]
        if "lookalike" in self.kinds and rng.random() < RATE:
            positions = [i for i, c in enumerate(text) if c in LOOKALIKES]
            if positions:
                i = rng.choice(positions)
                text = text[:i] + rng.choice(LOOKALIKES[text[i]]) + text[i + 1 :]
        if "spaces" in self.kinds and rng.random() < RATE and len(text) > 1:
            for _ in range(rng.randint(1, 2)):
                i = rng.randint(1, len(text) - 1)
                text = text[:i] + rng.choice((" ", "\u3000")) + text[i:]
        return text

    def whole(self, text: str) -> str:
        """The whole document's text, as a portal's traditional-character copy serves it."""
        if "traditional" in self.kinds:
            text = _opencc(self.config).convert(text)
        return text


def degrade_text(text: str, degrader: Degrader) -> str:
    """Flattened text: every tab-separated cell of every line."""
    lines = ["\t".join(degrader.cell(c) for c in line.split("\t")) for line in text.split("\n")]
    separator = "\n\n" if "blank_lines" in degrader.kinds else "\n"
    text = separator.join(lines)
    if "contents" in degrader.kinds:
        text = _FIRST_HEADING.sub(lambda m: "\n".join(CONTENTS) + "\n" + m.group(), text, 1)
    return degrader.whole(text)


CONTENTS = (
    "目录",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
# The report's first heading, and in a page the paragraph it stands in.
_FIRST_HEADING = re.compile(r"^[ \t]*一、\s*总体情况", re.M)
_FIRST_HEADING_ELEMENT = re.compile(r"<p\b[^>]*>(?:\s*<[^>]+>)*\s*一、\s*总体情况", re.I)


# Markup whose text is not the page's: left as it is.
_OPAQUE = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>", re.I | re.S
)
_ENTITY = re.compile(r"(&#?\w+;)")


def degrade_html(data: bytes, degrader: Degrader) -> bytes:
    """An HTML page: every text node, entities left whole; the result is UTF-8 like its source."""
    html = decode_html(data)
    out: list[str] = []
    position = 0
    for match in _OPAQUE.finditer(html):
        out.append(_degrade_node(html[position : match.start()], degrader))
        out.append(match.group())
        position = match.end()
    out.append(_degrade_node(html[position:], degrader))
    html = "".join(out)
    if "contents" in degrader.kinds:
        contents = "".join(f"<p>{line}</p>" for line in CONTENTS)
        html = _FIRST_HEADING_ELEMENT.sub(lambda m: contents + m.group(), html, 1)
    if "unmerged" in degrader.kinds:
        html = _COLSPAN.sub(_unmerged, html)
    if "layout" in degrader.kinds:
        html = _in_layout_table(html)
    return degrader.whole(html).encode("utf-8")


_COLSPAN = re.compile(
    r"<(t[dh])\b([^>]*?)\s+colspan\s*=\s*[\"']?(\d+)[\"']?([^>]*)>(.*?)</\1\s*>", re.I | re.S
)


def _unmerged(cell: re.Match[str]) -> str:
    """A cell spanning n columns as n cells: its own, then n - 1 blank ones."""
    tag, before, span, after, text = cell.groups()
    return f"<{tag}{before}{after}>{text}</{tag}>" + f"<{tag}></{tag}>" * (int(span) - 1)


_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body\s*>)", re.I | re.S)
_LAYOUT = (
    '<table width="100%"><tr><td colspan="2">首页 | 政务公开 | 政府信息公开年报</td></tr>'
    '<tr><td width="20%">栏目导航<br>政府信息公开指南<br>政府信息公开年报</td><td>{}</td></tr>'
    '<tr><td colspan="2">主办单位：某某人民政府办公室</td></tr></table>'
)


def _in_layout_table(html: str) -> str:
    """The page's body (a fragment: all of it) inside a layout table."""
    body = _BODY.search(html)
    if body is None:
        return _LAYOUT.format(html)
    return html[: body.start(2)] + _LAYOUT.format(body.group(2)) + html[body.end(2) :]


def _degrade_node(text: str, degrader: Degrader) -> str:
    if not text.strip():
        return text
    parts = _ENTITY.split(text)
    return "".join(p if _ENTITY.fullmatch(p) else _degrade_lines(p, degrader) for p in parts)


def _degrade_lines(text: str, degrader: Degrader) -> str:
    return "\n".join(degrader.cell(line) if line.strip() else line for line in text.split("\n"))


def degrade_layout(layout: Layout, degrader: Degrader) -> Layout:
    """A document already read (a PDF): every cell, and the titles its metadata gave."""
    rows = [
        [Cell(degrader.whole(degrader.cell(c.text)), c.col, c.span) for c in row]
        for row in layout.rows
    ]
    titles = [degrader.whole(degrader.cell(t)) for t in layout.titles]
    return Layout(rows=rows, titles=titles, warnings=list(layout.warnings))


# ---------------------------------------------------------------- scoring


def documents() -> list[Path]:
    """The fixtures the degraded score covers: seeds, HTML reports and the text-layer PDF."""
    reports = FIXTURES / "reports"
    return (
        sorted((FIXTURES / "seeds").glob("*.txt"))
        + sorted(reports.glob("*.html"))
        + sorted(reports.glob("*.pdf"))
    )


def expected_for(path: Path) -> dict:
    import json

    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def parse_degraded(
    path: Path, kinds: Iterable[str], seed: int, layouts: dict | None = None
) -> dict:
    """The parsed report of `path` degraded by `kinds`; `layouts` caches PDFs already read."""
    degrader = Degrader(kinds, seed, path.name)
    data = path.read_bytes()
    if path.suffix == ".txt":
        return _parse(degrade_text(data.decode("utf-8"), degrader).encode("utf-8"), path)
    if path.suffix == ".html":
        return _parse(degrade_html(data, degrader), path)
    layouts = {} if layouts is None else layouts
    if path not in layouts:
        layouts[path] = layout_from_bytes(data, str(path))[0]
    return build_report(degrade_layout(layouts[path], degrader), str(path))


def _parse(data: bytes, path: Path) -> dict:
    from parsers import parse_bytes

    return parse_bytes(data, str(path))


def unnamed_missing_rows(parsed: dict, expected: dict) -> list[str]:
    """Rows the report prints (non-null expected) that came out all null without being named
    in missing_rows: the silent losses the parser must never have."""
    named = set(parsed.get("missing_rows") or [])
    silent = []
    for section in ("active_disclosure", "applications", "review_litigation"):
        for key, want in (expected.get(section) or {}).items():
            got = (parsed.get(section) or {}).get(key) or {}
            printed = any(v is not None for v in want.values())
            lost = all(v is None for v in got.values())
            if printed and lost and f"{section}.{key}" not in named:
                silent.append(f"{section}.{key}")
    return silent


def score_kind(kinds: Iterable[str], seed: int, layouts: dict | None = None) -> dict:
    """Cells right and total over every document, the differences, and unnamed lost rows."""
    score = score_reports.score  # the shared scoring tool, as users run it by hand
    result = {"correct": 0, "total": 0, "diffs": [], "silent": []}
    for path in documents():
        parsed = parse_degraded(path, kinds, seed, layouts)
        expected = expected_for(path)
        correct, total, diffs = score(expected, parsed)
        result["correct"] += correct
        result["total"] += total
        result["diffs"] += [f"{path.name}: {d}" for d in diffs]
        result["silent"] += [f"{path.name}: {r}" for r in unnamed_missing_rows(parsed, expected)]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, action="append", help="repeatable; default 0")
    parser.add_argument("--kinds", default=",".join((*KINDS, "all")))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    layouts: dict = {}
    for kind in args.kinds.split(","):
        for seed in args.seed or [0]:
            r = score_kind([kind], seed, layouts)
            pct = 100 * r["correct"] / r["total"]
            print(
                f"{kind:12} seed {seed:3}: cells {r['correct']}/{r['total']} ({pct:.2f}%), "
                f"rows lost unnamed: {len(r['silent'])}"
            )
            if args.verbose:
                for line in r["diffs"] + r["silent"]:
                    print("   ", line)


if __name__ == "__main__":
    main()
