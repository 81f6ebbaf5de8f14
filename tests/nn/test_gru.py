"""The GRU layer: exact BPTT (finite differences on every entry, b_hn included), equivalence with
the module docstring's equations written as a plain loop, a hand-worked example that pins where
b_hn sits, masks, reverse, dtype discipline and bad input."""
import numpy as np
import pytest

from conftest import check_reverse_is_forward_on_reversed, gapped_mask, layer_gradcheck
from rnnlab.nn import gru


def _setup(rng, T=5, B=3, D=2, H=3, dtype=np.float64):
    params = gru.init(D, H, rng=rng, dtype=dtype)
    for k in params:                                  # larger weights: gates away from 1/2
        params[k] *= 3
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = rng.standard_normal((B, H)).astype(dtype)
    return params, x, h0


_mask = gapped_mask                # sequences of 3 and 1 steps, and one with a gap


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("from_above", [True, False])
def test_bptt_matches_finite_differences_on_every_entry(rng, reverse, masked, from_above):
    params, x, h0 = _setup(rng)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    dh = rng.standard_normal((T, B, H)) if from_above else np.zeros((T, B, H))
    dstate = rng.standard_normal((B, H))
    errors = layer_gradcheck(gru, params, x, h0, dh, dstate,
                             mask=_mask(T, B) if masked else None, reverse=reverse)
    assert set(errors) == {"W0", "W11", "b0", "b_hn", "x", "h0"}
    assert max(errors.values()) < 1e-6, errors


def test_no_gradient_from_above_equals_zero_gradient_from_above(rng):
    params, x, h0 = _setup(rng)
    dstate = rng.standard_normal(h0.shape)
    _, cache = gru.forward(params, x, h0, mask=_mask(*x.shape[:2]))
    g1, dx1, d01 = gru.backward(params, cache, None, dstate)
    g2, dx2, d02 = gru.backward(params, cache, np.zeros(x.shape[:2] + h0.shape[1:]), dstate)
    for k in g1:
        np.testing.assert_array_equal(g1[k], g2[k])
    np.testing.assert_array_equal(dx1, dx2)
    np.testing.assert_array_equal(d01, d02)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _docstring_loop(params, x, h0, mask=None, reverse=False):
    """The module docstring's equations (1)-(4), one sequence and one step at a time."""
    W0, W11, b0, b_hn = params["W0"], params["W11"], params["b0"], params["b_hn"]
    T, B, _ = x.shape
    H = W11.shape[1]
    out = np.zeros((T, B, H))
    for b in range(B):
        h = h0[b]
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            if mask is None or mask[t, b]:
                ax, ah = W0 @ x[t, b] + b0, W11 @ h                        # (1)
                r = _sigmoid(ax[:H] + ah[:H])                              # (2)
                z = _sigmoid(ax[H:2 * H] + ah[H:2 * H])
                n = np.tanh(ax[2 * H:] + r * (ah[2 * H:] + b_hn))          # (3)
                h = (1 - z) * n + z * h                                    # (4)
            out[t, b] = h
    return out


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_forward_equals_the_docstring_equations_unrolled(rng, reverse, masked):
    params, x, h0 = _setup(rng)
    mask = _mask(*x.shape[:2]) if masked else None
    h, cache = gru.forward(params, x, h0, mask=mask, reverse=reverse)
    want = _docstring_loop(params, x, h0, mask, reverse)
    np.testing.assert_allclose(h, want, atol=1e-13)
    last = 0 if reverse else -1
    np.testing.assert_allclose(gru.final_state(cache), want[last], atol=1e-13)


