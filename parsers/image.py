"""Image attachments (.jpg, .png, .tif) → Layout: each image, or each frame of a TIFF, a scanned
page read by OCR (parsers.scan).

An image is decoded within bounds: Pillow refuses one that declares more pixels than its
decompression-bomb limit; beyond MAX_DECODED_PIXELS a JPEG is decoded at 1/2 to 1/8 of its
size (libjpeg scales while decoding) and any other image is skipped with a warning. The
page is then scaled to OCR_DPI, its resolution estimated from its size as an A4 page: the
resolution an image file records is often a camera's or a screen's.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from parsers.layout import Layout
from parsers.limits import (
    MAX_DECODED_PIXELS,
    MAX_PAGES,
    MAX_RENDER_PIXELS,
    OCR_DPI,
    ParseError,
    one_line,
)
from parsers.pdf_rows import PageRows
from parsers.scan import SCAN_COLUMN_SHIFT, ScanReader

if TYPE_CHECKING:
    import numpy as np

A4_LONG_SIDE = 11.69  # inches


def layout_from_image(data: bytes) -> Layout:
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise ParseError(f"refused: {one_line(error)}") from error
    except (OSError, ValueError, SyntaxError) as error:  # what Pillow raises on bad files
        raise ParseError(f"damaged image: {one_line(error)}") from error
    warnings: list[str] = []
    pages = PageRows()
    scans = ScanReader()
    for number in range(1, MAX_PAGES + 1):
        if number > 1 and not _next_frame(image):
            break
        if not scans.admit(number):
            continue
        gray = _decoded(image, number, warnings)
        if gray is None:
            continue
        gray, scale = _at_ocr_resolution(gray)
        pages.add(scans.read(gray, scale, number, pages.text, warnings), SCAN_COLUMN_SHIFT)
    else:
        if _next_frame(image):
            warnings.append(f"only the first {MAX_PAGES} images read")
    ocr = scans.finish(warnings)
    if not pages.rows:
        return Layout(rows=[], warnings=["image: OCR read no text", *warnings], ocr=ocr)
    return Layout(rows=pages.rows, warnings=warnings, ocr=ocr)


def _next_frame(image) -> bool:
    """Move to the image's next frame (a TIFF's next page), if it has one."""
    try:
        image.seek(image.tell() + 1)
    except (EOFError, ValueError, OSError):
        return False
    return True


def _decoded(image, number: int, warnings: list[str]) -> np.ndarray | None:
    """The frame in grayscale, decoded within MAX_DECODED_PIXELS; None when it cannot be."""
    width, height = image.size
    if width * height > MAX_DECODED_PIXELS and image.format == "JPEG":
        # libjpeg decodes at 1/2, 1/4 or 1/8; draft() picks the smallest at least this size.
        shrink = min(8, 2 ** math.ceil(math.log2(math.sqrt(width * height / MAX_DECODED_PIXELS))))
        image.draft("L", (math.ceil(width / shrink), math.ceil(height / shrink)))
        width, height = image.size
    if width * height > MAX_DECODED_PIXELS:
        warnings.append(
            f"page {number} skipped: image of {width * height // 10**6} Mpx "
            f"(limit {MAX_DECODED_PIXELS // 10**6} Mpx)"
        )
        return None
    import numpy as np

    try:
        return np.asarray(image.convert("L"))
    except (OSError, ValueError, SyntaxError) as error:
        warnings.append(f"page {number} could not be decoded: {one_line(error)}")
        return None


def _at_ocr_resolution(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The image scaled down to OCR_DPI (and MAX_RENDER_PIXELS) as if it were an A4 page, and
    its scale in pixels per point."""
    import cv2

    height, width = gray.shape
    dpi = max(height, width) / A4_LONG_SIDE
    factor = min(1.0, OCR_DPI / dpi, math.sqrt(MAX_RENDER_PIXELS / (width * height)))
    if factor < 1.0:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    else:
        gray = gray.copy()  # writable: the page is levelled and painted in place
    return gray, dpi * factor / 72
