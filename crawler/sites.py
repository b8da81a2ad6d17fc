"""Where a portal's pages live: its registrable domain, and the copies of its pages that are not
new pages (繁體, accessibility and mobile views).

A portal spreads over sibling hosts of one registrable domain (www.x.gov.cn for pages,
file.x.gov.cn for attachments, xxgk.x.gov.cn for the 政府信息公开 platform); .gov.cn is a public
suffix, so x.gov.cn is the domain and sousuo.gov.cn another site. The public suffix list is
tldextract's bundled snapshot: crawler/__init__.py keeps tldextract from downloading it.

Every page may also be served again: through a 繁體 gateway (/gate/big5/<host>/<path>, on the
same host or a separate one), as an accessibility view (/wza/…), on a mobile host (m.…). They
are the same reports; the crawler maps a gateway URL back to the page it copies and leaves the
other views alone.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

# The 繁體 gateway: /gate/big5/<original host>/<original path>.
BIG5_GATEWAY = re.compile(r"^/gate/big5/([^/?#]+)(/[^?#]*)?$", re.I)
# First labels of hosts that serve other views of the portal's pages.
MIRROR_HOST_LABELS = frozenset({"m", "wap", "3g", "mobile", "big5", "fanti", "ft", "wza"})
# First path segments of accessibility and print views of a page.
VIEW_PATH_SEGMENTS = frozenset({"wza", "wza2", "wza2020", "print"})

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """x.gov.cn for www.x.gov.cn; an IP address or a name without a public suffix as it is."""
    host = (host or "").lower().strip("[]")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return _EXTRACT(host).top_domain_under_public_suffix or host


def same_site(url: str, domains: frozenset[str] | set[str]) -> bool:
    host = urlsplit(url).hostname or ""
    return registrable_domain(host) in domains


def canonical_page(url: str, own_hosts: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The URL of the page itself: a 繁體 gateway URL becomes the page it copies; None for an
    accessibility, print or mobile view (hosts in `own_hosts`, where a crawl started, are never
    taken for mirrors)."""
    parts = urlsplit(url)
    gateway = BIG5_GATEWAY.match(parts.path)
    if gateway:
        host, path = gateway.group(1), gateway.group(2) or "/"
        return urlunsplit((parts.scheme, host, path, parts.query, parts.fragment))
    host = (parts.hostname or "").lower()
    if host not in own_hosts and host.split(".", 1)[0] in MIRROR_HOST_LABELS:
        return None
    first = parts.path.lstrip("/").split("/", 1)[0].lower()
    return None if first in VIEW_PATH_SEGMENTS else url
