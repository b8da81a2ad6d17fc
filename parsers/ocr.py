"""Text recognition offline: RapidOCR (PP-OCRv4 detection and recognition, ONNX models shipped
inside the rapidocr-onnxruntime wheel; nothing is downloaded).

Two operations, both on grayscale images (white paper = 255):
- `lines(crops)`: each crop one line of text → a Reading (text, confidence);
- `page(gray)`: the text lines found on a page image → Boxes in its pixels.

RapidOCR's own call pads every line to 320 px and keeps only the best character per step.
Here its detector and recognition session are driven directly (pinned release; checked by
tests/test_library_contracts.py): lines are read at their own width (a lone digit costs a
fifth), and the per-step probabilities give, at no second inference, the reading restricted
to the characters of a number, for a cell in a column of numbers that read as a letter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from parsers.limits import OCR_DETECT_SIDE, OCR_MAX_LINE_RATIO

ENGINE = "rapidocr-onnxruntime"
NUMBER_CHARS = frozenset("0123456789.,-+%")
LINE_HEIGHT = 48  # the recognition model's input height


@dataclass(slots=True)
class Reading:
    """One text line read: its text and the recogniser's confidence (0..1); `digits` is the
    same line read with only the characters of a number allowed."""

    text: str
    confidence: float
    digits: str = ""
    digits_confidence: float = 0.0


@dataclass(slots=True)
class Box:
    """A text line found on a page: its box in pixels and what it reads."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float


class OcrEngine:
    """RapidOCR on one thread: reader processes run in parallel, one engine each (a second
    onnxruntime thread doubled the CPU time for 1.5× the speed)."""

    def __init__(self) -> None:
        from importlib.metadata import version

        from rapidocr_onnxruntime import RapidOCR

        self.name = f"{ENGINE} {version(ENGINE)}"
        self._rapid = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        recogniser = self._rapid.text_rec
        self._characters = recogniser.postprocess_op.character  # index 0: the CTC blank
        self._number_indexes = np.array(
            [i for i, ch in enumerate(self._characters) if i == 0 or ch in NUMBER_CHARS]
        )

    def lines(self, crops: list[np.ndarray]) -> list[Reading]:
        """Recognition only, one line at a time: batching pads every line to the widest in
        its batch, which cost more than it saved on CPU."""
        session = self._rapid.text_rec.session
        readings = []
        for crop in crops:
            probabilities = session(_line_input(crop))[0][0]
            text, confidence = _ctc(probabilities, self._characters, None)
            digits, digits_confidence = _ctc(probabilities, self._characters, self._number_indexes)
            readings.append(Reading(text, confidence, digits, digits_confidence))
        return readings

    def page(self, gray: np.ndarray) -> list[Box]:
        """Text lines found by the detector on a copy at most OCR_DETECT_SIDE px long (its cost
        grows with the pixels; body text is large enough at ~100 dpi), read at full size."""
        import cv2

        factor = min(1.0, OCR_DETECT_SIDE / max(gray.shape))
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        found, _ = self._rapid.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
        if found is None or len(found) == 0:
            return []
        boxes = []
        for quad in found:
            xs, ys = quad[:, 0] / factor, quad[:, 1] / factor
            x0, x1 = max(0, int(xs.min())), min(gray.shape[1], int(math.ceil(xs.max())))
            y0, y1 = max(0, int(ys.min())), min(gray.shape[0], int(math.ceil(ys.max())))
            if x1 - x0 > 2 and y1 - y0 > 2:
                boxes.append((x0, y0, x1, y1))
        readings = self.lines([gray[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes])
        return [
            Box(*box, reading.text, reading.confidence)
            for box, reading in zip(boxes, readings, strict=True)
            if reading.confidence >= self._rapid.text_score and reading.text.strip()
        ]


def engine_errors() -> tuple[type[BaseException], ...]:
    """What the engine raises when a page is too much for it: onnxruntime's allocation
    failures come wrapped in RapidOCR's ONNXRuntimeError, OpenCV's in cv2.error."""
    import cv2
    from rapidocr_onnxruntime.utils.infer_engine import ONNXRuntimeError

    return (MemoryError, cv2.error, ONNXRuntimeError)


@cache
def engine() -> OcrEngine:
    """The process's engine, built on first use (0.5 s, ~150 MB): one per reader process."""
    return OcrEngine()


def _line_input(crop: np.ndarray) -> np.ndarray:
    """A line crop as the recogniser takes it: 48 px high, its own width (at most
    OCR_MAX_LINE_RATIO × the height), three channels scaled to -1..1."""
    import cv2

    height, width = crop.shape[:2]
    new_width = max(
        1, min(int(math.ceil(LINE_HEIGHT * width / height)), LINE_HEIGHT * OCR_MAX_LINE_RATIO)
    )
    resized = cv2.resize(crop, (new_width, LINE_HEIGHT)).astype(np.float32)
    scaled = resized / 127.5 - 1.0
    return np.repeat(scaled[np.newaxis, np.newaxis], 3, axis=1)


def _ctc(
    probabilities: np.ndarray, characters: list[str], allowed: np.ndarray | None
) -> tuple[str, float]:
    """Greedy CTC decoding (index 0 is the blank), optionally among `allowed` only; the
    confidence is the mean probability of the characters kept, 0 when none is."""
    if allowed is None:
        best = probabilities.argmax(axis=1)
        best_p = probabilities.max(axis=1)
    else:
        among = probabilities[:, allowed]
        pick = among.argmax(axis=1)
        best = allowed[pick]
        best_p = among[np.arange(len(pick)), pick]
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    text = "".join(characters[i] for i in best[keep])
    return text, float(best_p[keep].mean()) if keep.any() else 0.0
