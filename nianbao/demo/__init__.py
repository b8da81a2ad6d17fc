"""`nianbao demo` and what it runs on: mock government portals on 127.0.0.1 (portal, cms,
server), the reports they publish (documents/, links to tests/fixtures) and the renderer that
writes a report as a document (render)."""
