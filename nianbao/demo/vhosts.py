"""Mock portals of several hosts (www.x.gov.cn, file.x.gov.cn, m.x.gov.cn …) behind one port on
127.0.0.1, reached as an HTTP proxy: a crawl started with http_proxy pointing here sends every
request to this server, whatever host it names, and nothing leaves the machine.

Pages are bytes by absolute URL; answers that depend on the request (JSON APIs, POST endpoints)
are functions; mirrors (a 繁體 gateway, a mobile host) are a function of the URL as well. Every
page answers conditional GETs as the demo portal's do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from nianbao.demo.server import Answer, Served, conditional_answer, not_found

HTML = "text/html; charset=utf-8"
ROBOTS = b"User-agent: *\nAllow: /\n"
STAMP = 1735700000  # Last-Modified of every page (2025-01-01)

# (method, query string, body) → Answer, for a URL without its query
Handler = Callable[[str, str, bytes], Answer]
# an absolute URL → the Answer a mirror gives for it, or None when it is no mirror's
Mirror = Callable[[str], "Answer | None"]


def page_answer(body: bytes, content_type: str = HTML, headers: dict | None = None) -> Answer:
    return conditional_answer(body, content_type, STAMP, headers or {})


class VirtualHosts(Served):
    """The pages of any number of hosts, served through one proxy port."""

    latency = 0.0

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.handlers: dict[str, Handler] = {}
        self.mirrors: list[Mirror] = []
        self.requests: list[tuple[str, str]] = []  # (method, absolute URL) as they came
        self._lock = threading.Lock()

    def add(self, url: str, body: bytes | str, content_type: str = HTML) -> str:
        """Publish `body` at `url` (absolute, no fragment); returns the URL."""
        self.pages[url] = (body.encode("utf-8") if isinstance(body, str) else body, content_type)
        return url

    def handle(self, url: str, handler: Handler) -> None:
        """Answer requests for `url` (any query) with `handler`."""
        self.handlers[url] = handler

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def crawl_environment(self, environ: dict[str, str]) -> dict[str, str]:
        """`environ` for a crawl process that reaches these hosts through this server only."""
        env = {k: v for k, v in environ.items() if not k.lower().endswith("_proxy")}
        return env | {"http_proxy": self.proxy, "https_proxy": self.proxy, "no_proxy": ""}

    # ------------------------------------------------------------------ the server's side

    def record(self, method: str, target: str, headers: dict) -> None:
        with self._lock:
            self.requests.append((method, absolute(target, headers)))

    def answer(self, method: str, target: str, headers: dict, payload: bytes = b"") -> Answer:
        url = absolute(target, headers)
        parts = urlsplit(url)
        bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if bare in self.handlers:
            return self.handlers[bare](method, parts.query, payload)
        if method == "POST":
            return Answer(405, {"Content-Type": HTML, "Allow": "GET, HEAD"}, b"")
        if parts.path == "/robots.txt":
            return page_answer(ROBOTS, "text/plain", headers)
        for mirror in self.mirrors:
            answer = mirror(url)
            if answer is not None:
                return answer
        found = self.pages.get(url) or (
            self.pages.get(url + "index.html") if url.endswith("/") else None
        )
        if found is None:
            return not_found()
        return page_answer(found[0], found[1], headers)

    def fetched(self) -> list[str]:
        """URLs asked for with GET or POST, in order (robots.txt left out)."""
        with self._lock:
            return [url for method, url in self.requests if not url.endswith("/robots.txt")]


def absolute(target: str, headers: dict) -> str:
    """The absolute URL of a request: a proxy is sent it whole; a server gets a path and Host."""
    if target.startswith(("http://", "https://")):
        return target.split("#")[0]
    host = next((v for k, v in headers.items() if k.lower() == "host"), "localhost")
    return f"http://{host}{target}"
