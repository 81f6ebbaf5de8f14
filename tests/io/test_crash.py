"""A save killed at any moment leaves the old model or the new one, never neither.

A forked child saves models of two architectures into the same folder, over and over, and reports
each completed save on a pipe. The parent kills it with SIGKILL after a random delay. Then it
checks three things: the folder loads, the model is the last completed save or the one in
progress (its weights all equal its save number, its architecture follows the number's parity),
and the next successful save leaves no temporary behind.
"""
import os
import signal
import struct
import sys
import time

import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="fork, SIGKILL and the atomic swap of two names (Linux)")

KILLS = 60


def _models():
    """Two architectures with different files: number n is saved by models[n % 2]."""
    return (rl.RNN(2, 3, 1, seed=1),
            rl.RNN(2, 5, 2, cell="lstm", n_layers=2, bidirectional=True, seed=2))


def _fill(model, n):
    for _, a in leaves(model.params):
        a[...] = n                                     # exact in float32 for n < 2**24


def _number(model):
    values = {float(v) for _, a in leaves(model.params) for v in np.unique(a)}
    assert len(values) == 1, f"a mixture of saves: {sorted(values)[:5]}"
    return int(values.pop())


def _saver(folder, models, first, w):
    """The child: save first, first + 1, ... and write each finished number to the pipe."""
    try:
        n = first
        while True:
            model = models[n % 2]
            _fill(model, n)
            model.save(folder, overwrite=True)
            os.write(w, struct.pack("<q", n))
            n += 1
    finally:
        os._exit(0)


def test_a_killed_save_leaves_the_old_or_the_new_model(tmp_path):
    models = _models()
    folder = tmp_path / "model"
    _fill(models[0], 0)
    models[0].save(folder)
    start = time.perf_counter()
    models[0].save(folder, overwrite=True)
    save_time = time.perf_counter() - start
    rng = np.random.default_rng(7)
    current, outcomes = 0, {"old": 0, "new": 0}
    for _ in range(KILLS):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _saver(folder, models, current + 1, w)
        os.close(w)
        time.sleep(rng.uniform(0, 2 * save_time))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        done = b""
        while chunk := os.read(r, 1 << 16):
            done += chunk
        os.close(r)
        finished = [current, *struct.unpack(f"<{len(done) // 8}q", done)]
        back = rl.load(folder)                           # never neither: it loads
        n = _number(back)
        assert n in (finished[-1], finished[-1] + 1), (n, finished[-1])
        assert back.get_config() == models[n % 2].get_config()
        outcomes["new" if n > finished[-1] else "old"] += 1
        current = n + 1                                  # a successful save cleans up
        _fill(models[current % 2], current)
        models[current % 2].save(folder, overwrite=True)
        assert os.listdir(tmp_path) == ["model"], os.listdir(tmp_path)
        assert sorted(os.listdir(folder)) == ["config.json", "params.npz"]
        assert _number(rl.load(folder)) == current
    assert outcomes["old"] > 0 and current > KILLS       # kills did land inside saves


def test_a_reader_racing_saves_reads_one_whole_model(tmp_path):
    """While a child saves two architectures into the folder as fast as it can, every load
    succeeds and returns one save whole (never one save's config with another's arrays)."""
    models = _models()
    folder = tmp_path / "model"
    _fill(models[0], 0)
    models[0].save(folder)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        _saver(folder, models, 1, w)
    os.close(w)
    try:
        seen = set()
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline and len(seen) < 40:
            back = rl.load(folder)
            n = _number(back)
            assert back.get_config() == models[n % 2].get_config()
            seen.add(n)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
    assert len(seen) > 5 and {n % 2 for n in seen} == {0, 1}       # it did race the saves
