"""The portal registry (crawler/portals.yml): which bodies publish 年报 where."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

REGISTRY = Path(__file__).with_name("portals.yml")


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    province: str | None = None
    level: str | None = None
    region_code: str | None = None
    cms: str | None = None
    home: str | None = None
    columns: tuple[str, ...] = field(default_factory=tuple)
    checked: bool = False
    source: str | None = None

    def info(self) -> dict:
        """What every fetch and report of this portal records about it."""
        return {"province": self.province, "level": self.level, "region_code": self.region_code}


def load_portals(path: Path = REGISTRY) -> list[Portal]:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["portals"]
    return [Portal(**{**entry, "columns": tuple(entry.get("columns") or ())}) for entry in entries]


def find_portal(name: str, path: Path = REGISTRY) -> Portal:
    for portal in load_portals(path):
        if portal.name == name:
            return portal
    raise KeyError(f"no portal named {name!r} in {path}")
