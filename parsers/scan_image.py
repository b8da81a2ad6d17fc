"""A scanned page as an image: levelled, its ruled tables found as grids of cells, its cells cut
into text lines for the recogniser. OpenCV on grayscale numpy images (white paper = 255).

Lengths are given in inches and turned into pixels by the image's dpi, so the same rules hold
for a 150-dpi scan and a 300-dpi one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from parsers.limits import MAX_GRID_POINTS

MAX_SKEW = 3.0  # degrees searched for the page's tilt
SKEW_WIDTH = 600  # px: the tilt is measured on a copy this wide
H_RULING = 0.5  # inches: a horizontal run of ink this long is a ruling, not a stroke
V_RULING = 0.18  # a vertical one (table rows are short; no glyph stroke is this tall)
MIN_TABLE = 0.4  # inches: a grid narrower than this is not a table
LINE_GAP = 0.04  # 1 mm: ruling positions closer than this are one line
BORDER_COVER = 0.5  # share of a cell border that must be inked for the border to exist
SMEAR = 0.035  # vertical smear before cutting lines, so that 三 or 二 stay one line
MIN_LINE = 0.04  # a band of ink lower than 1 mm is a stray mark, not a line of text
MIN_CROP_HEIGHT = 32  # px: smaller line crops are enlarged first
CROP_MARGIN = (0.1, 0.3)  # white margin added around a line crop: share of its height (v, h)


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, on the rulings
    readings: list = field(default_factory=list)  # what its text lines read, top to bottom


@dataclass
class Table:
    box: tuple[int, int, int, int]
    xs: list[int]  # the grid's column lines
    ys: list[int]  # its row lines
    cells: list[GridCell]


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. An adaptive threshold: scans are unevenly lit and rows are shaded grey."""
    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def level(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page turned upright (a scan is tilted by a degree or so: rulings then do not read
    as lines, nor text lines as rows), and its ink."""
    ink = binarize(gray)
    angle = skew_angle(ink)
    if abs(angle) < 0.05:
        return gray, ink
    centre = (gray.shape[1] / 2, gray.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    turned = cv2.warpAffine(gray, matrix, gray.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=255)
    return turned, binarize(turned)


def skew_angle(ink: np.ndarray) -> float:
    """The tilt in degrees (positive: counter-clockwise) by the projection profile: text lines
    and rulings make the sharpest row histogram when level. 0.25° steps, then 0.05°."""
    factor = SKEW_WIDTH / ink.shape[1]
    small = cv2.resize(
        ink, (SKEW_WIDTH, max(1, int(ink.shape[0] * factor))), interpolation=cv2.INTER_AREA
    )
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, matrix, small.shape[::-1], flags=cv2.INTER_NEAREST)
        return float(np.square(np.diff(turned.sum(axis=1, dtype=np.float64))).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05), key=sharpness))


@dataclass
class Grids:
    tables: list[Table]  # top to bottom
    rulings: np.ndarray  # the mask of their rulings, to paint out before reading
    crowded: bool = False  # a grid of more than MAX_GRID_POINTS crossings was not searched


def find_tables(ink: np.ndarray, dpi: float) -> Grids:
    """Ruled tables as grids of cells, merged cells with their spans."""
    horizontal, vertical = _ruling_masks(ink, dpi)
    lines = cv2.bitwise_or(horizontal, vertical)
    joined = cv2.dilate(lines, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = Grids([], np.zeros_like(lines))
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        if w < dpi * MIN_TABLE or h < dpi * MIN_TABLE / 2:
            continue
        mine = (labels[y : y + h, x : x + w] == label).astype(np.uint8)
        try:
            table = _grid(
                horizontal[y : y + h, x : x + w] * mine, vertical[y : y + h, x : x + w] * mine, dpi
            )
        except _Crowded:
            found.crowded = True
            continue
        if table is None:
            continue
        found.tables.append(_shifted(table, x, y))
        # Only the rulings of tables are painted out: in body text, strokes of neighbouring
        # characters line up into 'lines' (一二三 along a text line).
        found.rulings[y : y + h, x : x + w] |= lines[y : y + h, x : x + w] * mine
    found.tables.sort(key=lambda t: t.box[1])
    return found


class _Crowded(Exception):
    pass


def _ruling_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Ink that stays after opening with a long thin kernel; small breaks that JPEG leaves in
    a 1-px line are closed first."""
    long_h, long_v = max(10, int(dpi * H_RULING)), max(10, int(dpi * V_RULING))
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8))
    horizontal = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, long_h), np.uint8))
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8))
    vertical = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((long_v, 1), np.uint8))
    return horizontal, vertical


