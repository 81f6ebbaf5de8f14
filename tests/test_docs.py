"""The documentation builds with Sphinx with warnings as errors (the topic pages docs/*.md, the
API reference docs/api/ from the docstrings, numpydoc's checks of docs/conf.py), and every public
name of the package appears in the built reference. Needs the `docs` extra; deselect with
`-m "not docs"` (the build takes about 15 s of CPU)."""
import importlib
import importlib.util
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.docs
ROOT = Path(__file__).resolve().parents[1]
MISSING = [m for m in ("sphinx", "numpydoc", "myst_parser") if importlib.util.find_spec(m) is None]


def public_names():
    """(module, name, value) for every public name: rnnlab's own (its lazy list), and in every
    module without a leading underscore in its path, the names of its __all__ or else the
    functions and classes it defines. The command-line modules are the `rnnlab` command
    (docs/cli.md), not an API: only rnnlab.cli.main counts there."""
    import rnnlab
    modules = ["rnnlab"] + [m.name for m in pkgutil.walk_packages(rnnlab.__path__, "rnnlab.")
                            if not any(p.startswith("_") for p in m.name.split("."))
                            and not m.name.startswith(("rnnlab.cli.", "rnnlab.__main__"))]
    out = []
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except ImportError as err:              # a module of an extra that is not installed
            pytest.skip(f"{name} needs an extra that is not installed: {err}")
        if name == "rnnlab.cli":
            out.append((name, "main", mod.main))
            continue
        names = getattr(mod, "__all__", None) or [
            k for k, v in vars(mod).items() if not k.startswith("_")
            and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == name]
        out += [(name, k, getattr(mod, k)) for k in names if k != "__version__"]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if MISSING:
        pytest.skip(f"the docs build needs {', '.join(MISSING)} (pip install 'rnnlab[docs]')")
    out = tmp_path_factory.mktemp("html")
    cmd = [sys.executable, "-m", "sphinx", "-E", "-q", "-W", "--keep-going", "-b", "html",
           str(ROOT / "docs"), str(out)]
    return out, subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_the_docs_build_without_warnings(built):
    out, run = built
    assert run.returncode == 0, f"the docs build failed or warned:\n{run.stderr}"
    assert (out / "index.html").is_file() and (out / "api" / "model.html").is_file()


def _resolve(name):
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(name)


def test_every_public_name_is_in_the_reference(built):
    from sphinx.util.inventory import InventoryFile
    with open(built[0] / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", lambda *parts: "/".join(parts))
    modules = set(inventory.get("py:module", {}))
    documented = {name for kind in ("py:function", "py:class", "py:data", "py:exception")
                  for name in inventory.get(kind, {})}
    by_id = {}
    for name in documented:
        by_id.setdefault(id(_resolve(name)), set()).add(name)
    missing = []
    for mod, name, value in public_names():
        if inspect.ismodule(value):
            ok = value.__name__ in modules
        else:
            ok = f"{mod}.{name}" in documented or any(
                n.rpartition(".")[2] == name for n in by_id.get(id(value), ()))
        if not ok:
            missing.append(f"{mod}.{name}")
    assert not missing, ("public names missing from the API reference (add them to the page "
                         f"of their module in docs/api/): {missing}")
