"""The package's structure, checked by walking the source: no import cycle (imports inside
functions included), imports that run one way (nn below mappings below the model; io below the
model), and no module reaching into another's private names."""
import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "rnnlab"


def _modules():
    """{dotted name: path} for every module of the package (a package is its __init__)."""
    out = {}
    for path in PKG.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _package_of(name):
    """The package a module lives in (a package's own name for an __init__)."""
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def _imports(name):
    """(node, target module, imported name or None) for every import in a module, at any depth,
    resolved to modules of the package (others are dropped)."""
    tree = ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node, a.name, None) for a in node.names if a.name in MODULES]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name).split(".")
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in MODULES:
                    out.append((node, sub, None))
                elif base in MODULES:
                    out.append((node, base, a.name))
    return out


GRAPH = {name: {t for _, t, _ in _imports(name) if t != name} for name in MODULES}


def _cycles():
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return comps


def test_the_walk_sees_the_package():
    assert {"rnnlab", "rnnlab.model", "rnnlab.nn.lstm", "rnnlab.mappings.base"} <= set(MODULES)
    assert "rnnlab.nn.stack" in GRAPH["rnnlab.mappings.base"]          # a relative import
    assert "rnnlab.mappings" in GRAPH["rnnlab.model"]


def test_no_import_cycle():
    assert _cycles() == []


@pytest.mark.parametrize("importer, forbidden", [
    ("rnnlab.nn", ("rnnlab.mappings", "rnnlab.model", "rnnlab.train", "rnnlab.io",
                   "rnnlab.experiments", "rnnlab.cli", "rnnlab.analysis", "rnnlab.tasks")),
    ("rnnlab.mappings", ("rnnlab.model", "rnnlab.train", "rnnlab.io", "rnnlab.experiments",
                         "rnnlab.cli", "rnnlab.analysis")),
    ("rnnlab.io", ("rnnlab.model", "rnnlab.mappings", "rnnlab.nn", "rnnlab.train",
                   "rnnlab.experiments", "rnnlab.cli")),
    ("rnnlab.model", ("rnnlab.experiments", "rnnlab.cli", "rnnlab.analysis")),
    ("rnnlab.analysis", ("rnnlab.experiments", "rnnlab.cli")),
    ("rnnlab.tasks", ("rnnlab.experiments", "rnnlab.cli")),
    ("rnnlab.plots", ("rnnlab.experiments", "rnnlab.cli", "rnnlab.model", "rnnlab.train",
                      "rnnlab.analysis", "rnnlab.tasks", "rnnlab.nn", "rnnlab.mappings")),
])
def test_imports_run_one_way(importer, forbidden):
    """The layers of DESIGN.md section 2: nn <- mappings <- model <- train <- experiments <- cli;
    io imports no model."""
    bad = sorted((m, t) for m in GRAPH if m == importer or m.startswith(importer + ".")
                 for t in GRAPH[m] if any(t == f or t.startswith(f + ".") for f in forbidden))
    assert bad == []


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def _private_use(name):
    """Uses of private names that cross a module boundary: `from m import _x` from another
    module, a private module imported from outside its package, and `obj._x` on anything
    but self or cls."""
    found = []
    for node, target, imported in _imports(name):
        if imported is not None and _private(imported) and target != name:
            found.append(f"line {node.lineno}: from {target} import {imported}")
        last = target.rpartition(".")[2]
        owner = target.rpartition(".")[0]
        if _private(last) and not (name == owner or name.startswith(owner + ".")):
            found.append(f"line {node.lineno}: private module {target} outside {owner}")
    tree = ast.parse(MODULES[name].read_text())
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_crosses_a_module(name):
    assert _private_use(name) == []
