"""The layouts (NumPy only) on hand-labelled gates, and the extras: a lazy subpackage whose
missing dependencies raise an ImportError naming the extra. Needs neither torch nor onnx."""
import subprocess
import sys

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.interop import layouts


def _labelled(cell, D=2, H=3):
    """rnnlab parameters whose gate block g holds the value g + 1 (b_hn holds 9)."""
    G = layouts.GATES[cell]
    rows = np.repeat(np.arange(1, G + 1, dtype=float), H)                   # (G H,)
    p = {"W0": np.tile(rows[:, None], (1, D)), "W11": np.tile(rows[:, None], (1, H)), "b0": rows}
    if cell == "gru":
        p["b_hn"] = np.full(H, 9.0)
    return p


@pytest.mark.parametrize("cell, order", [("elman", [1]), ("lstm", [1, 4, 2, 3]),
                                         ("gru", [2, 1, 3])])
def test_onnx_gate_orders(cell, order):
    """ONNX stacks LSTM gates i, o, f, c (rnnlab: i, f, g, o) and GRU gates z, r, h (rnnlab:
    r, z, n); B = [Wb, Rb], with the GRU's b_hn in Rb's h block and every other Rb zero."""
    H = 3
    W, R, B = layouts.to_onnx_layer(cell, [_labelled(cell), _labelled(cell)])
    assert W.shape == (2, len(order) * H, 2) and W.dtype == np.float32
    want = np.repeat(order, H).astype(np.float32)
    for d in range(2):
        np.testing.assert_array_equal(W[d, :, 0], want)
        np.testing.assert_array_equal(R[d, :, 0], want)
        np.testing.assert_array_equal(B[d, :len(order) * H], want)
        rb = np.zeros(len(order) * H, np.float32)
        if cell == "gru":
            rb[2 * H:] = 9
        np.testing.assert_array_equal(B[d, len(order) * H:], rb)


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru"])
def test_torch_layout_round_trip_is_exact(cell):
    rng = np.random.default_rng(0)
    p = {k: rng.normal(size=v.shape) for k, v in _labelled(cell).items()}
    back = layouts.from_torch_layer(cell, layouts.to_torch_layer(cell, p), np.float64)
    assert back.keys() == p.keys() and all(np.array_equal(back[k], p[k]) for k in p)
    # PyTorch's two biases: their sum, except the GRU's n block of bias_hh (b_hn)
    t = {"weight_ih": p["W0"], "weight_hh": p["W11"], "bias_ih": np.arange(3.0 * len(p["b0"]) / 3),
         "bias_hh": np.full(len(p["b0"]), 10.0)}
    got = layouts.from_torch_layer(cell, t, np.float64)
    want = t["bias_ih"] + 10
    if cell == "gru":
        want[6:] -= 10
        np.testing.assert_array_equal(got["b_hn"], [10, 10, 10])
    np.testing.assert_array_equal(got["b0"], want)


def test_fused_output_and_its_split():
    out = {"f": {"W1": np.ones((2, 3)), "b1": np.array([1.0, 2.0])},
           "b": {"W1": 2 * np.ones((2, 3)), "b1": np.array([0.5, 0.25])}}
    W, b = layouts.fused_output(out, True)
    np.testing.assert_array_equal(W, np.hstack([np.ones((2, 3)), 2 * np.ones((2, 3))]))
    np.testing.assert_array_equal(b, [1.5, 2.25])
    kept = layouts.split_output(W, b, 3, True, np.float64, keep=(out["f"]["b1"], out["b"]["b1"]))
    np.testing.assert_array_equal(kept["b"]["b1"], [0.5, 0.25])
    moved = layouts.split_output(W, b + 1, 3, True, np.float64, keep=(out["f"]["b1"],
                                                                       out["b"]["b1"]))
    np.testing.assert_array_equal(moved["f"]["b1"], [2.5, 3.25])
    np.testing.assert_array_equal(moved["b"]["b1"], [0, 0])


def test_interop_loads_lazily_and_imports_no_extra():
    code = ("import sys, rnnlab as rl; m = rl.interop; print(sorted(set(['torch', 'onnx', "
            "'onnxruntime']) & set(sys.modules)), 'to_torch' in dir(m), 'export_onnx' in dir(m))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "True", "True"]


@pytest.mark.parametrize("missing, module, name, extra", [
    ("torch", "pytorch", "to_torch", "rnnlab[torch]"),
    ("torch", "pytorch", "from_torch", "rnnlab[torch]"),
    ("onnx", "onnx_export", "export_onnx", "rnnlab[onnx]"),
])
def test_a_missing_extra_raises_import_error_naming_it(missing, module, name, extra, monkeypatch):
    monkeypatch.setitem(sys.modules, missing, None)            # as if it were not installed
    monkeypatch.delitem(sys.modules, f"rnnlab.interop.{module}", raising=False)
    for attr in (module, name):                                # loaded ones, without loading
        if attr in vars(rl.interop):
            monkeypatch.delattr(rl.interop, attr)
    with pytest.raises(ImportError, match=extra.replace("[", r"\[").replace("]", r"\]")):
        getattr(rl.interop, name)
