"""The apps' dependencies run one way (docs/architecture.md).

import-linter (`lint-imports`, run by `make lint`) holds the layers. This test holds what
it does not count: no import cycle between modules, no two apps that import each other,
and few imports hidden inside functions. `python -m tests.crowdfund.test_architecture`
prints the figures.
"""

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The project package's settings, root URLconf and servers may name every app.
WIRING = {"crowdfund.settings", "crowdfund.urls", "crowdfund.wsgi", "crowdfund.asgi"}
MAX_FUNCTION_IMPORTS = 5


def layers():
    """The apps' layers, lowest first, as the import-linter contract in pyproject.toml lists
    them: each a list of apps that never import each other."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (found,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [[app.strip() for app in layer.split("|")] for layer in reversed(found)]


def project_apps():
    return [app for layer in layers() for app in layer]


def modules():
    found = {}
    for app in project_apps():
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _resolve(name, known):
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node):
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(module, path, known):
    """(target module, inside a function) for each project import of one module."""
    is_package = path.name == "__init__.py"
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module if is_package else module.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                names = [f"{base}.{alias.name}" for alias in child.names]
            for name in names:
                target = _resolve(name, known)
                if target and target != module:
                    found.append((target, in_function))
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def graph():
    known = modules()
    edges = defaultdict(set)
    function_imports = []
    for module, path in known.items():
        for target, in_function in imports_of(module, path, known):
            edges[module].add(target)
            if in_function:
                function_imports.append((module, target))
    return known, edges, function_imports


def cycles(nodes, edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            connect(node)
    return found


def app_edges(edges):
    pairs = defaultdict(set)
    for module, targets in edges.items():
        if module in WIRING:
            continue
        for target in targets:
            source_app, target_app = module.split(".")[0], target.split(".")[0]
            if source_app != target_app:
                pairs[source_app].add(target_app)
    return pairs


def two_way_pairs(edges):
    pairs = app_edges(edges)
    return sorted({tuple(sorted((a, b))) for a in pairs for b in pairs[a] if a in pairs.get(b, ())})


def upward_imports(edges):
    order = {app: rank for rank, layer in enumerate(layers()) for app in layer}
    found = []
    for module, targets in edges.items():
        if module in WIRING:
            continue
        for target in targets:
            source_app, target_app = module.split(".")[0], target.split(".")[0]
            if source_app != target_app and order[target_app] >= order[source_app]:
                found.append(f"{module} -> {target}")
    return sorted(found)


def test_no_module_is_part_of_an_import_cycle():
    known, edges, _ = graph()
    assert cycles(known, edges) == []


def test_no_two_apps_import_each_other():
    _, edges, _ = graph()
    assert two_way_pairs(edges) == []


def test_no_app_imports_a_higher_one_or_its_neighbour():
    _, edges, _ = graph()
    assert upward_imports(edges) == []


def test_few_imports_hide_inside_functions():
    _, _, function_imports = graph()
    assert len(function_imports) <= MAX_FUNCTION_IMPORTS, function_imports


def test_the_check_sees_a_cycle_and_a_two_way_pair():
    # The figures above mean something only if the check can find what it forbids.
    edges = {"a.x": {"b.y"}, "b.y": {"a.x"}}
    assert cycles(edges, edges) == [["a.x", "b.y"]]
    assert two_way_pairs(edges) == [("a", "b")]


if __name__ == "__main__":  # pragma: no cover
    known, edges, function_imports = graph()
    lines = sum(len(path.read_text().splitlines()) for path in known.values())
    print(f"{len(known)} modules, {lines} lines in {len(project_apps())} apps")
    print(f"cycles: {cycles(known, edges)}")
    print(f"two-way app pairs: {two_way_pairs(edges)}")
    print(f"upward imports: {len(upward_imports(edges))}")
    for line in upward_imports(edges):
        print("  ", line)
    print(f"imports inside functions: {len(function_imports)}")
    for module, target in function_imports:
        print(f"   {module} -> {target}")
