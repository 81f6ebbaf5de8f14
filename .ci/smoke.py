"""Smoke test of rnnlab as shipped: run from outside the source tree against an installed wheel.

Checks that the installed package (not the checkout) imports, trains, saves and loads, and
carries its data files, license, py.typed marker and type stubs."""
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

import rnnlab as rl

here = Path(rl.__file__).resolve().parent
assert "site-packages" in str(here), f"rnnlab imported from {here}, not from the installed wheel"
assert (here / "py.typed").is_file(), "py.typed is missing from the wheel"
for stub in ("__init__.pyi", "tasks/__init__.pyi", "interop/__init__.pyi"):
    assert (here / stub).is_file(), f"{stub} (the type stub of a lazy package) is missing from the wheel"
dist = metadata.distribution("rnnlab")
names = {str(f) for f in dist.files}
assert any(n.endswith("LICENSE") for n in names), "LICENSE is missing from the wheel"
assert rl.tasks.timeseries.load_series("sunspots")[1].size > 100, "packaged data missing"

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(64, 10, 1))
Y = 0.5 * np.cumsum(X, axis=1)
model = rl.RNN(1, 8, 1, seed=0)
history = model.fit(X, Y, optimizer=rl.optim.Adam(lr=0.01), epochs=3, progress=False)
assert history.loss[-1] < history.loss[0], history.loss
with tempfile.TemporaryDirectory() as tmp:
    model.save(Path(tmp) / "m")
    again = rl.load(Path(tmp) / "m")
    assert np.array_equal(again.predict(X), model.predict(X))
print(f"smoke: rnnlab {rl.__version__} from {here}: import, fit, save/load ok", file=sys.stderr)
