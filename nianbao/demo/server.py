"""The demo portal's HTTP side: a threaded server on the standard library that moves bytes.

What a URL answers is the site's business (DemoPortal.answer); this module carries requests to
it, answers conditional GETs as RFC 9110 says, and closes keep-alive connections on stop.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple, Protocol, Self


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


class Site(Protocol):
    """What the server asks of the site it serves."""

    latency: float  # seconds to wait before answering (a slow portal)
    # optional: `gzip = True` compresses text answers for clients that accept gzip, as
    # nginx's `gzip on` does

    def record(self, method: str, target: str, headers: dict) -> None: ...

    def answer(self, method: str, target: str, headers: dict, payload: bytes = b"") -> Answer: ...


def not_found() -> Answer:
    """What nginx answers for a path it has nothing at."""
    body = (
        b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"
    )
    return Answer(404, {"Content-Type": "text/html"}, body)


def conditional_answer(
    body: bytes, content_type: str, modified: int, request_headers: dict
) -> Answer:
    """200 with validators (ETag, Last-Modified), or 304 when the client's copy is current."""
    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
    common = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)}
    lowered = {k.lower(): v for k, v in request_headers.items()}
    if not_modified(lowered, etag, modified):
        return Answer(304, common, b"")
    return Answer(200, {"Content-Type": content_type, **common}, body)


# What nginx's gzip_types compresses: text, never PDFs or Word files (already compressed).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml")


def gzipped(answer: Answer, request_headers: dict) -> Answer:
    """The answer compressed for a client that accepts gzip, as nginx sends it: Content-Encoding
    gzip, Vary, and a strong ETag made weak (the bytes are no longer the entity's)."""
    accepted = {k.lower(): v for k, v in request_headers.items()}.get("accept-encoding", "")
    content_type = answer.headers.get("Content-Type", "")
    if (
        "gzip" not in accepted.lower()
        or not answer.body
        or not content_type.startswith(COMPRESSED_TYPES)
    ):
        return answer
    headers = {**answer.headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    if headers.get("ETag", "").startswith('"'):
        headers["ETag"] = "W/" + headers["ETag"]
    return Answer(answer.status, headers, gzip.compress(answer.body, mtime=0))


def not_modified(headers: dict[str, str], etag: str, modified: int) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    if "if-modified-since" in headers:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-answer (a crawl killed, a timeout) are no error worth printing.

    It keeps its open connections, so that stop() can end keep-alive ones too."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site):
        super().__init__(address, handler_for(site))
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a bug in the portal: show it

    def close_connections(self) -> None:
        """Keep-alive connections would otherwise go on being served after shutdown()."""
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class PortalHandler(BaseHTTPRequestHandler):
    """Moves bytes between the socket and the site's answer(); logs nothing."""

    site: Site
    server: QuietServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real portals; every answer has a length
    server_version = "nginx"

    def version_string(self) -> str:
        return self.server_version  # no "Python/3.x": portals say nginx or Apache

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args) -> None:
        pass  # tests and `make demo` keep stderr for their own messages

    def _serve(self, method: str) -> None:
        headers = dict(self.headers.items())
        self.site.record(method, self.path, headers)
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length > 0 else b""
        if self.site.latency:
            time.sleep(self.site.latency)
        answer = self.site.answer(method, self.path, headers, payload)
        if getattr(self.site, "gzip", False):
            answer = gzipped(answer, headers)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.status != 304:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if method != "HEAD" and answer.status != 304:
            self.wfile.write(answer.body)


def handler_for(site: Site) -> type[PortalHandler]:
    """A handler class bound to one site (http.server makes a handler per request)."""
    return type("Handler", (PortalHandler,), {"site": site})


class Served:
    """start() / stop() and `with` for a site served on (host, port) in a thread of its own;
    port 0 takes a free one, which start() records."""

    host = "127.0.0.1"
    port = 0
    _server: QuietServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> Self:
        self._server = QuietServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
