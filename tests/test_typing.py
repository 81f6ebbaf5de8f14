"""Typing as shipped: the stubs of the lazily loading packages name exactly what their
__init__ loads, and ship in the wheel; every public function and method is annotated; mypy
(configured in pyproject's [tool.mypy]) finds no error in the package."""
import ast
import fnmatch
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import rnnlab

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "rnnlab"


# -- the stubs of the lazy packages -------------------------------------------------------------
def _attach_call(init: Path):
    """(attrs {name: submodule}, modules) of the attach(...) call in a package's __init__.py,
    or None when it loads nothing lazily."""
    for node in ast.walk(ast.parse(init.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "attach"):
            attrs = ast.literal_eval(node.args[1])
            modules = ast.literal_eval(node.args[2]) if len(node.args) > 2 else ()
            return attrs, tuple(modules)
    return None


LAZY = sorted(p.parent for p in PKG.rglob("__init__.py") if _attach_call(p) is not None)


def _stub_names(stub: Path):
    """(attrs {name: submodule}, modules, other names) that the stub binds, from its
    `from .m import x as x` and `from . import m as m` lines and its annotated names."""
    attrs, modules, other = {}, set(), set()
    for node in ast.parse(stub.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            assert node.level == 1, f"{stub}: only relative imports of the package itself"
            for alias in node.names:
                assert alias.asname == alias.name, (
                    f"{stub}: write `{alias.name} as {alias.name}` (an explicit re-export)")
                if node.module is None:
                    modules.add(alias.name)
                else:
                    attrs[alias.name] = node.module
        elif isinstance(node, ast.AnnAssign):
            other.add(node.target.id)
        elif isinstance(node, ast.Assign):
            other.update(t.id for t in node.targets)
    return attrs, modules, other


def test_every_lazy_package_is_seen():
    assert {p.relative_to(PKG).as_posix() for p in LAZY} >= {".", "tasks", "analysis", "interop",
                                                             "plots"}


@pytest.mark.parametrize("package", LAZY, ids=lambda p: p.relative_to(PKG).as_posix())
def test_stub_names_what_the_package_loads_lazily(package):
    """The stub and the attach() call name the same attributes (from the same submodules)
    and the same submodules, so that they cannot drift apart."""
    stub = package / "__init__.pyi"
    assert stub.is_file(), f"{package} loads names lazily but has no __init__.pyi"
    attrs, modules = _attach_call(package / "__init__.py")
    stub_attrs, stub_modules, other = _stub_names(stub)
    assert stub_attrs == attrs
    assert stub_modules == set(modules)
    name = ".".join(("rnnlab", *package.relative_to(PKG).parts))
    runtime_all = importlib.import_module(name).__all__
    stub_all = next(ast.literal_eval(n.value) for n in ast.parse(stub.read_text()).body
                    if isinstance(n, ast.Assign) and n.targets[0].id == "__all__")
    assert stub_all == list(runtime_all)
    assert other <= {"__all__", "__version__"}


def test_the_stub_check_catches_a_drift(tmp_path):
    """The rule itself: a name missing from a stub is seen."""
    init, stub = tmp_path / "__init__.py", tmp_path / "__init__.pyi"
    init.write_text('x = attach(__name__, {"a": "m", "b": "m"}, ("m",))\n')
    stub.write_text("from . import m as m\nfrom .m import a as a\n")
    assert _stub_names(stub)[0] != _attach_call(init)[0]


def test_stubs_and_marker_are_package_data():
    """pyproject's package-data ships py.typed and every __init__.pyi (.ci/run checks the
    installed wheel too)."""
    tomllib = pytest.importorskip("tomllib")
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = doc["tool"]["setuptools"]["package-data"]["rnnlab"]
    files = ["py.typed", *(p.relative_to(PKG).as_posix() for p in PKG.rglob("*.pyi"))]
    assert len(files) > 1
    for f in files:
        assert (PKG / f).is_file()
        assert any(fnmatch.fnmatchcase(f, pat) and pat.count("/") == f.count("/")
                   for pat in patterns), f


# -- annotations on every public function -------------------------------------------------------
def _public_modules():
    """(imported modules, modules skipped because an optional extra is missing)."""
    mods, skipped = [], []
    for info in pkgutil.walk_packages(rnnlab.__path__, "rnnlab."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        try:
            mods.append(importlib.import_module(info.name))
        except ImportError as err:                     # an extra that is not installed
            skipped.append(f"{info.name} ({err})")
    return mods, skipped


def _functions(mod):
    """(qualified name, function) for the public functions of `mod` and the public methods
    (and __init__, __call__) of its public classes, defined in `mod` itself."""
    for name, obj in vars(mod).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{mod.__name__}.{name}", obj
        elif inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if attr.startswith("_") and attr not in ("__init__", "__call__"):
                    continue
                if isinstance(value, (staticmethod, classmethod)):
                    value = value.__func__
                elif isinstance(value, property):
                    value = value.fget
                if inspect.isfunction(value) and value.__module__ == mod.__name__:
                    yield f"{mod.__name__}.{name}.{attr}", value


def _missing(qualname, fn):
    """What `fn` leaves unannotated: parameters (self and cls excepted) and the return."""
    out = []
    ann = fn.__annotations__
    for i, p in enumerate(inspect.signature(fn).parameters):
        if not (i == 0 and p in ("self", "cls")) and p not in ann:
            out.append(f"{qualname}: parameter {p}")
    if "return" not in ann:
        out.append(f"{qualname}: return")
    return out


def _lazy_attr(name):
    """rnnlab's lazy attribute `name`, or None where it needs an extra that is not installed."""
    try:
        return getattr(rnnlab, name)
    except ImportError:
        return None


def test_every_public_function_and_method_is_annotated():
    mods, skipped = _public_modules()
    names = {m.__name__ for m in mods}
    assert {"rnnlab.model", "rnnlab.nn.elman", "rnnlab.mappings.base", "rnnlab.train",
            "rnnlab.cli.train", "rnnlab.io.files"} <= names, skipped
    found = [f for m in mods for f in _functions(m)]
    found += [(f"rnnlab.{n}", getattr(rnnlab, n)) for n in rnnlab.__all__
              if inspect.isfunction(_lazy_attr(n))]
    assert len(found) > 300
    missing = [line for q, fn in found for line in _missing(q, fn)]
    assert missing == []


def test_the_annotation_check_sees_a_gap():
    def f(a: int, b) -> int:
        return a

    def g(self, a: int):
        return a
    assert _missing("f", f) == ["f: parameter b"]
    assert _missing("g", g) == ["g: return"]


# -- the type checker -----------------------------------------------------------------------------
def _mypy(*args, timeout=600):
    """`python -m mypy ARGS` in the checkout (its pyproject configures it), the package found
    in src/ whether or not it is installed."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (the test extra has it: pip install -e '.[test]')")
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_mypy_finds_no_error_in_the_package():
    """pyproject's [tool.mypy] says what is checked (src/rnnlab) and how strictly; the cache
    (.mypy_cache, not committed) makes the runs after the first one fast."""
    out = _mypy()
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]


def test_lazy_names_resolve_for_the_type_checker(tmp_path):
    """Through the stubs: rl.RNN is the class, not the Any of a module __getattr__."""
    code = ("import rnnlab as rl\n"
            "reveal_type(rl.RNN)\nreveal_type(rl.load)\nreveal_type(rl.tasks.addition)\n"
            "reveal_type(rl.optim.Adam)\nreveal_type(rl.set_backend)\nreveal_type(rl.__version__)\n"
            "reveal_type(rl.analysis.exact_parity)\n")
    usage = tmp_path / "usage.py"
    usage.write_text(code)
    out = _mypy(str(usage))
    notes = [line.split("Revealed type is ", 1)[1] for line in out.stdout.splitlines()
             if "Revealed type is" in line]
    assert len(notes) == 7, out.stdout + out.stderr
    assert "rnnlab.model.RNN" in notes[0] and notes[0].startswith('"def (n_in')
    assert notes[1].endswith('-> rnnlab.model.RNN"')
    assert "n_bits: int" in notes[2]
    assert "rnnlab.optim.Adam" in notes[3]
    assert notes[4].replace("builtins.", "") == '"def (name: str)"'
    assert notes[5].replace("builtins.", "") == '"str"'
    assert notes[6].endswith('-> rnnlab.model.RNN"')
    assert not any("Any" == n.strip('"') for n in notes)
