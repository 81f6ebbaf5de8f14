"""The Elman layer: exact BPTT (finite differences on every entry), equivalence with the lecture's
equations written as a plain loop, masks, reverse, and dtype discipline."""
import numpy as np
import pytest

from conftest import check_reverse_is_forward_on_reversed, layer_gradcheck
from rnnlab.nn import elman

ACTS = ("tanh", "relu", "identity")


def _setup(rng, T=5, B=3, D=2, H=4, dtype=np.float64, act="tanh"):
    while True:
        params = elman.init(D, H, rng=rng, dtype=dtype)
        x = rng.standard_normal((T, B, D)).astype(dtype)
        h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
        if act != "relu" or _kink_margin(params, x, h0) > 0.05:
            return params, x, h0     # relu: every pre-activation well away from the kink at 0


def _kink_margin(params, x, h0):
    """min |a(t)| of the ReLU trajectory, in both directions, with and without the test mask."""
    margins = []
    for reverse in (False, True):
        for mask in (None, _mask(*x.shape[:2])):
            _, cache = elman.forward(params, x, h0, mask=mask, reverse=reverse, activation="relu")
            hprev = cache["hs"][:-1]                     # h(t-1) in visiting order
            xs = x[::-1] if reverse else x
            a = xs @ params["W0"].T + hprev @ params["W11"].T + params["b0"]
            margins.append(np.abs(a).min())
    return min(margins)


def _mask(T, B):
    m = np.ones((T, B), bool)
    m[3:, 0] = False              # sequence 0 has 3 real steps
    m[1:, 2] = False              # sequence 2 has 1 real step
    return m


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_bptt_matches_finite_differences_on_every_entry(rng, act, reverse, masked):
    params, x, h0 = _setup(rng, act=act)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    dh = rng.standard_normal((T, B, H))
    dstate = rng.standard_normal((B, H))
    mask = _mask(T, B) if masked else None
    errors = layer_gradcheck(elman, params, x, h0, dh, dstate, mask=mask, reverse=reverse,
                             activation=act)
    assert max(errors.values()) < 1e-6, errors


def _lecture_loop(params, x, h0, act, mask=None, reverse=False):
    """h(t) = f(W0 x(t) + W11 h(t-1) + b0), one sequence and one unit at a time, in plain Python."""
    f = {"tanh": np.tanh, "relu": lambda a: max(a, 0.0), "identity": lambda a: a}[act]
    W0, W11, b0 = params["W0"], params["W11"], params["b0"]
    T, B, D = x.shape
    H = W11.shape[0]
    out = np.zeros((T, B, H))
    for b in range(B):
        h = list(h0[b])
        order = range(T - 1, -1, -1) if reverse else range(T)
        for t in order:
            if mask is None or mask[t, b]:
                h = [f(sum(W0[i, j] * x[t, b, j] for j in range(D))
                       + sum(W11[i, k] * h[k] for k in range(H)) + b0[i]) for i in range(H)]
            out[t, b] = h
    return out


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("reverse", [False, True])
def test_forward_equals_the_lectures_equations_unrolled(rng, act, reverse):
    params, x, h0 = _setup(rng, act=act)
    mask = _mask(*x.shape[:2])
    h, _ = elman.forward(params, x, h0, mask=mask, reverse=reverse, activation=act)
    np.testing.assert_allclose(h, _lecture_loop(params, x, h0, act, mask, reverse), atol=1e-12)


