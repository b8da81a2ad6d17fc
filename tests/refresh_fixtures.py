"""`make fixtures`: bring the test fixtures up to date with ../shared.

The repository carries its own copies of the shared reports (tests/fixtures/), so a clone with
nothing beside it runs every test. When ../shared is present, this copies what is new or
changed there and says which files it touched; it never deletes a fixture.

    python -m tests.refresh_fixtures [SHARED_DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What the tests read from ../shared: the reports with their expected JSON, the scorer, and
# the portal leads the registry is checked against.
SHARED_PARTS = ("seeds", "reports", "tools/score_reports.py", "portals/leads.yml")


def shared_files(shared: Path) -> list[Path]:
    """The files of SHARED_PARTS, relative to `shared`."""
    files: list[Path] = []
    for part in SHARED_PARTS:
        path = shared / part
        if path.is_file():
            files.append(path.relative_to(shared))
        elif path.is_dir():
            files += sorted(p.relative_to(shared) for p in path.rglob("*") if p.is_file())
    return files


def refresh(shared: Path, fixtures: Path = FIXTURES) -> dict[str, list[str]]:
    """Copy new and changed files; returns {"new": [...], "changed": [...], "same": [...]}."""
    outcome: dict[str, list[str]] = {"new": [], "changed": [], "same": []}
    for relative in shared_files(shared):
        source, target = shared / relative, fixtures / relative
        if not target.exists():
            kind = "new"
        elif target.read_bytes() != source.read_bytes():
            kind = "changed"
        else:
            outcome["same"].append(str(relative))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        outcome[kind].append(str(relative))
    return outcome


def main(argv: list[str]) -> int:
    shared = Path(argv[1] if len(argv) > 1 else "../shared")
    if not shared.is_dir():
        print(
            f"make fixtures: {shared} is not there; the fixtures stay as they are", file=sys.stderr
        )
        return 0
    outcome = refresh(shared)
    for kind in ("new", "changed"):
        for name in outcome[kind]:
            print(f"make fixtures: {kind:7} {name}")
    print(
        f"make fixtures: {len(outcome['new'])} new, {len(outcome['changed'])} changed, "
        f"{len(outcome['same'])} unchanged (from {shared})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
