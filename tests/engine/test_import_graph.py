"""The engine's modules import each other without a circle (DESIGN: imports go one way), counting
imports inside functions too — the old ``scoring`` ↔ ``batch`` pair hid one there."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "thidua" / "engine"


def engine_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ENGINE.rglob("*.py"):
        parts = ["thidua", "engine", *path.relative_to(ENGINE).with_suffix("").parts]
        package = parts[:-1]
        if parts[-1] == "__init__":
            parts = package
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("thidua.engine"):
                    deps.add(target)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("thidua.engine")}
        graph[".".join(parts)] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for dep in graph.get(current, ()):
                if dep == goal:
                    return True
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return False

    return [(a, b) for a in sorted(graph) for b in sorted(graph[a]) if reaches(b, a)]


def test_the_engine_has_no_import_circle() -> None:
    graph = engine_imports()
    assert "thidua.engine.batch" in graph["thidua.engine.scoring"]
    assert cycles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [("a", "b"), ("b", "a")]
