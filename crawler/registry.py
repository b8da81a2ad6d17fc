"""The portal registry (crawler/portals.yml): which bodies publish 年报 where."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from archive import agencies

REGISTRY = Path(__file__).with_name("portals.yml")

LEVELS = ("central", "provincial", "prefecture", "county", "department")
# The 31 省级行政区 of the mainland, in code order: what "provinces reachable" counts against.
PROVINCES = tuple(name for name in agencies.PROVINCES if name != "台湾省")
# Where a crawl of a portal starts, best first (see Portal.start).
STARTS = ("seen column", "inferred column", "home page", "nothing")
URL_LISTS = ("columns", "inferred_columns", "reports")


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    province: str | None = None
    level: str | None = None
    region_code: str | None = None
    cms: str | None = None
    home: str | None = None
    # 年报 list pages seen as such in public material
    columns: tuple[str, ...] = field(default_factory=tuple)
    # list pages derived from a report's path, never seen as such: plausible, unconfirmed
    inferred_columns: tuple[str, ...] = field(default_factory=tuple)
    # 年报 URLs seen on a government host
    reports: tuple[str, ...] = field(default_factory=tuple)
    checked: bool = False
    source: str | None = None
    notes: str | None = None

    def info(self) -> dict:
        """What every fetch and report of this portal records about it."""
        return {"province": self.province, "level": self.level, "region_code": self.region_code}

    def entry_points(self) -> tuple[str, ...]:
        """Where a crawl of this portal starts: its columns, seen ones first, else its home
        page (for discovery), else nothing."""
        columns = self.columns + self.inferred_columns
        if columns:
            return columns
        return (self.home,) if self.home else ()

    def start(self) -> str:
        """What the crawl starts from, one of STARTS."""
        if self.columns:
            return "seen column"
        if self.inferred_columns:
            return "inferred column"
        return "home page" if self.home else "nothing"


class RegistryError(ValueError):
    """The registry file is not what load_portals expects; the message names the file."""


def load_portals(path: Path = REGISTRY) -> list[Portal]:
    path = Path(path)
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["portals"]
    known = {f.name for f in fields(Portal)}
    portals = []
    for entry in entries:
        unknown = sorted(set(entry) - known)
        if unknown:
            name = entry.get("name", "?")
            raise RegistryError(f"{path}: portal {name}: unknown field {', '.join(unknown)}")
        lists = {key: tuple(entry.get(key) or ()) for key in URL_LISTS}
        portals.append(Portal(**{**entry, **lists}))
    return portals


def find_portal(name: str, path: Path = REGISTRY) -> Portal:
    for portal in load_portals(path):
        if portal.name == name:
            return portal
    raise KeyError(f"no portal named {name!r} in {path}")


@dataclass
class Reach:
    """How many portals a crawl can start from, by level and by what it starts from."""

    by_level: dict[str, Counter] = field(default_factory=dict)
    provinces: set[str] = field(default_factory=set)  # of PROVINCES, reachable somehow
    provinces_by_column: set[str] = field(default_factory=set)  # ... through a column


def reach(portals: list[Portal]) -> Reach:
    summary = Reach(by_level={level: Counter() for level in LEVELS})
    for portal in portals:
        start = portal.start()
        summary.by_level.setdefault(portal.level or "unknown", Counter())[start] += 1
        if portal.province in PROVINCES and start != "nothing":
            summary.provinces.add(portal.province)
            if start.endswith("column"):
                summary.provinces_by_column.add(portal.province)
    return summary
