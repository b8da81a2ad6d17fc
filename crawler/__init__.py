"""The Scrapy project that crawls 年报 columns of government portals."""
