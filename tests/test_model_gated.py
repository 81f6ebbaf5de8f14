"""rnnlab.RNN with cell="lstm" and cell="gru", NumPy alone: finite differences on every entry
through every mapping (masks with a gap), truncated BPTT's carried (h, c), and an LSTM that
learns a long-lag task which an Elman network of the same size does not. PyTorch's nn.LSTM /
nn.GRU as the oracle: tests/test_model_gated_torch.py."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask
from rnnlab._tree import leaves

B, T, D, H, K = 3, 6, 2, 4, 3
CELLS = ("lstm", "gru")

MAPPING_CASES = [("many-to-many", 1, False), ("many-to-many", 2, True), ("many-to-one", 2, True),
                 ("many-to-many-delayed", 1, False), ("one-to-one", 2, False),
                 ("one-to-many", 1, True), ("seq2seq", 2, False)]


def _case(rng, mapping):
    """(X, Y, mask) shaped for the mapping, float64."""
    X3, Y3 = rng.standard_normal((B, 5, D)), rng.standard_normal((B, 5, K))
    m = gapped_mask(5, B).T                                 # (B, T): short sequences and a gap
    ends = m.cumprod(axis=1).astype(bool)                   # padding at the end only
    return {"many-to-many": (X3, Y3, m), "many-to-many-delayed": (X3, Y3, ends),
            "many-to-one": (X3, Y3[:, 0], m), "one-to-one": (X3[:, 0], Y3[:, 0], None),
            "one-to-many": (X3[:, 0], Y3, m), "seq2seq": (X3, Y3[:, :4], m)}[mapping]


@pytest.mark.parametrize("mapping,n_layers,bidirectional", MAPPING_CASES)
@pytest.mark.parametrize("cell", CELLS)
def test_gradcheck_every_entry_through_every_mapping(rng, cell, mapping, n_layers, bidirectional):
    """Finite differences on every parameter (learned initial states (h0, c0) included) and X."""
    X, Y, mask = _case(rng, mapping)
    kw = {"delay": 2} if mapping == "many-to-many-delayed" else {}
    model = rl.RNN(D, 3, K, cell=cell, mapping=mapping, n_layers=n_layers,
                   bidirectional=bidirectional, learn_h0=True, seed=2, **kw)
    for path, p in leaves(model.params):                    # learned states away from zero
        if path[0] == "h0":
            p[...] = rng.standard_normal(p.shape)
    worst, errors = rl.gradcheck(model, X, Y, mask=mask, details=True)
    assert worst < 1e-6, errors


@pytest.mark.parametrize("cell", CELLS)
def test_gradcheck_with_given_initial_states_and_mask(rng, cell):
    """dL/dh0 (and dL/dc0) of a given initial state, two bidirectional layers, padded batch."""
    X, Y, mask = _case(rng, "many-to-many")
    model = rl.RNN(D, 3, K, cell=cell, n_layers=2, bidirectional=True, seed=4)

    def state():
        return (tuple(rng.standard_normal((B, 3)) for _ in range(2)) if cell == "lstm"
                else rng.standard_normal((B, 3)))

    h0 = [{"f": state(), "b": state()} for _ in range(2)]
    worst, errors = rl.gradcheck(model, X, Y, mask=mask, h0=h0, details=True)
    assert any(name.startswith("h0.") for name in errors)
    assert worst < 1e-6, errors


@pytest.mark.parametrize("cell", CELLS)
def test_truncated_bptt_carries_the_whole_state(rng, cell):
    """Two chunks with the state returned by the first (for the LSTM, h and c) give exactly the
    loss of the whole sequence; with bptt >= T training equals full BPTT."""
    X, Y = rng.standard_normal((4, 8, D)), rng.standard_normal((4, 8, K))
    m = rl.RNN(D, H, K, cell=cell, dtype="float64", seed=1)
    l1, _, s1 = m.loss_and_grads(X[:, :5], Y[:, :5], return_state=True)
    l2, _ = m.loss_and_grads(X[:, 5:], Y[:, 5:], h0=s1)
    assert l1 + l2 == pytest.approx(m.evaluate(X, Y), rel=1e-12)
    if cell == "lstm":                                       # dropping c changes the result
        lost = [(s[0], np.zeros_like(s[1])) for s in s1]
        assert m.loss_and_grads(X[:, 5:], Y[:, 5:], h0=lost)[0] != pytest.approx(l2, rel=1e-6)
    a, b = rl.RNN(D, H, K, cell=cell, seed=1), rl.RNN(D, H, K, cell=cell, seed=1)
    a.fit(X, Y, epochs=2, batch_size=2, progress=False)
    b.fit(X, Y, epochs=2, batch_size=2, bptt=8, progress=False)
    for (_, pa), (_, pb) in zip(leaves(a.params), leaves(b.params)):
        np.testing.assert_array_equal(pa, pb)


def _long_lag_task(rng, n, lag):
    """Remember a value v ~ U(-1, 1) shown at step 1 (with a marker on channel 2) through lag - 1
    steps of N(0, 1) noise on the same channel, and output it at the last step (many-to-one)."""
    v = rng.uniform(-1, 1, n)
    X = np.zeros((n, lag, 2))
    X[:, 0, 0], X[:, 0, 1] = v, 1.0
    X[:, 1:, 0] = rng.standard_normal((n, lag - 1))
    return X, v[:, None]


@pytest.mark.training
def test_lstm_learns_a_long_lag_that_elman_does_not():
    """Lag 40, 16 units each, same data, optimizer and budget (30 epochs of Adam), 5 seeds. The
    LSTM's forget bias starts at 3: sigmoid(3)^40 = 0.13 of the cell's gradient survives the lag
    at the start, while the Elman gradient shrinks by the product of 40 Jacobians
    W11^T diag(1 - h^2). A single run sits near a knife's edge (with 8 units and 20 epochs, one
    seed's R^2 went from 0.97 to -0.02 when OpenBLAS switched kernels), so the claim is a vote:
    the median over seeds. Measured with 12 seeds under each of three BLAS settings (Haswell,
    SkylakeX, one thread): 1 of 36 LSTM runs and 2 of 36 Elman runs fell on the wrong side of
    their line, so a majority of 5 seeds has a wide margin."""
    X, Y = _long_lag_task(np.random.default_rng(0), 1024, 40)
    Xt, Yt = _long_lag_task(np.random.default_rng(1), 512, 40)
    r2 = {"lstm": [], "elman": []}
    for cell, extra in (("lstm", {"forget_bias": 3.0}), ("elman", {})):
        for seed in range(5):
            model = rl.RNN(2, 16, 1, cell=cell, mapping="many-to-one", seed=seed, **extra)
            model.fit(X, Y, epochs=30, batch_size=32, lr=1e-2, progress=False, seed=seed)
            pred = model.predict(Xt)
            r2[cell].append(float(1 - np.mean((pred - Yt) ** 2) / np.var(Yt)))
    print("long lag 40, R^2 on held-out sequences per seed:", r2)
    assert np.median(r2["lstm"]) > 0.9, r2
    assert np.median(r2["elman"]) < 0.3, r2


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_a_non_tanh_activation_is_refused(cell, activation):
    with pytest.raises(ValueError, match=f"activation={activation!r}.*cell={cell!r}"):
        rl.RNN(D, H, K, cell=cell, activation=activation)


def test_forget_bias_reaches_every_lstm_layer():
    model = rl.RNN(D, H, K, cell="lstm", n_layers=2, bidirectional=True, forget_bias=2.0)
    for layer in model.params["layers"]:
        for d in ("f", "b"):
            np.testing.assert_array_equal(layer[d]["b0"][H:2 * H], 2.0)
