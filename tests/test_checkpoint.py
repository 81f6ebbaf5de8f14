"""Saving and loading: round trips, overwrite=, no pickle, and damaged folders refused with
rl.CheckpointError (tests/io/ holds the tampering and crash tests)."""
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
    with pytest.raises(FileExistsError, match="already holds a saved model; pass overwrite=True"):
        m.save(tmp_path / "model")
    m.save(tmp_path / "model", overwrite=True)          # re-saving into its own folder works
    assert rl.load(tmp_path / "model").get_config() == m.get_config()
    assert sorted(os.listdir(tmp_path)) == ["model"]    # no temporaries beside it either


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
    with pytest.raises(rl.CheckpointError, match="never pickled"):
        rl.load(path)


@pytest.mark.parametrize("damage,match", [
    (lambda p: (p / "params.npz").write_bytes(b"not a zip"), "not a readable .npz"),
    (lambda p: (p / "params.npz").unlink(), "params.npz is missing"),
    (lambda p: (p / "config.json").write_text("{oops"), "not valid JSON"),
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
    with pytest.raises(rl.CheckpointError, match=match):
        rl.load(path)


def test_a_failed_save_leaves_the_old_model(tmp_path):
    m = rl.RNN(2, 3, 1)
    m.save(tmp_path / "m")
    before = {n: (tmp_path / "m" / n).read_bytes() for n in ("params.npz", "config.json")}
    big = rl.RNN(2, 3, 1, cell="lstm")
    big.params["output"]["W1"] = np.empty((1, 3), dtype=object)        # cannot be written
    with pytest.raises(ValueError):
        big.save(tmp_path / "m", overwrite=True)
    assert {n: (tmp_path / "m" / n).read_bytes() for n in before} == before
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_save_never_replaces_what_rnnlab_did_not_write(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "config.json").write_text('{"theirs": true}')
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match=r"not a saved model that rnnlab wrote.*"
                                                  r"config.json"):
            rl.RNN(1, 2, 1).save(app, overwrite=overwrite)
    assert (app / "config.json").read_text() == '{"theirs": true}'
    m = rl.RNN(1, 2, 1)
    m.save(tmp_path / "mine")
    (tmp_path / "mine" / "notes.txt").write_text("mine too")        # a file rnnlab did not write
    with pytest.raises(FileExistsError, match="notes.txt"):
        m.save(tmp_path / "mine", overwrite=True)
    (tmp_path / "empty").mkdir()                                     # an empty folder is fine
    m.save(tmp_path / "empty")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileExistsError, match="not a folder"):
        m.save(tmp_path / "afile")
    os.symlink(tmp_path / "mine2", tmp_path / "link")                # a link's target is saved to
    (tmp_path / "mine2").mkdir()
    m.save(tmp_path / "link")
    assert os.path.islink(tmp_path / "link") and rl.load(tmp_path / "link").n_hidden == 2


def test_custom_loss_models_cannot_be_saved(tmp_path):
    m = rl.RNN(1, 2, 1, loss=lambda y, t, mask: (0.0, np.zeros_like(y)))
    with pytest.raises(ValueError, match="callable loss cannot be saved"):
        m.save(tmp_path / "m")
