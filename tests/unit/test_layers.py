"""The layers read one way: configuration -> capabilities -> stacks (topology) -> checks ->
evidence / preflight -> app. A module may import its own layer and those below it; an import
upwards (a back edge) fails here, function-level imports included. The functions' code under
lambdas/ imports nothing of the app (it is bundled on its own)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {
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
# (importer, imported) -> why the edge is tolerated.
TOLERATED = {
    ("configuration.loader", "capabilities.alarms.catalogue"): "the alarm catalogue is data (IDs and defaults, no CDK); the loader checks configured alarm IDs against it",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("cdk.out", "tests", ".git") or {"__pycache__", "node_modules", ".venv"} & set(parts):
            continue
        name = ".".join(parts)[:-3].removesuffix(".__init__")
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.split(".")[0] in PROJECT}


def back_edges() -> list[tuple[str, str]]:
    edges = []
    for name, path in modules().items():
        top = name.split(".")[0]
        for imported in imports(path):
            other = imported.split(".")[0]
            if top == "lambdas":
                if other != "lambdas":
                    edges.append((name, imported))
                continue
            if top not in LAYERS or other not in LAYERS:
                continue
            if LAYERS[other] > LAYERS[top] and (name, imported) not in TOLERATED:
                edges.append((name, imported))
    return sorted(edges)


def test_no_module_imports_a_layer_above_its_own():
    assert back_edges() == []


def test_the_check_sees_function_level_imports(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from stacks.topology import plan\n")
    assert imports(source) == {"stacks.topology"}


def test_tolerated_edges_still_exist_and_have_reasons():
    found = {(n, i) for n, p in modules().items() for i in imports(p)}
    for edge, reason in TOLERATED.items():
        assert edge in found, f"{edge} no longer exists: remove it from TOLERATED"
        assert len(reason) > 40