def test_hand_worked_example():
    """H = D = 1, W0 = W11 = 0, b0 = 0, b_hn = 2: r = z = 1/2 and n = tanh(b0_n + r b_hn) =
    tanh(1), so h(1) = (tanh(1) + h0) / 2. Were b_hn outside the reset gate, n would be tanh(2)."""
    params = {"W0": np.zeros((3, 1)), "W11": np.zeros((3, 1)), "b0": np.zeros(3),
              "b_hn": np.array([2.0])}
    h0 = np.array([[0.4]])
    h, cache = gru.forward(params, np.zeros((1, 1, 1)), h0)
    np.testing.assert_allclose(h[0, 0, 0], 0.5 * np.tanh(1.0) + 0.2, rtol=1e-15)
    # dL/dh(1) = 1: dn = 1/2, da_n = dn (1 - n^2), dhn = da_n r = db_hn, dr = da_n b_hn,
    # da_r = dr / 4 = db0_r, dz = h0 - n, da_z = dz / 4; dh0 = z (W11 = 0)
    grads, _, dh0 = gru.backward(params, cache, np.ones((1, 1, 1)))
    n = np.tanh(1.0)
    da_n = 0.5 * (1 - n ** 2)
    np.testing.assert_allclose(grads["b_hn"], [0.5 * da_n], rtol=1e-14)
    np.testing.assert_allclose(grads["b0"], [2 * da_n / 4, (0.4 - n) / 4, da_n], rtol=1e-14)
    np.testing.assert_allclose(dh0, [[0.5]], rtol=1e-15)


@pytest.mark.parametrize("reverse", [False, True])
def test_masked_batch_equals_sequences_run_alone(rng, reverse):
    params, x, h0 = _setup(rng)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    mask = np.ones((T, B), bool)
    mask[3:, 0] = mask[1:, 2] = False
    dh = rng.standard_normal((T, B, H)) * mask[:, :, None]
    h, cache = gru.forward(params, x, h0, mask=mask, reverse=reverse)
    grads, dx, dh0 = gru.backward(params, cache, dh)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for b in range(B):
        L = int(mask[:, b].sum())
        hb, cb = gru.forward(params, x[:L, b:b + 1], h0[b:b + 1], reverse=reverse)
        np.testing.assert_allclose(h[:L, b], hb[:, 0], atol=1e-14)
        gb, dxb, dh0b = gru.backward(params, cb, dh[:L, b:b + 1])
        for k in total:
            total[k] += gb[k]
        np.testing.assert_allclose(dx[:L, b], dxb[:, 0], atol=1e-14)
        np.testing.assert_array_equal(dx[L:, b], 0)                # padded inputs: no gradient
        np.testing.assert_allclose(dh0[b], dh0b[0], atol=1e-14)
        if not reverse:                                            # padded steps carry h(L)
            np.testing.assert_array_equal(h[L:, b], np.broadcast_to(h[L - 1, b], h[L:, b].shape))
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], atol=1e-13)


def test_reverse_equals_forward_on_the_reversed_sequence(rng):
    params, x, h0 = _setup(rng)
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    check_reverse_is_forward_on_reversed(gru, params, x, h0, dh)


def test_state_grads_are_the_total_gradient_reaching_each_state(rng):
    """dL/dh(t) from state_grads equals the dh0 of the same layer restarted at h(t)."""
    params, x, h0 = _setup(rng)
    T = x.shape[0]
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    dstate = rng.standard_normal(h0.shape)
    h, cache = gru.forward(params, x, h0)
    g = gru.state_grads(params, cache, dh, dstate)
    for t in range(T - 1):
        _, rest = gru.forward(params, x[t + 1:], h[t])
        _, _, dht = gru.backward(params, rest, dh[t + 1:], dstate)
        np.testing.assert_allclose(g[t], dh[t] + dht, atol=1e-13)
    np.testing.assert_allclose(g[-1], dh[-1] + dstate)


