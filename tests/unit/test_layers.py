"""The layers read one way: configuration -> dpp_nag -> capabilities -> stacks (topology) ->
checks -> evidence / preflight -> app. A module may import its own layer and those below it; an
import upwards (a back edge) fails here, function-level imports included, and so does any
import circle between modules, even within one layer. The functions' code under lambdas/
imports nothing of the app (it is bundled on its own)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {
    "dpp_logging": 0,  # shipped in the wheel with dpp_nag; imports nothing of the project
    "configuration": 0,
    "dpp_nag": 1,
    "capabilities": 2,
    "stacks": 3,
    "checks": 4,
    "evidence": 5,
    "preflight": 5,
    "drill": 5,
    "benchmarks": 6,
    "app": 6,
}
PROJECT = set(LAYERS) | {"lambdas", "tests", "tools"}


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in ("cdk.out", "tests", ".git") or {"__pycache__", "node_modules", ".venv"} & set(parts):
            continue
        name = ".".join(parts)[:-3].removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path] | None = None) -> set[str]:
    """The project modules ``path`` imports. With ``known`` (the project's modules),
    ``from package import name`` counts as importing the submodule when ``name`` is one."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & set(known or ())
            names |= submodules or {node.module}
    return {n for n in names if n.split(".")[0] in PROJECT}


def back_edges(found: dict[str, Path]) -> list[tuple[str, str]]:
    edges = []
    for name, path in found.items():
        top = name.split(".")[0]
        for imported in imports(path):
            other = imported.split(".")[0]
            if top == "lambdas":
                if other != "lambdas":
                    edges.append((name, imported))
                continue
            if top not in LAYERS or other not in LAYERS:
                continue
            if LAYERS[other] > LAYERS[top]:
                edges.append((name, imported))
    return sorted(edges)


def circles(found: dict[str, Path]) -> list[list[str]]:
    """Every set of modules that import each other, directly or round a circle (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        targets = set()
        for imported in imports(path, found):
            parts = imported.split(".")
            while parts and ".".join(parts) not in found:
                parts.pop()  # `import a.b.c` of a name inside a module: the module
            if parts:
                targets.add(".".join(parts))
        graph[name] = targets - {name}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found_circles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found_circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found_circles)


def test_no_module_imports_a_layer_above_its_own():
    assert back_edges(modules()) == []


def test_no_import_circle():
    assert circles(modules()) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return modules(tmp_path)


def test_a_new_back_edge_is_reported(tmp_path):
    """The check itself: a capability that imports the topology, and a lambda that imports
    configuration, are both reported; downward imports are not."""
    found = _tree(
        tmp_path,
        {
            "configuration/model.py": "X = 1\n",
            "capabilities/trail.py": "from configuration.model import X\n\ndef build():\n    from stacks.topology import plan\n",
            "stacks/topology.py": "from capabilities.trail import build\n",
            "lambdas/relay/handler.py": "import configuration.model\n",
        },
    )
    assert back_edges(found) == [("capabilities.trail", "stacks.topology"), ("lambdas.relay.handler", "configuration.model")]


def test_a_circle_is_reported(tmp_path):
    """A circle inside one layer (no back edge) is reported, and so is one through a package's
    __init__; importing a package's submodule by ``from package import submodule`` is not one."""
    found = _tree(
        tmp_path,
        {
            "checks/gate.py": "from checks.acknowledgements import acks\n",
            "checks/acknowledgements.py": "def acks():\n    from checks.gate import install\n",
            "capabilities/archive/__init__.py": "from capabilities.archive.bucket import Bucket\n",
            "capabilities/archive/bucket.py": "from capabilities.archive import tamper\n",
            "capabilities/archive/tamper.py": "X = 1\n",
            "capabilities/alarms/__init__.py": "from capabilities.alarms.spec import Spec\n",
            "capabilities/alarms/spec.py": "from capabilities.alarms import Spec\n",
        },
    )
    assert circles(found) == [["capabilities.alarms", "capabilities.alarms.spec"], ["checks.acknowledgements", "checks.gate"]]


def test_the_check_sees_function_level_imports(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from stacks.topology import plan\n")
    assert imports(source) == {"stacks.topology"}
