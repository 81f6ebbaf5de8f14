"""rnnlab.RNN with cell="lstm" and cell="gru": PyTorch's nn.LSTM / nn.GRU as the oracle (1 and 2
layers, one- and bidirectional, padded sequences, initial states), finite differences on every
entry through every mapping, truncated BPTT's carried (h, c), and an LSTM that learns a long-lag
task which an Elman network of the same size does not."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

torch = pytest.importorskip("torch")

B, T, D, H, K = 3, 6, 2, 4, 3
CELLS = ("lstm", "gru")
TOL = {"float32": 1e-5, "float64": 1e-10}


def _suffixes(model):
    """(direction key or None, PyTorch's parameter suffix) per direction of a layer."""
    return [("f", ""), ("b", "_reverse")] if model.bidirectional else [(None, "")]


def _twin(model):
    """torch (rnn, linear) with PyTorch's own random weights, copied into the model.

    W0 <- weight_ih, W11 <- weight_hh; LSTM b0 = bias_ih + bias_hh; GRU: the r, z slices of b0 are
    bias_ih + bias_hh, the n slice is bias_ih's, b_hn is bias_hh's n slice. The output layer is one
    Linear over [h_f; h_b] with weight [W1_f | W1_b] and bias b1_f + b1_b.
    """
    torch.manual_seed(model.seed)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[model.cell](
        D, H, num_layers=model.n_layers, bidirectional=model.bidirectional, batch_first=True)
    lin = torch.nn.Linear(H * len(_suffixes(model)), K)
    tdtype = torch.float64 if model.dtype == np.float64 else torch.float32
    rnn, lin = rnn.to(tdtype), lin.to(tdtype)
    for l, layer in enumerate(model.params["layers"]):
        for d, sfx in _suffixes(model):
            p = layer if d is None else layer[d]
            w = {n: getattr(rnn, f"{n}_l{l}{sfx}").detach().numpy()
                 for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
            p["W0"][...], p["W11"][...] = w["weight_ih"], w["weight_hh"]
            if model.cell == "lstm":
                p["b0"][...] = w["bias_ih"] + w["bias_hh"]
            else:
                p["b0"][:2 * H] = w["bias_ih"][:2 * H] + w["bias_hh"][:2 * H]
                p["b0"][2 * H:] = w["bias_ih"][2 * H:]
                p["b_hn"][...] = w["bias_hh"][2 * H:]
    W, b, out = lin.weight.detach().numpy(), lin.bias.detach().numpy(), model.params["output"]
    if model.bidirectional:
        out["f"]["W1"][...], out["b"]["W1"][...] = W[:, :H], W[:, H:]
        out["f"]["b1"][...] = b - out["b"]["b1"]
    else:
        out["W1"][...], out["b1"][...] = W, b
    return rnn, lin


def _ours_named_as_torch(model, grads):
    """Our gradients under every PyTorch parameter name (bias_ih and bias_hh both map to b0's
    gradient, GRU bias_hh's n slice to b_hn's), plus b1_b's under "b1_b" (bidirectional)."""
    named = {}
    for l, layer in enumerate(grads["layers"]):
        for d, sfx in _suffixes(model):
            g = layer if d is None else layer[d]
            bias_hh = g["b0"] if model.cell == "lstm" else np.concatenate([g["b0"][:2 * H],
                                                                          g["b_hn"]])
            named.update({f"weight_ih_l{l}{sfx}": g["W0"], f"weight_hh_l{l}{sfx}": g["W11"],
                          f"bias_ih_l{l}{sfx}": g["b0"], f"bias_hh_l{l}{sfx}": bias_hh})
    out = grads["output"]
    if model.bidirectional:
        named["lin.weight"] = np.concatenate([out["f"]["W1"], out["b"]["W1"]], axis=1)
        named["lin.bias"], named["b1_b"] = out["f"]["b1"], out["b"]["b1"]
    else:
        named["lin.weight"], named["lin.bias"] = out["W1"], out["b1"]
    return named


def _compare_all_gradients(model, grads, rnn, lin, tol):
    ours = _ours_named_as_torch(model, grads)
    theirs = {n: p.grad.numpy() for n, p in rnn.named_parameters()}
    theirs.update({"lin." + n: p.grad.numpy() for n, p in lin.named_parameters()})
    if model.bidirectional:
        theirs["b1_b"] = theirs["lin.bias"]                      # b1_f and b1_b: one torch bias
    assert set(ours) == set(theirs)
    for name in theirs:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=tol, atol=tol, err_msg=name)


def _half_sse(y, target, mask=None):
    """rnnlab's squared-error loss: 1/2 sum over steps and units, mean over the batch."""
    sq = (y - target) ** 2
    if mask is not None:
        sq = sq * mask[..., None]
    return 0.5 * sq.sum() / y.shape[0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n_layers,bidirectional", [(1, False), (1, True), (2, False), (2, True)])
@pytest.mark.parametrize("cell", CELLS)
def test_outputs_and_all_gradients_match_pytorch(rng, cell, n_layers, bidirectional, dtype):
    model = rl.RNN(D, H, K, cell=cell, n_layers=n_layers, bidirectional=bidirectional,
                   dtype=dtype, seed=3)
    rnn, lin = _twin(model)
    X = rng.standard_normal((B, T, D)).astype(dtype)
    Y = rng.standard_normal((B, T, K)).astype(dtype)
    xt = torch.from_numpy(X).requires_grad_()
    y = lin(rnn(xt)[0])
    loss_t = _half_sse(y, torch.from_numpy(Y))
    loss_t.backward()
    tol = TOL[dtype]
    np.testing.assert_allclose(model.predict(X), y.detach().numpy(), rtol=tol, atol=tol)
    loss, grads, inputs = model.loss_and_grads(X, Y, input_grads=True)
    np.testing.assert_allclose(loss, loss_t.item(), rtol=tol)
    _compare_all_gradients(model, grads, rnn, lin, tol)
    np.testing.assert_allclose(inputs["X"], xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mapping", ["many-to-many", "many-to-one"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_padded_sequences_match_pytorch_packed_sequences(rng, cell, bidirectional, mapping, dtype):
    """A mask of real steps first equals PyTorch's packed sequences: padded steps carry the state,
    the backward direction starts at each sequence's own last step, many-to-one reads h_f at
    the last real step and h_b at step 1."""
    model = rl.RNN(D, H, K, cell=cell, n_layers=2, bidirectional=bidirectional, dtype=dtype,
                   mapping=mapping, seed=5)
    rnn, lin = _twin(model)
    lengths = [T, 3, 1]
    mask = np.arange(T)[None, :] < np.array(lengths)[:, None]          # (B, T)
    X = rng.standard_normal((B, T, D)).astype(dtype)
    Y = rng.standard_normal((B, T, K) if mapping == "many-to-many" else (B, K)).astype(dtype)
    xt = torch.from_numpy(X).requires_grad_()
    packed = torch.nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=True,
                                                     enforce_sorted=False)
    out, state = rnn(packed)
    h_n = state[0] if cell == "lstm" else state                         # (layers * dirs, B, H)
    if mapping == "many-to-many":
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        y = lin(out)
        loss_t = _half_sse(y, torch.from_numpy(Y), torch.from_numpy(mask.astype(dtype)))
    else:
        top = torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]
        y = lin(top)
        loss_t = _half_sse(y, torch.from_numpy(Y))
    loss_t.backward()
    tol = TOL[dtype]
    pred = model.predict(X, mask=mask)
    real = mask if mapping == "many-to-many" else slice(None)
    np.testing.assert_allclose(pred[real], y.detach().numpy()[real], rtol=tol, atol=tol)
    loss, grads, inputs = model.loss_and_grads(X, Y, mask=mask, input_grads=True)
    np.testing.assert_allclose(loss, loss_t.item(), rtol=tol)
    _compare_all_gradients(model, grads, rnn, lin, tol)
    np.testing.assert_allclose(inputs["X"], xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_initial_states_and_their_gradients_match_pytorch(rng, cell, bidirectional):
    """h0 per layer (and direction); for the LSTM a pair (h0, c0), with dL/dh0 and dL/dc0."""
    model = rl.RNN(D, H, K, cell=cell, n_layers=2, bidirectional=bidirectional,
                   dtype="float64", seed=7)
    rnn, lin = _twin(model)
    dirs = _suffixes(model)
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    n_states = 2 if cell == "lstm" else 1
    S = [rng.standard_normal((2 * len(dirs), B, H)) for _ in range(n_states)]  # torch layout
    st = [torch.from_numpy(s).requires_grad_() for s in S]
    xt = torch.from_numpy(X)
    out, _ = rnn(xt, tuple(st) if cell == "lstm" else st[0])
    loss_t = _half_sse(lin(out), torch.from_numpy(Y))
    loss_t.backward()

    def ours(arrs, l, i):                                   # torch index l * dirs + direction
        k = l * len(dirs) + i
        return tuple(a[k] for a in arrs) if cell == "lstm" else arrs[0][k]

    h0 = [{d: ours(S, l, i) for i, (d, _) in enumerate(dirs)} if bidirectional else ours(S, l, 0)
          for l in range(2)]
    loss, grads, inputs = model.loss_and_grads(X, Y, h0=h0, input_grads=True)
    np.testing.assert_allclose(loss, loss_t.item(), rtol=1e-10)
    _compare_all_gradients(model, grads, rnn, lin, 1e-10)
    want = [s.grad.numpy() for s in st]
    for l in range(2):
        for i, (d, _) in enumerate(dirs):
            got = inputs["h0"][l] if d is None else inputs["h0"][l][d]
            np.testing.assert_allclose(np.array(got), np.array(ours(want, l, i)), atol=1e-10)


MAPPING_CASES = [("many-to-many", 1, False), ("many-to-many", 2, True), ("many-to-one", 2, True),
                 ("many-to-many-delayed", 1, False), ("one-to-one", 2, False),
                 ("one-to-many", 1, True), ("seq2seq", 2, False)]


def _case(rng, mapping):
    """(X, Y, mask) shaped for the mapping, float64."""
    X3, Y3 = rng.standard_normal((B, 5, D)), rng.standard_normal((B, 5, K))
    m = np.ones((B, 5), bool)
    m[0, 3:] = m[2, 1:] = False
    return {"many-to-many": (X3, Y3, m), "many-to-many-delayed": (X3, Y3, m),
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
