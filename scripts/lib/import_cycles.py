"""No two of our modules may import each other, however long the circle (issue 8).

    python scripts/lib/import_cycles.py domain projections interfaces

Every import counts: at module level, inside a function, under ``if TYPE_CHECKING``. A package
is its ``__init__`` module, so a package that imports one of its modules which imports it back
is a circle too: import-linter's ``acyclic_siblings`` contract (pyproject.toml), which also
forbids sibling packages importing each other, does not see that kind. Prints each circle and
exits 1 if there is any. ``scripts/test`` runs it beside lint-imports.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from pathlib import Path


def find_modules(roots: list[str]) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file under the given package directories."""
    found: dict[str, Path] = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            parts = path.with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(module: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """The known modules that ``module``'s source imports (itself excluded)."""
    package = module if is_package else module.rpartition(".")[0]

    def resolve(name: str) -> str:  # the module a dotted name lives in
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    targets: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets.update(resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: one dot is this package, each further dot one up
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # ``from pkg import mod`` imports pkg.mod, else pkg
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else resolve(base))
    return targets - {"", module}


def cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Each group of modules that import each other (Tarjan's strongly connected components),
    sorted, with one shortest circle through its first module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while (member := stack.pop()) != node:
                group.add(member)
            group.add(node)
            on_stack.difference_update(group)
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted((sorted(g), _shortest_circle(graph, g)) for g in groups if len(g) > 1)


def _shortest_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    start = min(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no circle through {start}")  # a component always has one


def main(roots: list[str]) -> int:
    files = find_modules(roots)
    known = set(files)
    graph = {
        module: imported(module, path.name == "__init__.py", path.read_text(), known)
        for module, path in files.items()
    }
    found = cycles(graph)
    for group, circle in found:
        print(f"import cycle among {', '.join(group)}: e.g. {' -> '.join(circle)}")
    print(f"{len(files)} modules, {len(found)} import cycle(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["domain", "projections", "interfaces"]))
