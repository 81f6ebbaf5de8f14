"""Saving and loading: round trips, atomic writes, no pickle, and tampered files refused."""
import json
import os

import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves


@pytest.mark.parametrize("kw", [dict(), dict(n_layers=2, bidirectional=True, output="softmax"),
                                dict(mapping="many-to-one", learn_h0=True, dtype="float64")])
def test_round_trip(tmp_path, rng, kw):
    m = rl.RNN(2, 5, 3, seed=4, **kw)
    for _, a in leaves(m.params):                       # make the weights non-default
        a += rng.standard_normal(a.shape).astype(a.dtype)
    m.save(tmp_path / "model")
    assert sorted(os.listdir(tmp_path / "model")) == ["config.json", "params.npz"]   # no temp files
    back = rl.load(tmp_path / "model")
    assert back.get_config() == m.get_config()
    X = rng.standard_normal((2, 4, 2))
    np.testing.assert_array_equal(back.predict(X), m.predict(X))
    m.save(tmp_path / "model")                          # overwriting an existing checkpoint works
    assert rl.load(tmp_path / "model").get_config() == m.get_config()


def _saved(tmp_path):
    m = rl.RNN(2, 3, 1)
    m.save(tmp_path / "m")
    return tmp_path / "m", dict((".".join(map(str, p)), a) for p, a in leaves(m.params))


def test_load_refuses_mismatched_arrays(tmp_path):
    path, arrays = _saved(tmp_path)
    np.savez(path / "params.npz", **dict(arrays, **{"layers.0.W11": np.zeros((4, 4), np.float32)}))
    with pytest.raises(ValueError, match=r"layers.0.W11 has shape \(4, 4\).*needs \(3, 3\)"):
        rl.load(path)
    np.savez(path / "params.npz", **{k: v for k, v in arrays.items() if k != "output.b1"})
    with pytest.raises(ValueError, match=r"missing \['output.b1'\]"):
        rl.load(path)
    np.savez(path / "params.npz", **dict(arrays, extra=np.zeros(2)))
    with pytest.raises(ValueError, match=r"unexpected \['extra'\]"):
        rl.load(path)
    np.savez(path / "params.npz", **dict(arrays, **{"output.b1": arrays["output.b1"].astype(np.float64)}))
    with pytest.raises(ValueError, match="dtype float64"):
        rl.load(path)


def test_load_never_unpickles(tmp_path):
    path, arrays = _saved(tmp_path)
    obj = np.empty(1, dtype=object)
    obj[0] = {"evil": 1}
    np.savez(path / "params.npz", **dict(arrays, **{"output.b1": obj}))
    with pytest.raises(ValueError, match="not a readable .npz archive of plain arrays"):
        rl.load(path)


@pytest.mark.parametrize("damage,match", [
    (lambda p: (p / "params.npz").write_bytes(b"not a zip"), "not a readable .npz"),
    (lambda p: (p / "params.npz").unlink(), "params.npz is missing"),
    (lambda p: (p / "config.json").write_text("{oops"), "not readable JSON"),
    (lambda p: (p / "config.json").unlink(), "is not a saved model"),
    (lambda p: (p / "config.json").write_text(json.dumps({"format": "other"})), "not an rnnlab model"),
    (lambda p: (p / "config.json").write_text(json.dumps(
        {"format": "rnnlab-model", "version": 99, "config": {}})), "format version 99"),
    (lambda p: (p / "config.json").write_text(json.dumps(
        {"format": "rnnlab-model", "version": 1, "config": {"n_in": 2, "n_hidden": 3, "n_out": 1,
                                                            "cell": "nope"}})), "invalid configuration"),
])
def test_load_refuses_damaged_folders(tmp_path, damage, match):
    path, _ = _saved(tmp_path)
    damage(path)
    with pytest.raises(ValueError, match=match):
        rl.load(path)


def test_a_failed_write_leaves_the_old_checkpoint(tmp_path):
    m = rl.RNN(2, 3, 1)
    m.save(tmp_path / "m")
    before = (tmp_path / "m" / "params.npz").read_bytes()
    from rnnlab.checkpoint import atomic_write

    def boom(f):
        f.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(tmp_path / "m" / "params.npz", boom)
    assert (tmp_path / "m" / "params.npz").read_bytes() == before
    assert sorted(os.listdir(tmp_path / "m")) == ["config.json", "params.npz"]


def test_custom_loss_models_cannot_be_saved(tmp_path):
    m = rl.RNN(1, 2, 1, loss=lambda y, t, mask: (0.0, np.zeros_like(y)))
    with pytest.raises(ValueError, match="callable loss cannot be saved"):
        m.save(tmp_path / "m")
