"""The package's structure, checked by walking the source: no import cycle (imports inside
functions included), imports that run one way (nn below mappings below the model; io below the
model), no module reaching into another's private names, and tests that mirror the package
(every module with behaviour has its test module)."""
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


# -- the tests mirror the package -----------------------------------------------------------------
TESTS = Path(__file__).resolve().parent

# Modules with behaviour whose tests live elsewhere, and where. Keep this short: a new module
# gets its own test module, tests/<same folders>/test_<name>.py (test_<name>_torch.py and the
# like for tests that need an extra).
COVERED_ELSEWHERE = {
    "rnnlab._checks": "test_model.py",              # every bad-input test of the public API
    "rnnlab._lazy": "test_package.py",              # lazy attributes after a bare import
    "rnnlab._malloc": "test_package.py",            # test_tune_malloc
    "rnnlab.nn._time": "nn/test_cell_contract.py",  # the time loop of every cell
    "rnnlab.nn.reference": "nn/test_cell_contract.py",  # the oracle of the contract suite
    "rnnlab.__main__": "cli/test_table.py",         # `python -m rnnlab` in the subprocess cases
    "rnnlab.cli.interop": "interop/test_cli.py",
    "rnnlab.interop.pytorch": "interop/test_torch.py",
    "rnnlab.interop.onnx_export": "interop/test_onnx.py",
    "rnnlab.io.arrays": "io/test_tamper.py",        # every refusal of a hostile archive
    "rnnlab.io.checkpoint": "io/test_tamper.py",
    "rnnlab.io.folders": "io/test_crash.py",        # whole or not at all, under SIGKILL
    # tests/sklearn would shadow scikit-learn itself (tests/ is on sys.path): another name
    **{f"rnnlab.sklearn{m}": "sklearn_estimators/test_estimators.py"
       for m in ("", ".base", ".estimators", ".inputs")},
    **{f"rnnlab.plots{m}": "test_plots.py" for m in ("", ".base", ".forward", ".text",
                                                      ".timeseries", ".digits", ".mappings",
                                                      ".benefit", ".stability")},
}


def _has_behaviour(path):
    """True when a module defines a function or a class (not only imports and constants)."""
    tree = ast.parse(path.read_text())
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for n in ast.walk(tree))


def _test_modules_for(name):
    """The test modules that mirror a source module: tests/<folders>/test_<name>.py and
    test_<name>_<anything>.py (a leading underscore of the module's name dropped); for a
    package's __init__, any test module in tests/<folders>/ (the root package: test_package.py)."""
    parts = name.split(".")[1:]
    if MODULES[name].name == "__init__.py":
        if not parts:
            return [p for p in [TESTS / "test_package.py"] if p.exists()]
        return sorted(TESTS.joinpath(*parts).glob("test_*.py"))
    folder, stem = TESTS.joinpath(*parts[:-1]), parts[-1].lstrip("_")
    return sorted(p for p in folder.glob(f"test_{stem}*.py")
                  if p.stem == f"test_{stem}" or p.stem.startswith(f"test_{stem}_"))


def test_every_module_with_behaviour_has_a_test_module():
    missing = [name for name in sorted(MODULES)
               if _has_behaviour(MODULES[name]) and name not in COVERED_ELSEWHERE
               and not _test_modules_for(name)]
    assert missing == [], ("source modules without a mirrored test module (add "
                           "tests/<folders>/test_<name>.py, or, if another test module covers "
                           "it, an entry in COVERED_ELSEWHERE)")


def test_the_allow_list_names_real_modules_and_test_modules():
    for name, test in COVERED_ELSEWHERE.items():
        assert name in MODULES, name
        assert (TESTS / test).exists(), (name, test)


def test_the_mirror_is_checked_by_name():
    """The rule itself: a module finds its mirror, and a module without one is reported."""
    assert [p.name for p in _test_modules_for("rnnlab.mappings.seq2seq")] == ["test_seq2seq.py"]
    assert {p.name for p in _test_modules_for("rnnlab.model")} >= {
        "test_model.py", "test_model_torch.py", "test_model_gated.py"}
    assert [p.name for p in _test_modules_for("rnnlab._state")] == ["test_state.py"]
    assert _test_modules_for("rnnlab.nn.stack") and not _test_modules_for("rnnlab.nn.reference")
