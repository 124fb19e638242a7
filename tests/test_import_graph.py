"""Imports go one way (DESIGN.md §4.10): engine (no Django) <- lib <- org <- honours <- cycle <-
documents/api/notifications <- portal, and no two files of thidua/ import each other, even through
others or inside a function. A new upward import or a new circle fails `make test`.

The directions are import-linter contracts in pyproject.toml ([tool.importlinter]); the circles
between files are found by bench/import_graph.py (`python bench/import_graph.py` prints the whole
graph's numbers as JSON).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Imports that still close a circle, each with who removes it and how. Taking these edges out of
# the graph must leave no circle; an entry that no longer exists must be deleted from here.
ALLOWED_BACK_EDGES: dict[tuple[str, str], str] = {}
# Imports from an app to a higher layer still to remove.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def _graph_module():
    spec = importlib.util.spec_from_file_location(
        "import_graph", ROOT / "bench" / "import_graph.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    return module


graph_tools = _graph_module()


@pytest.fixture(scope="module")
def graph():
    return graph_tools.build_graph(ROOT)


def test_the_import_contracts_hold():
    """engine imports no Django; lib, org and jobs import no domain app; honours never imports
    cycle; the layers hold (import-linter, reading the code without running it)."""
    from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert status == EXIT_STATUS_SUCCESS, (
        "lint-imports: a contract is broken (see the output above)"
    )


def test_no_two_files_of_thidua_import_each_other(graph):
    edges = {
        source: {t for t in targets if (source, t) not in ALLOWED_BACK_EDGES}
        for source, targets in graph.edges.items()
    }
    circles = graph_tools.strongly_connected(edges)
    assert circles == [], "import circles between files:\n" + "\n".join(
        " <-> ".join(c) for c in circles
    )


def test_every_allowed_back_edge_still_exists(graph):
    """An exception that was fixed is struck off, so the list only shrinks."""
    allowed = [*ALLOWED_BACK_EDGES, *ALLOWED_UPWARD]
    gone = [edge for edge in allowed if edge[1] not in graph.edges.get(edge[0], ())]
    assert gone == []


def test_no_app_imports_a_higher_layer(graph):
    upward = [
        (source, target)
        for source, target in graph_tools.upward_imports(graph)
        if (source, target) not in ALLOWED_BACK_EDGES and (source, target) not in ALLOWED_UPWARD
    ]
    assert upward == []
    assert graph_tools.report(ROOT)["parts_without_layer"] == [], "a new app needs its layer"


def test_the_circle_finder_finds_circles_and_lazy_imports(tmp_path):
    package = tmp_path / "thidua"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "x.py").write_text("from thidua.a import y\n")
    (package / "a" / "y.py").write_text("def f():\n    from . import z\n")
    (package / "a" / "z.py").write_text("import thidua.a.x\n")
    (package / "a" / "hints.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from thidua.a import x\n"
    )
    (package / "a" / "w.py").write_text("from thidua.a.hints import *\n")
    found = graph_tools.build_graph(tmp_path)
    assert graph_tools.strongly_connected(found.edges) == [
        ["thidua.a.x", "thidua.a.y", "thidua.a.z"]
    ]
    assert found.edges["thidua.a.hints"] == set()  # a name only used in type hints
