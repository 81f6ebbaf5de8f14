"""Gradient norms of rnnlab.analysis.stability against torch autograd on hand-unrolled twins
(Elman with masks that have a gap, LSTMCell and GRUCell)."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask
from rnnlab.analysis import stability as st

torch = pytest.importorskip("torch")


def _torch_state_grads(m, X, Y, mask=None):
    """Hand-unrolled torch twin of an Elman model: ||dL/dh_top(t)|| and ||dL/dx(t)|| (autograd)."""
    act = {"tanh": torch.tanh, "relu": torch.relu, "identity": lambda a: a}[m.activation]
    t64 = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))
    x = t64(X).requires_grad_(True)
    B, T, _ = X.shape
    msk = torch.ones(B, T, dtype=torch.float64) if mask is None else t64(mask)
    dirs = ("f", "b") if m.bidirectional else (None,)
    inp = [x[:, t] for t in range(T)]
    for layer in m.params["layers"]:
        outs = {}
        for d in dirs:
            p = {k: t64(v) for k, v in (layer if d is None else layer[d]).items()}
            h, hs = torch.zeros(B, m.n_hidden, dtype=torch.float64), [None] * T
            for t in (range(T - 1, -1, -1) if d == "b" else range(T)):
                new = act(inp[t] @ p["W0"].T + h @ p["W11"].T + p["b0"])
                h = msk[:, t, None] * new + (1 - msk[:, t, None]) * h     # padded: carry
                h.retain_grad()
                hs[t] = h
            outs[d] = hs
        inp = [torch.cat([outs[d][t] for d in dirs], dim=1) for t in range(T)]
    out = m.params["output"]
    heads = [(outs[None], out)] if None in outs else [(outs["f"], out["f"]), (outs["b"], out["b"])]

    def y_at(t):
        return sum(hs[t] @ t64(o["W1"]).T + t64(o["b1"]) for hs, o in heads)

    target = t64(Y)
    if m.mapping.name == "many-to-one":
        t_last = {"f": T - 1, "b": 0, None: T - 1}
        y = sum(hs[t_last[d]] @ t64(o["W1"]).T + t64(o["b1"])
                for (hs, o), d in zip(heads, dirs))
        loss = 0.5 * ((y - target) ** 2).sum() / B
    else:
        loss = sum(0.5 * (msk[:, t, None] * (y_at(t) - target[:, t]) ** 2).sum()
                   for t in range(T)) / B
    loss.backward()
    h = np.sqrt(sum(np.array([(hs[t].grad ** 2).sum().item() for t in range(T)])
                    for hs, _ in heads))
    return h, np.sqrt((x.grad ** 2).sum(dim=(0, 2)).numpy())


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
@pytest.mark.parametrize("mapping, n_layers, bidirectional", [
    ("many-to-many", 1, False), ("many-to-one", 1, False), ("many-to-many", 2, False),
    ("many-to-one", 2, True), ("many-to-many", 1, True)])
def test_gradient_norms_equal_torch_autograd(rng, activation, mapping, n_layers, bidirectional):
    B, T, D, H, K = 3, 6, 2, 4, 2
    m = rl.RNN(D, H, K, activation=activation, mapping=mapping, n_layers=n_layers,
               bidirectional=bidirectional, dtype="float64", init="xavier", seed=7)
    X = rng.standard_normal((B, T, D))
    Y = rng.standard_normal((B, K) if mapping == "many-to-one" else (B, T, K))
    want_h, want_x = _torch_state_grads(m, X, Y)
    got = st.gradient_norms(m, X, Y)
    assert got["h"].shape == (T,) and got["x"].shape == (T,)
    np.testing.assert_allclose(got["h"], want_h, rtol=1e-10)
    np.testing.assert_allclose(got["x"], want_x, rtol=1e-10)


def test_gradient_norms_with_a_mask_equal_torch_autograd(rng):
    B, T, D, H = 3, 7, 2, 4
    m = rl.RNN(D, H, 1, dtype="float64", seed=2)
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, 1))
    mask = gapped_mask(T, B).T                            # (B, T): short sequences and a gap
    want_h, want_x = _torch_state_grads(m, X, Y, mask)
    got = st.gradient_norms(m, X, Y, mask)
    np.testing.assert_allclose(got["h"], want_h, rtol=1e-10)
    np.testing.assert_allclose(got["x"], want_x, rtol=1e-10)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gradient_norms_gated_cells_equal_torch_autograd(rng, cell):
    """LSTM and GRU through torch's LSTMCell / GRUCell, unrolled by hand with retain_grad."""
    B, T, D, H = 2, 6, 3, 4
    m = rl.RNN(D, H, 1, cell=cell, mapping="many-to-one", dtype="float64", seed=4)
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, 1))
    p = {k: torch.from_numpy(v) for k, v in m.params["layers"][0].items()}
    tc = (torch.nn.LSTMCell if cell == "lstm" else torch.nn.GRUCell)(D, H).double()
    with torch.no_grad():
        tc.weight_ih.copy_(p["W0"])
        tc.weight_hh.copy_(p["W11"])
        tc.bias_ih.copy_(p["b0"])
        tc.bias_hh.zero_()
        if cell == "gru":
            tc.bias_hh[2 * H:] = p["b_hn"]                    # the n gate's hidden bias
    x = torch.from_numpy(X).requires_grad_(True)
    h = torch.zeros(B, H, dtype=torch.float64)
    c, hs = torch.zeros_like(h), []
    for t in range(T):
        if cell == "lstm":
            h, c = tc(x[:, t], (h, c))
        else:
            h = tc(x[:, t], h)
        h.retain_grad()
        hs.append(h)
    o = m.params["output"]
    y = h @ torch.from_numpy(o["W1"]).T + torch.from_numpy(o["b1"])
    (0.5 * ((y - torch.from_numpy(Y)) ** 2).sum() / B).backward()
    got = st.gradient_norms(m, X, Y)
    np.testing.assert_allclose(got["h"], [hh.grad.norm().item() for hh in hs], rtol=1e-10)
    np.testing.assert_allclose(got["x"], x.grad.norm(dim=(0, 2)).numpy(), rtol=1e-10)
