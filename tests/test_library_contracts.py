"""What we rely on in libraries beyond their documented APIs, checked so that an upgrade
that changes it fails here, by name, rather than somewhere deep in a crawl."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys


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
