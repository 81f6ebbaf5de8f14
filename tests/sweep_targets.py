"""Functions f(config, seed) for the sweep tests: importable by the Dask workers (tests/ is on
their sys.path, as on the test process's), each leaves traces in files so a test can count calls."""
import os
import signal
from pathlib import Path

import numpy as np


def noisy(config, seed):
    """A number and a claim that depend only on (config, seed); logs each call to config["log"]."""
    if config.get("log"):
        with open(config["log"], "a") as f:
            f.write(f"{config.get('a')} {seed}\n")
    rng = np.random.default_rng([seed, int(config.get("a", 0))])
    x = float(rng.normal()) * config.get("a", 1)
    return {"x": x, "big": bool(x > 0.5), "note": "text is kept, not averaged"}


def fails_on_seed_2(config, seed):
    if seed == 2:
        raise RuntimeError(f"seed {seed} fails on purpose")
    return noisy(config, seed)


def dies_once(config, seed):
    """Kill this worker process the first time seed 1 runs (a marker file remembers)."""
    marker = Path(config["marker"])
    if seed == 1 and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return dict(noisy(config, seed), pid=os.getpid())


def train_tiny(config, seed):
    """A tiny Elman RNN trained for a few epochs: its final loss and one prediction, to the bit."""
    import rnnlab as rl
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(16, 6, 1))
    Y = np.cumsum(X, axis=1) * 0.3
    model = rl.RNN(1, config["hidden"], 1, seed=seed, dtype="float64")
    hist = model.fit(X, Y, lr=config["lr"], epochs=3, batch_size=8, seed=seed, progress=False)
    return {"loss": hist.loss[-1], "pred": model.predict(X[:1]).ravel().tolist()}