def _line_positions(mask: np.ndarray, horizontal: bool, min_length: float, gap: float) -> list[int]:
    """Where the mask's lines stand (y of horizontal ones, x of vertical ones), merged when
    closer than `gap`."""
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = sorted(
        centroids[k][1 if horizontal else 0]
        for k in range(1, count)
        if stats[k][cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT] >= min_length
    )
    groups: list[list[float]] = []
    for value in found:
        if groups and value - groups[-1][-1] <= gap:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [round(sum(g) / len(g)) for g in groups]


def _inked(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> float:
    """Share of a border segment's length that has ink across its band."""
    band = mask[max(y0, 0) : y1, max(x0, 0) : x1]
    if band.size == 0:
        return 0.0
    axis = 0 if band.shape[1] >= band.shape[0] else 1
    return float((band.max(axis=axis) > 0).mean())


def _grid(horizontal: np.ndarray, vertical: np.ndarray, dpi: float) -> Table | None:
    """The grid of one connected set of rulings: every elementary cell whose right or bottom
    border is missing is merged with its neighbour (union-find); each merged group is a cell."""
    ys = _line_positions(horizontal, True, dpi * 0.3, dpi * LINE_GAP)
    xs = _line_positions(vertical, False, dpi * 0.12, dpi * LINE_GAP)
    if len(ys) < 2 or len(xs) < 2:
        return None
    if len(xs) * len(ys) > MAX_GRID_POINTS:  # the merge below is quadratic in them
        raise _Crowded
    band = max(2, int(dpi * 0.02))
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            inset_y, inset_x = (ys[r + 1] - ys[r]) // 6, (xs[c + 1] - xs[c]) // 6
            x, y = xs[c + 1], ys[r + 1]
            right = _inked(vertical, x - band, ys[r] + inset_y, x + band + 1, ys[r + 1] - inset_y)
            if c + 1 < cols and right < BORDER_COVER:
                parent[find(r * cols + c)] = find(r * cols + c + 1)
            below = _inked(horizontal, xs[c] + inset_x, y - band, xs[c + 1] - inset_x, y + band + 1)
            if r + 1 < rows and below < BORDER_COVER:
                parent[find(r * cols + c)] = find((r + 1) * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        box = (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Table((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, cells)


def _shifted(table: Table, dx: int, dy: int) -> Table:
    def move(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)

    for cell in table.cells:
        cell.box = move(cell.box)
    return Table(
        move(table.box), [x + dx for x in table.xs], [y + dy for y in table.ys], table.cells
    )


def cell_lines(
    gray: np.ndarray, ink: np.ndarray, box: tuple[int, int, int, int], dpi: float
) -> Iterator[np.ndarray]:
    """The text lines of one cell, top to bottom, as crops of the page with a white margin.
    `gray` and `ink` have the rulings painted out."""
    x0, y0, x1, y1 = box
    pad = max(2, int(dpi * 0.015))
    region = _without_specks(ink[y0 + pad : y1 - pad, x0 + pad : x1 - pad], dpi)
    if region is None:
        return
    smeared = cv2.dilate(region, np.ones((max(3, int(dpi * SMEAR)), 1), np.uint8))
    for top, bottom in _runs(np.flatnonzero(smeared.any(axis=1))):
        if bottom - top < dpi * MIN_LINE:
            continue
        band = region[top:bottom]
        cols, rows = np.flatnonzero(band.any(axis=0)), np.flatnonzero(band.any(axis=1))
        ya, yb = y0 + pad + top + rows[0], y0 + pad + top + rows[-1] + 1
        xa, xb = x0 + pad + cols[0], x0 + pad + cols[-1] + 1
        yield framed(gray[ya:yb, xa:xb])


def _without_specks(region: np.ndarray, dpi: float) -> np.ndarray | None:
    """The region's ink without components smaller than a full stop (scan noise); None when
    nothing is left."""
    if region.size == 0 or not region.any():
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(4, int((dpi / 150) ** 2 * 6))
    cleaned = np.where(keep[labels], 255, 0).astype(np.uint8)
    return cleaned if cleaned.any() else None


def _runs(indexes: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive runs of sorted indexes as (start, end) pairs."""
    if len(indexes) == 0:
        return
    breaks = np.flatnonzero(np.diff(indexes) > 1)
    starts = np.concatenate(([indexes[0]], indexes[breaks + 1]))
    ends = np.concatenate((indexes[breaks], [indexes[-1]])) + 1
    yield from zip(starts.tolist(), ends.tolist(), strict=True)


def framed(crop: np.ndarray) -> np.ndarray:
    """A tight line crop with the white margin a line recogniser expects; small crops are
    enlarged first. Neither contrast stretching nor binarising helped (both read 0 as 。)."""
    height = crop.shape[0]
    if height < MIN_CROP_HEIGHT:
        factor = MIN_CROP_HEIGHT / height
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        height = crop.shape[0]
    v = max(2, int(height * CROP_MARGIN[0]))
    h = max(2, int(height * CROP_MARGIN[1]))
    return cv2.copyMakeBorder(crop, v, v, h, h, cv2.BORDER_CONSTANT, value=255)
