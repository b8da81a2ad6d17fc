"""What we rely on in libraries beyond their documented APIs, checked so that an upgrade
that changes it fails here, by name, rather than somewhere deep in a crawl."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import numpy as np

from tests.conftest import ROOT


def test_scrapy_engine_keeps_its_in_progress_requests_in_a_slot():
    """crawler.distributed acknowledges a request to Redis once the engine's slot no longer
    holds it (ExecutionEngine._slot.inprogress, and its nextcall to wake an idle engine)."""
    from scrapy.core import engine

    source = inspect.getsource(engine.ExecutionEngine)
    assert "self._slot" in source, "Scrapy's ExecutionEngine no longer has _slot"
    slot = inspect.getsource(engine._Slot.__init__)
    for attribute in ("self.inprogress", "self.nextcall"):
        assert attribute in slot, f"Scrapy's engine slot lost {attribute}"
    assert hasattr(engine._Slot, "remove_request")


def test_the_crawler_never_asks_for_the_public_suffix_list():
    """Importing the crawler before Scrapy's cookie middleware leaves tldextract offline."""
    code = (
        "import crawler, scrapy.downloadermiddlewares.cookies as c, tldextract;"
        "print(tldextract.TLDExtract().suffix_list_urls)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TLDEXTRACT")}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "()"


WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # Debian fonts-wqy-zenhei


def text_line(text: str):
    """`text` drawn black on white, 32 px high, as a grayscale numpy image."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(WQY, 32)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 40, bottom - top + 24), 255)
    ImageDraw.Draw(image).text((20 - left, 12 - top), text, font=font, fill=0)
    return np.asarray(image).copy()


def test_rapidocr_parts_parsers_ocr_drives_are_where_it_looks():
    """parsers.ocr runs RapidOCR 1.4.4's detector (RapidOCR.text_det) and recognition session
    (text_rec.session, its characters in text_rec.postprocess_op.character, CTC blank first)
    itself, and catches its ONNXRuntimeError."""
    from rapidocr_onnxruntime.utils.infer_engine import ONNXRuntimeError

    from parsers.ocr import engine

    ocr = engine()
    rapid = ocr._rapid
    assert callable(getattr(rapid, "text_det", None)), "RapidOCR.text_det (the detector) is gone"
    recogniser = getattr(rapid, "text_rec", None)
    assert callable(getattr(recogniser, "session", None)), "RapidOCR.text_rec.session is gone"
    characters = getattr(getattr(recogniser, "postprocess_op", None), "character", [None])
    assert characters[0] == "blank" and "年" in characters, (
        "RapidOCR.text_rec.postprocess_op.character is no longer the CTC alphabet, blank first"
    )
    assert issubclass(ONNXRuntimeError, Exception)
    [reading] = ocr.lines([text_line("2024年收到申请12件")])
    assert reading.text == "2024年收到申请12件" and reading.confidence > 0.9
    assert reading.digits == "202412"
    page = np.full((400, 900), 255, np.uint8)
    line = text_line("政府信息公开工作年度报告")
    page[100 : 100 + line.shape[0], 80 : 80 + line.shape[1]] = line
    [box] = ocr.page(page)
    assert box.text == "政府信息公开工作年度报告"
    assert 60 <= box.x0 <= 110 and 80 <= box.y0 <= 120, "the detector's boxes moved"


def test_ocr_models_load_and_read_with_no_network():
    """The models are inside the rapidocr-onnxruntime wheel: nothing is fetched, even at
    first use (rapidocr 2.x downloads them)."""
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = socket.socket.connect_ex = refuse\n"
        "socket.getaddrinfo = socket.create_connection = refuse\n"
        "from tests.test_library_contracts import text_line\n"
        "from parsers.ocr import engine\n"
        "print(engine().lines([text_line('年度报告')])[0].text)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "年度报告", out.stderr
