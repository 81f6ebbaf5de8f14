"""A save killed at any moment leaves the old model or the new one, never neither.

A child saves models of two architectures into the same folder, over and over, and reports each
completed save on a pipe. Children come from a forkserver (a clean single-threaded process with
rnnlab loaded), not from a fork of the test process, whose BLAS, OpenMP and numba threads a
forked child would inherit in whatever state they were in. The parent kills it with SIGKILL after a random delay. Then it
checks three things: the folder loads, the model is the last completed save or the one in
progress (its weights all equal its save number, its architecture follows the number's parity),
and the next successful save leaves no temporary behind.
"""
import multiprocessing
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


READY = -1


def _child(folder, first, conn):
    """A forkserver child: says it is ready (READY), then saves, reporting each save."""
    models = _models()
    os.write(conn.fileno(), struct.pack("<q", READY))
    _saver(folder, models, first, conn.fileno())


def _start(ctx, folder, first):
    """(process, read end): a saving child started from the forkserver."""
    r, w = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(folder, first, w), daemon=True)
    proc.start()
    w.close()
    ready = os.read(r.fileno(), 8)                       # the kill is timed from here
    assert ready == struct.pack("<q", READY), f"the saving child did not start: {ready!r}"
    return proc, r


def _finished(r):
    """Every number the killed child reported, in order."""
    done = b""
    while True:
        try:
            chunk = os.read(r.fileno(), 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        done += chunk
    r.close()
    return list(struct.unpack(f"<{len(done) // 8}q", done))


@pytest.fixture(scope="module")
def ctx():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["numpy", "rnnlab.model", "rnnlab.io"])
    return context


def test_a_killed_save_leaves_the_old_or_the_new_model(tmp_path, ctx):
    models = _models()
    folder = tmp_path / "model"
    _fill(models[0], 0)
    models[0].save(folder)
    start = time.perf_counter()
    models[0].save(folder, overwrite=True)
    save_time = time.perf_counter() - start
    rng = np.random.default_rng(7)
    current, outcomes = 0, {"old": 0, "new": 0}
    for kill in range(KILLS):
        proc, r = _start(ctx, folder, current + 1)
        time.sleep(rng.uniform(0, 2 * save_time))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        finished = [current, *_finished(r)]
        back = rl.load(folder)                           # never neither: it loads
        n = _number(back)
        assert n in (finished[-1], finished[-1] + 1), (kill, n, finished[-3:])
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
