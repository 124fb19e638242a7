"""The import graph of the ``thidua`` package: circles between files and apps, upward imports, big files.

Reads the source with ``ast`` (nothing is imported), so it runs on any checkout:

    python bench/import_graph.py [ROOT]          # ROOT defaults to this checkout; prints JSON

Every ``import`` statement counts, also those inside functions (a lazy import is still a dependency),
except those under ``if TYPE_CHECKING:`` (names only used in type hints never run; import-linter is
configured the same way: ``exclude_type_checking_imports``). An edge goes to the module named (``from a.b import c`` goes to ``a.b.c``
when that is a module, otherwise to ``a.b``), as import-linter (grimp) counts them.

The layers follow DESIGN.md §3-4: ``engine`` (pure Python) <- shared infrastructure (``lib``, ``audit``,
the job mechanism ``jobs``, ``extract`` and the top-level helper modules) <- ``org`` <- ``honours`` <-
``cycle`` <- ``documents``/``api``/``notifications`` (the year's deadlines and reminders) <- ``portal``
(pages that gather every app) <- ``urls``/``settings``.
An import from a lower layer to a higher one is an upward import.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "thidua"
BIG_FILE_LINES = 600

# The layer of each part of the package; a module may import only from its own layer or below.
LAYERS: dict[str, int] = {
    "engine": 0,
    "extract": 1,
    "env": 1,
    "errors": 1,
    "net": 1,
    "security": 1,
    "untrusted": 1,
    "release": 1,
    "formats": 1,  # Django FORMAT_MODULE_PATH: number formats, imports nothing
    "lib": 2,
    "audit": 2,
    "jobs": 2,
    "org": 3,
    "honours": 4,
    "cycle": 5,
    "documents": 6,
    "api": 6,
    "notifications": 6,
    "portal": 7,
    "health": 8,
    "urls": 8,
    "wsgi": 8,
    "settings": 8,
    "__init__": 8,
}


@dataclass
class Graph:
    """Modules (dotted names) with their files and the modules each imports."""

    files: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, current: str, is_package: bool, modules: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return [_known(name, modules) for name in names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = current.split(".")
        if not is_package:
            base = base[:-1]
        if node.level > 1:
            base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    found = []
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        found.append(candidate if candidate in modules else _known(prefix, modules))
    return found


def _known(name: str, modules: set[str]) -> str:
    """The longest prefix of ``name`` that is a module of the package (or ``name`` if none is)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return name


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement in the tree, skipping the bodies of ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.Import, ast.ImportFrom)):
            found.append(current)
            continue
        if isinstance(current, ast.If) and _is_type_checking(current.test):
            stack.extend(current.orelse)
            continue
        stack.extend(ast.iter_child_nodes(current))
    return found


def build_graph(root: Path, package: str = PACKAGE) -> Graph:
    """Parse every ``.py`` file under ``root/package`` and collect the imports between its modules."""
    graph = Graph()
    for path in sorted((root / package).rglob("*.py")):
        graph.files[module_name(path, root)] = path
    modules = set(graph.files)
    for name, path in graph.files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        for node in _import_nodes(tree):
            targets.update(_imported(node, name, path.name == "__init__.py", modules))
        graph.edges[name] = {t for t in targets if t in modules and t != name}
    return graph


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components with more than one member, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components, key=lambda c: (-len(c), c))


def part_of(module: str, package: str = PACKAGE) -> str:
    """The app (or top-level module) a module belongs to: ``thidua.cycle.models.x`` -> ``cycle``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_migration(module: str) -> bool:
    return ".migrations." in module


def app_edges(graph: Graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for source, targets in graph.edges.items():
        app = part_of(source)
        edges.setdefault(app, set())
        edges[app].update(part_of(t) for t in targets if part_of(t) != app)
    return edges


def upward_imports(graph: Graph) -> list[list[str]]:
    found = []
    for source, targets in sorted(graph.edges.items()):
        low = LAYERS.get(part_of(source))
        for target in sorted(targets):
            high = LAYERS.get(part_of(target))
            if low is not None and high is not None and high > low:
                found.append([source, target])
    return found


def big_files(graph: Graph, limit: int = BIG_FILE_LINES) -> dict[str, int]:
    sizes = {}
    for name, path in graph.files.items():
        if is_migration(name):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            sizes[str(path.relative_to(path.parents[len(name.split(".")) - 1]))] = lines
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def report(root: Path) -> dict[str, object]:
    graph = build_graph(root)
    sccs = strongly_connected(graph.edges)
    app_cycles = strongly_connected(app_edges(graph))
    upward = upward_imports(graph)
    big = big_files(graph)
    unknown = sorted({part_of(m) for m in graph.files} - set(LAYERS))
    return {
        "modules": len(graph.files),
        "sccs": {"count": len(sccs), "sizes": [len(c) for c in sccs], "members": sccs},
        "app_cycles": {"count": len(app_cycles), "members": app_cycles},
        "upward_imports": {"count": len(upward), "edges": upward},
        "files_over_600": {"count": len(big), "files": big},
        "parts_without_layer": unknown,
    }


if __name__ == "__main__":
    here = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print(json.dumps(report(here), ensure_ascii=False, indent=1))