def test_hand_worked_example():
    """One unit, one input: h(1) = tanh(0.5*1 + 0.8*0 + 0.1), h(2) = tanh(0.5*(-1) + 0.8 h(1) + 0.1)."""
    params = {"W0": np.array([[0.5]]), "W11": np.array([[0.8]]), "b0": np.array([0.1])}
    x = np.array([[[1.0]], [[-1.0]]])                    # (T=2, B=1, D=1)
    h, _ = elman.forward(params, x)
    h1 = np.tanh(0.6)
    np.testing.assert_allclose(h[:, 0, 0], [h1, np.tanh(-0.4 + 0.8 * h1)], rtol=1e-14)
    # dL/dh(2) = 1: da(2) = 1 - h(2)^2; dL/dW11 = da(2) h(1) + da(1) h(0) with h(0) = 0
    _, cache = elman.forward(params, x)
    grads, _, _ = elman.backward(params, cache, np.array([[[0.0]], [[1.0]]]))
    da2 = 1 - h[1, 0, 0] ** 2
    np.testing.assert_allclose(grads["W11"][0, 0], da2 * h1, rtol=1e-14)
    np.testing.assert_allclose(grads["W0"][0, 0], da2 * -1 + da2 * 0.8 * (1 - h1 ** 2) * 1,
                               rtol=1e-14)


@pytest.mark.parametrize("reverse", [False, True])
def test_masked_batch_equals_sequences_run_alone(rng, reverse):
    params, x, h0 = _setup(rng)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    mask = _mask(T, B)
    dh = rng.standard_normal((T, B, H)) * mask[:, :, None]
    h, cache = elman.forward(params, x, h0, mask=mask, reverse=reverse)
    grads, dx, dh0 = elman.backward(params, cache, dh)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for b in range(B):
        L = int(mask[:, b].sum())
        hb, cb = elman.forward(params, x[:L, b:b + 1], h0[b:b + 1], reverse=reverse)
        np.testing.assert_allclose(h[:L, b], hb[:, 0], atol=1e-14)
        gb, dxb, dh0b = elman.backward(params, cb, dh[:L, b:b + 1])
        for k in total:
            total[k] += gb[k]
        np.testing.assert_allclose(dx[:L, b], dxb[:, 0], atol=1e-14)
        np.testing.assert_allclose(dx[L:, b], 0, atol=0)             # padded inputs: no gradient
        np.testing.assert_allclose(dh0[b], dh0b[0], atol=1e-14)
        if not reverse:                                              # padded steps carry h(L)
            np.testing.assert_allclose(h[L:, b], np.broadcast_to(hb[-1, 0], h[L:, b].shape))
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], atol=1e-13)


def test_reverse_equals_forward_on_the_reversed_sequence(rng):
    params, x, h0 = _setup(rng)
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    check_reverse_is_forward_on_reversed(elman, params, x, h0, dh)


def test_state_grads_are_the_total_gradient_reaching_each_state(rng):
    """dL/dh(t) from state_grads equals the dh0 of the same layer restarted at t."""
    params, x, h0 = _setup(rng)
    T = x.shape[0]
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    h, cache = elman.forward(params, x, h0)
    g = elman.state_grads(params, cache, dh)
    for t in range(T - 1):                   # the rest of the sequence, started from h(t)
        _, c2 = elman.forward(params, x[t + 1:], h[t])
        _, _, dht = elman.backward(params, c2, dh[t + 1:])
        np.testing.assert_allclose(g[t], dh[t] + dht, atol=1e-13)
    np.testing.assert_allclose(g[-1], dh[-1])


@pytest.mark.parametrize("act", ACTS)
def test_float32_stays_float32(rng, act):
    params, x, h0 = _setup(rng, dtype=np.float32, act=act)
    mask = _mask(*x.shape[:2])
    h, cache = elman.forward(params, x, h0, mask=mask, activation=act)
    grads, dx, dh0 = elman.backward(params, cache, np.ones_like(h), np.ones_like(h0))
    assert h.dtype == dx.dtype == dh0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_forward_does_not_modify_its_inputs(rng):
    params, x, h0 = _setup(rng)
    copies = [a.copy() for a in (x, h0, *params.values())]
    h, cache = elman.forward(params, x, h0, mask=_mask(*x.shape[:2]))
    elman.backward(params, cache, np.ones_like(h))
    for a, c in zip((x, h0, *params.values()), copies):
        np.testing.assert_array_equal(a, c)
