"""An archive of real reports, written as the crawler writes it, for build and serve tests."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.warc import WarcArchive
from tests.conftest import FIXTURES

# Real reports, with the province of the body that published each.
DOCUMENTS = {
    "reports/shanghai-office-2019.html": "上海市",
    "reports/pingtan-2025.html": "福建省",
    "reports/synthetic-city-2025.html": "测试省",
    "seeds/000_bd46ccaa43edb311.txt": "青海省",
    "seeds/001_24548c9bc9871823.txt": "四川省",
    "seeds/002_f2f902bb0c6bb4fe.txt": "山东省",
    "seeds/003_8e92e5233c244faa.txt": "北京市",
    "seeds/004_3cdcdf96041af72f.txt": "四川省",
}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
# Sent gzip-compressed, as many portals send HTML: archived so, served decoded.
GZIPPED = "reports/pingtan-2025.html"


def write_sample_archive(data_dir: Path) -> dict[str, str]:
    """Archive the real reports as fetched from a portal; returns URL → shared file name."""
    archive = WarcArchive(data_dir / "warc")
    urls = {}
    for name, province in DOCUMENTS.items():
        path = FIXTURES / name
        url = f"http://portal.test/nianbao/{path.name}"
        headers = [("Content-Type", CONTENT_TYPES[path.suffix])]
        payload = path.read_bytes()
        if name == GZIPPED:
            headers.append(("Content-Encoding", "gzip"))
            payload = gzip.compress(payload, mtime=0)
        archive.write(
            url,
            200,
            "OK",
            headers,
            payload,
            annotations={
                "Portal": "sample",
                "Role": "document",
                "Page": url,
                "Province": province,
                "Level": "test",
            },
        )
        urls[url] = name
    archive.close()
    return urls
