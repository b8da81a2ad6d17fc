"""The Scrapy project that crawls 年报 columns of government portals."""

import os

# Scrapy's cookie middleware asks tldextract for public suffixes, and tldextract downloads the
# list on first use: a crawler should contact only the portals it was given (and offline the
# attempt prints a traceback). An empty TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS (tldextract's own
# switch, read when an extractor is made, so before Scrapy's middleware is imported) keeps it
# to the snapshot inside tldextract, which is enough for cookies.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
