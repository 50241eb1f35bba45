"""The queue's plumbing, the task bodies and the services import one another in one
direction only: tasks -> services -> queue, never back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "supply_match"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every supply_match module ``path`` imports, at the top or inside a function.
    ``from package import module`` counts as the module only: the package's own body
    (``create_app`` and its imports, for ``supply_match``) does not run on import."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {node.module}
    return found & modules


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(modules)) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen


def test_the_queue_plumbing_imports_no_task_body_and_no_service():
    reached = _reachable(_graph(), "supply_match.queue")
    assert not {n for n in reached if n.startswith("supply_match.services")}
    assert "supply_match.tasks" not in reached


def test_no_service_imports_the_task_bodies():
    graph = _graph()
    for name in graph:
        if name.startswith("supply_match.services"):
            assert "supply_match.tasks" not in _reachable(graph, name), name


def test_the_graph_sees_the_imports_it_checks():
    """Guards the two tests above against a graph that finds nothing."""
    graph = _graph()
    assert "supply_match.services.planning.jobs" in graph["supply_match.tasks"]
    assert "supply_match.queue" in graph["supply_match.services.planning.jobs"]
