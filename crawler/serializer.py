"""The shared frontier's request encoding: JSON, never pickle (scrapy-redis SCHEDULER_SERIALIZER).

scrapy-redis pickles requests by default, and unpickling runs code: anyone who can write to
the Redis server would run it in every crawler process. A queued request here is JSON of
Scrapy's `Request.to_dict()`, with bytes (headers, bodies) and tuples tagged, and reading one
back builds nothing but a Request or FormRequest (the frontier checks its callbacks are the
spider's own methods: crawler.distributed).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

# The request classes the spider queues; `_class` names one of them or is absent (Request).
REQUEST_CLASSES = frozenset({"scrapy.http.request.form.FormRequest"})
CALLBACK = re.compile(r"[A-Za-z]\w*")  # a method name, not a dotted path


def _tagged(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [_tagged(v) for v in value]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _tagged(v) for k, v in value.items()}
        return {"$items": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in a request")


def _untagged(value: Any) -> Any:
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    if "$tuple" in value:
        return tuple(_untagged(v) for v in value["$tuple"])
    if "$items" in value:
        return {_untagged(k): _untagged(v) for k, v in value["$items"]}
    return {k: _untagged(v) for k, v in value.items()}


def dumps(request: dict) -> bytes:
    """A request dict (Request.to_dict) as JSON; TypeError for what JSON cannot hold."""
    return json.dumps(_tagged(request), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> dict:
    """The request dict, refused (ValueError) unless it builds one of the spider's requests."""
    request = _untagged(json.loads(data))
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise ValueError("not a request")
    if request.get("_class", "scrapy.http.request.form.FormRequest") not in REQUEST_CLASSES:
        raise ValueError(f"refused request class {request['_class']!r}")
    for name in ("callback", "errback"):
        method = request.get(name)
        if method is not None and not (isinstance(method, str) and CALLBACK.fullmatch(method)):
            raise ValueError(f"refused {name} {method!r}")
    return request
