"""rnnlab.interop.export_onnx: the file passes onnx.checker, uses ONNX's own recurrent operators,
and onnxruntime's CPU provider gives what model.predict gives (float32, 1e-5) for every cell,
1 or 2 layers, one or two directions, the sequence mappings, with and without lengths."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

CELLS = [("elman", "tanh"), ("elman", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
B, T, D, H, K = 4, 6, 3, 5, 2
LENGTHS = np.array([6, 2, 1, 4], dtype=np.int64)
OPS = {"elman": "RNN", "lstm": "LSTM", "gru": "GRU"}


def _model(cell, activation, n_layers, bi, mapping, output="identity", dtype="float32"):
    m = rl.RNN(D, H, K, cell=cell, activation=activation, n_layers=n_layers, bidirectional=bi,
               mapping=mapping, delay=2 if mapping == "many-to-many-delayed" else 0,
               output=output, dtype=dtype)
    rng = np.random.default_rng(1)                   # every bias nonzero, b1_b and b_hn too
    for _, a in leaves(m.params):
        a += rng.normal(scale=0.3, size=a.shape).astype(a.dtype)
    return m


def _session(model, path, **kw):
    file = rl.interop.export_onnx(model, path, **kw)
    onnx.checker.check_model(onnx.load(str(file)), full_check=True)
    return _open(file)


def _open(file):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1     # tiny graphs
    return ort.InferenceSession(str(file), opts, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("lengths", [False, True], ids=["full", "lengths"])
@pytest.mark.parametrize("mapping", ["many-to-one", "many-to-many"])
@pytest.mark.parametrize("bi", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("n_layers", [1, 2])
@pytest.mark.parametrize("cell, activation", CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_onnxruntime_equals_predict(cell, activation, n_layers, bi, mapping, lengths, tmp_path,
                                    rng):
    m = _model(cell, activation, n_layers, bi, mapping)
    sess = _session(m, tmp_path / "m.onnx", lengths=lengths)
    assert [i.name for i in sess.get_inputs()] == ["X"] + (["lengths"] if lengths else [])
    X = rng.normal(size=(B, T, D)).astype(np.float32)
    if lengths:
        mask = np.arange(T)[None, :] < LENGTHS[:, None]
        X[~mask] = 1e3                               # padding must not leak into any output
        got = sess.run(["Y"], {"X": X, "lengths": LENGTHS})[0]
        want = m.predict(X, mask=mask)
    else:
        got, want = sess.run(["Y"], {"X": X})[0], m.predict(X)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_the_graph_uses_onnx_recurrent_operators_and_dynamic_axes(tmp_path, rng):
    for cell, _ in CELLS[1:]:
        m = _model(cell, "tanh", 2, True, "many-to-many")
        file = rl.interop.export_onnx(m, tmp_path / f"{cell}.onnx")
        g = onnx.load(str(file)).graph
        ops = [n.op_type for n in g.node]
        assert ops.count(OPS[cell]) == 2
        rec = [n for n in g.node if n.op_type == OPS[cell]]
        assert all(a.s == b"bidirectional" for n in rec for a in n.attribute if a.name == "direction")
        if cell == "gru":
            assert all(a.i == 1 for n in rec for a in n.attribute if a.name == "linear_before_reset")
        dims = [d.dim_param or d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
        assert dims == ["batch", "time", D]
        sess = _open(file)
        for b, t in [(1, 1), (3, 11)]:               # other batch sizes and lengths, same file
            X = rng.normal(size=(b, t, D)).astype(np.float32)
            np.testing.assert_allclose(sess.run(None, {"X": X})[0], m.predict(X),
                                       rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_delayed_and_one_to_one_and_output_functions(cell, output, tmp_path, rng):
    m = _model(cell, "tanh", 2, True, "many-to-many-delayed", output=output)
    X = rng.normal(size=(B, T, D)).astype(np.float32)
    mask = np.arange(T)[None, :] < LENGTHS[:, None]
    sess = _session(m, tmp_path / "d.onnx", lengths=True)
    np.testing.assert_allclose(sess.run(None, {"X": X, "lengths": LENGTHS})[0],
                               m.predict(X, mask=mask), rtol=1e-5, atol=1e-6)
    sess = _session(m, tmp_path / "d0.onnx")
    np.testing.assert_allclose(sess.run(None, {"X": X})[0], m.predict(X), rtol=1e-5, atol=1e-6)
    m = _model(cell, "tanh", 2, False, "one-to-one", output=output)
    sess = _session(m, tmp_path / "o.onnx")
    X = X[:, 0]
    np.testing.assert_allclose(sess.run(None, {"X": X})[0], m.predict(X), rtol=1e-5, atol=1e-6)


def test_a_float64_model_exports_in_float32(tmp_path, rng):
    m = _model("lstm", "tanh", 2, True, "many-to-one", dtype="float64")
    sess = _session(m, tmp_path / "m.onnx")
    X = rng.normal(size=(B, T, D))
    np.testing.assert_allclose(sess.run(None, {"X": X.astype(np.float32)})[0], m.predict(X),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, export_kw, words", [
    ({"mapping": "one-to-many"}, {}, "mapping='one-to-many'"),
    ({"mapping": "seq2seq"}, {}, "mapping='seq2seq'"),
    ({"learn_h0": True}, {}, "learn_h0=True"),
    ({"activation": "identity"}, {}, "activation='identity'"),
    ({"mapping": "one-to-one"}, {"lengths": True}, "lengths=True"),
])
def test_refused_exports_say_why(kwargs, export_kw, words, tmp_path):
    with pytest.raises(ValueError, match=words):
        rl.interop.export_onnx(rl.RNN(D, H, K, **kwargs), tmp_path / "m.onnx", **export_kw)
    assert not (tmp_path / "m.onnx").exists()
