import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The shared reports with their expected JSON, carried in the repository (make fixtures
# refreshes them from ../shared): a clone with nothing beside it runs every test.
FIXTURES = ROOT / "tests" / "fixtures"
# The console script installed beside the interpreter running the tests.
NIANBAO = str(Path(sys.executable).parent / "nianbao")


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Cells a fixture does not print, though its expected JSON (copied from ../shared) holds a
# value for them: seed 004's flattened text prints six values in its 予以公开 and 部分公开
# rows, and the expected file has the 0 the parser used to infer for the seventh. The
# contract (report-json.md, "Values") says a cell not printed is null, with a warning.
NOT_PRINTED = {
    "004_3cdcdf96041af72f": ("applications.granted.total", "applications.partly_granted.total"),
}


def expected_as_printed(path: Path) -> dict:
    """The expected object of the document at `path`, with the cells it does not print null."""
    return as_printed(load_expected(path.with_name(path.stem + ".expected.json")), path.stem)


def as_printed(expected: dict, name: str) -> dict:
    """An expected object (of the document called `name`) with NOT_PRINTED cells null."""
    for cell in NOT_PRINTED.get(name, ()):
        *parents, leaf = cell.split(".")
        node = expected
        for key in parents:
            node = node[key]
        node[leaf] = None
    return expected


def _scorer():
    """tests/fixtures/tools/score_reports.py, the scorer the project is judged with."""
    spec = importlib.util.spec_from_file_location("score_reports", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORER = FIXTURES / "tools" / "score_reports.py"
score_reports = _scorer()


def differences(parsed: dict, expected: dict) -> list[str]:
    """What score_reports.py finds wrong in `parsed`: the fields report-json.md compares."""
    return score_reports.score(expected, parsed)[2]


def assert_matches_expected(parsed: dict, expected: dict) -> None:
    """The fields report-json.md says are compared, held to the expected object."""
    assert differences(parsed, expected) == []


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The data directory of `nianbao demo --no-serve`, made once for the tests that read it
    (a crawl and a build of the demo portal): they must not change it."""
    from tests.serving import build_demo

    data = tmp_path_factory.mktemp("demo") / "data"
    built = build_demo(data)
    assert built.returncode == 0, built.stderr[-3000:]
    return data