@pytest.mark.parametrize("scheme", ["uniform", "xavier", "orthogonal", "identity"])
def test_init_shapes_and_the_hidden_bias_of_n(rng, scheme):
    D, H = 3, 5
    p = gru.init(D, H, rng=rng, init=scheme)
    assert set(p) == {"W0", "W11", "b0", "b_hn"}
    assert p["W0"].shape == (3 * H, D) and p["W11"].shape == (3 * H, H)
    assert p["b0"].shape == (3 * H,) and p["b_hn"].shape == (H,)
    assert all(a.dtype == np.float32 for a in p.values())
    if scheme == "uniform":                                       # PyTorch: every entry U(-k, k)
        assert np.abs(p["b_hn"]).max() <= 1 / np.sqrt(H) and np.unique(p["b_hn"]).size == H
    else:
        np.testing.assert_array_equal(p["b_hn"], 0)


def test_float32_stays_float32(rng):
    params, x, h0 = _setup(rng, dtype=np.float32)
    h, cache = gru.forward(params, x, h0, mask=_mask(*x.shape[:2]))
    grads, dx, dh0 = gru.backward(params, cache, np.ones_like(h), np.ones_like(h0))
    assert h.dtype == dx.dtype == dh0.dtype == gru.final_state(cache).dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_forward_and_backward_do_not_modify_their_inputs(rng):
    params, x, h0 = _setup(rng)
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    originals = (x, h0, dh, *params.values())
    copies = [a.copy() for a in originals]
    h, cache = gru.forward(params, x, h0, mask=_mask(*x.shape[:2]))
    gru.backward(params, cache, dh, h0)
    for a, c in zip(originals, copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("activation", ["relu", "identity", "sigmoid"])
def test_a_non_tanh_activation_is_refused(rng, activation):
    params, x, h0 = _setup(rng)
    with pytest.raises(ValueError, match=f"activation must be 'tanh'.*{activation}"):
        gru.forward(params, x, activation=activation)


def _autograd_reference(params, x, h0, mask, reverse, dh, dh_T):
    """h and every gradient of L = sum(dh h) + sum(dh_T h_final) by PyTorch's autograd through
    the docstring's equations, one step at a time (float64)."""
    torch = pytest.importorskip("torch")
    t = {k: torch.tensor(v, requires_grad=True) for k, v in dict(params, x=x, h0=h0).items()}
    H = h0.shape[1]
    h, outs = t["h0"], [None] * x.shape[0]
    for s in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        ax, ah = t["x"][s] @ t["W0"].T + t["b0"], h @ t["W11"].T
        r = torch.sigmoid(ax[:, :H] + ah[:, :H])
        z = torch.sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
        n = torch.tanh(ax[:, 2 * H:] + r * (ah[:, 2 * H:] + t["b_hn"]))
        h = torch.where(torch.tensor(mask[s])[:, None], (1 - z) * n + z * h, h)
        outs[s] = h
    loss = (torch.stack(outs) * torch.tensor(dh)).sum() + (h * torch.tensor(dh_T)).sum()
    loss.backward()
    return torch.stack(outs).detach().numpy(), {k: v.grad.numpy() for k, v in t.items()}


@pytest.mark.parametrize("reverse", [False, True])
def test_backward_in_several_blocks_matches_autograd(rng, reverse):
    """At B = 128, H = 32 the backward runs in blocks of 8 steps (the factors of a block are
    computed just before its steps): 20 steps make three blocks, one of them short."""
    params, x, h0 = _setup(rng, T=20, B=128, D=3, H=32)
    T, B, H = 20, 128, 32
    mask = rng.random((T, B)) > 0.2
    dh, dh_T = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))
    h, cache = gru.forward(params, x, h0, mask=mask, reverse=reverse)
    grads, dx, dh0 = gru.backward(params, cache, dh, dh_T)
    want_h, want = _autograd_reference(params, x, h0, mask, reverse, dh, dh_T)
    np.testing.assert_allclose(h, want_h, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], want[k], rtol=1e-10, atol=1e-10, err_msg=k)
    np.testing.assert_allclose(dx, want["x"], atol=1e-10)
    np.testing.assert_allclose(dh0, want["h0"], atol=1e-10)
