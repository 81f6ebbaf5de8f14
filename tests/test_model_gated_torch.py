"""rnnlab.RNN with cell="lstm" and cell="gru" against PyTorch's nn.LSTM / nn.GRU (the twin of
tests/torch_ref.py, weights copied from the model into torch): 1 and 2 layers, one- and
bidirectional, padded sequences against packed ones, initial states and their gradients."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

torch = pytest.importorskip("torch")
from torch_ref import directions, grads_as_rnnlab, half_sse, twin  # noqa: E402

B, T, D, H, K = 3, 6, 2, 4, 3
CELLS = ("lstm", "gru")
TOL = {"float32": 1e-5, "float64": 1e-10}


def _compare_all_gradients(model, grads, rnn, lin, tol):
    """Every gradient of ours against torch's, leaf by leaf; and the hidden biases torch keeps
    apart from b0 (LSTM: all of bias_hh; GRU: its r and z rows) get b0's gradient too."""
    ref = dict(leaves(grads_as_rnnlab(model, rnn, lin)))
    ours = dict(leaves(grads))
    assert set(ours) == set(ref)
    for path in ref:
        np.testing.assert_allclose(ours[path], ref[path], rtol=tol, atol=tol, err_msg=str(path))
    rows = slice(None) if model.cell == "lstm" else slice(0, 2 * H)
    for l, layer in enumerate(grads["layers"]):
        for d, sfx in directions(model):
            g = layer if d is None else layer[d]
            bias_hh = getattr(rnn, f"bias_hh_l{l}{sfx}").grad.numpy()
            np.testing.assert_allclose(g["b0"][rows], bias_hh[rows], rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n_layers,bidirectional", [(1, False), (1, True), (2, False), (2, True)])
@pytest.mark.parametrize("cell", CELLS)
def test_outputs_and_all_gradients_match_pytorch(rng, cell, n_layers, bidirectional, dtype):
    model = rl.RNN(D, H, K, cell=cell, n_layers=n_layers, bidirectional=bidirectional,
                   dtype=dtype, seed=3)
    rnn, lin = twin(model)
    X = rng.standard_normal((B, T, D)).astype(dtype)
    Y = rng.standard_normal((B, T, K)).astype(dtype)
    xt = torch.from_numpy(X).requires_grad_()
    y = lin(rnn(xt)[0])
    loss_t = half_sse(y, torch.from_numpy(Y), B)
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
    rnn, lin = twin(model)
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
        loss_t = half_sse(y, torch.from_numpy(Y), B, torch.from_numpy(mask.astype(dtype)))
    else:
        top = torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]
        y = lin(top)
        loss_t = half_sse(y, torch.from_numpy(Y), B)
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
    rnn, lin = twin(model)
    dirs = directions(model)
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    n_states = 2 if cell == "lstm" else 1
    S = [rng.standard_normal((2 * len(dirs), B, H)) for _ in range(n_states)]  # torch layout
    st = [torch.from_numpy(s).requires_grad_() for s in S]
    xt = torch.from_numpy(X)
    out, _ = rnn(xt, tuple(st) if cell == "lstm" else st[0])
    loss_t = half_sse(lin(out), torch.from_numpy(Y), B)
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
