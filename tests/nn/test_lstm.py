"""The LSTM layer: exact BPTT (finite differences on every entry, c0 included), equivalence with
the module docstring's equations written as a plain loop, a hand-worked example, masks, reverse,
the final state (h, c) and its gradient, dtype discipline and bad input."""
import numpy as np
import pytest

from conftest import check_reverse_is_forward_on_reversed, gapped_mask

from rnnlab.nn import lstm
from rnnlab.numgrad import numeric_grad, relative_error


def _setup(rng, T=5, B=3, D=2, H=3, dtype=np.float64):
    params = lstm.init(D, H, rng=rng, dtype=dtype)
    for k in params:                                  # larger weights: gates away from 1/2
        params[k] *= 3
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    c0 = rng.standard_normal((B, H)).astype(dtype)
    return params, x, h0, c0


_mask = gapped_mask                # sequences of 3 and 1 steps, and one with a gap


def _layer_gradcheck(params, x, h0, c0, dh, dstate, **fwd):
    """Relative errors of backward against finite differences of
    L = sum(dh * h) + sum(dh_T * h_final) + sum(dc_T * c_final), for every entry of every input."""
    dh_T, dc_T = dstate if isinstance(dstate, tuple) else (dstate, None)

    def loss():
        h, cache = lstm.forward(params, x, (h0, c0), **fwd)
        hT, cT = lstm.final_state(cache)
        value = 0.0 if dh is None else np.sum(dh * h)
        value += 0.0 if dh_T is None else np.sum(dh_T * hT)
        return float(value + (0.0 if dc_T is None else np.sum(dc_T * cT)))

    _, cache = lstm.forward(params, x, (h0, c0), **fwd)
    grads, dx, (dh0, dc0) = lstm.backward(params, cache, dh, dstate)
    errors = {k: relative_error(grads[k], numeric_grad(loss, params[k])) for k in params}
    errors["x"] = relative_error(dx, numeric_grad(loss, x))
    errors["h0"] = relative_error(dh0, numeric_grad(loss, h0))
    errors["c0"] = relative_error(dc0, numeric_grad(loss, c0))
    return errors


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("dstate_kind", ["pair", "h only", "c only", "none"])
def test_bptt_matches_finite_differences_on_every_entry(rng, reverse, masked, dstate_kind):
    params, x, h0, c0 = _setup(rng)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    dh = rng.standard_normal((T, B, H))
    dh_T, dc_T = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dstate = {"pair": (dh_T, dc_T), "h only": dh_T, "c only": (None, dc_T), "none": None}
    errors = _layer_gradcheck(params, x, h0, c0, dh, dstate[dstate_kind],
                              mask=_mask(T, B) if masked else None, reverse=reverse)
    assert max(errors.values()) < 1e-6, errors


def test_bptt_without_gradient_from_above(rng):
    """dh = None (many-to-one): only the final state's gradient drives the backward pass."""
    params, x, h0, c0 = _setup(rng)
    B, H = h0.shape
    dstate = (rng.standard_normal((B, H)), rng.standard_normal((B, H)))
    errors = _layer_gradcheck(params, x, h0, c0, None, dstate, mask=_mask(*x.shape[:2]))
    assert max(errors.values()) < 1e-6, errors


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _docstring_loop(params, x, h0, c0, mask=None, reverse=False):
    """The module docstring's equations (1)-(4), one sequence and one step at a time."""
    W0, W11, b0 = params["W0"], params["W11"], params["b0"]
    T, B, _ = x.shape
    H = W11.shape[1]
    out = np.zeros((T, B, H))
    finals = []
    for b in range(B):
        h, c = h0[b], c0[b]
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            if mask is None or mask[t, b]:
                a = W0 @ x[t, b] + W11 @ h + b0                            # (1)
                i, f = _sigmoid(a[:H]), _sigmoid(a[H:2 * H])               # (2)
                g, o = np.tanh(a[2 * H:3 * H]), _sigmoid(a[3 * H:])
                c = f * c + i * g                                          # (3)
                h = o * np.tanh(c)                                         # (4)
            out[t, b] = h
        finals.append((h, c))
    return out, np.array([f[0] for f in finals]), np.array([f[1] for f in finals])


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_forward_equals_the_docstring_equations_unrolled(rng, reverse, masked):
    params, x, h0, c0 = _setup(rng)
    mask = _mask(*x.shape[:2]) if masked else None
    h, cache = lstm.forward(params, x, (h0, c0), mask=mask, reverse=reverse)
    want_h, want_hT, want_cT = _docstring_loop(params, x, h0, c0, mask, reverse)
    np.testing.assert_allclose(h, want_h, atol=1e-13)
    hT, cT = lstm.final_state(cache)
    np.testing.assert_allclose(hT, want_hT, atol=1e-13)
    np.testing.assert_allclose(cT, want_cT, atol=1e-13)


def test_hand_worked_example():
    """H = D = 1, W0 = W11 = 0: a = b0. b0 = (0, ln 3, atanh(0.6), 0) gives i = o = 1/2,
    f = 3/4, g = 0.6; from c0 = 2: c(1) = 3/4 * 2 + 1/2 * 0.6 = 1.8, h(1) = tanh(1.8) / 2."""
    params = {"W0": np.zeros((4, 1)), "W11": np.zeros((4, 1)),
              "b0": np.array([0.0, np.log(3.0), np.arctanh(0.6), 0.0])}
    x = np.zeros((1, 1, 1))
    h, cache = lstm.forward(params, x, (np.zeros((1, 1)), np.full((1, 1), 2.0)))
    np.testing.assert_allclose(lstm.final_state(cache)[1], [[1.8]], rtol=1e-15)
    np.testing.assert_allclose(h[0, 0, 0], 0.5 * np.tanh(1.8), rtol=1e-15)
    # dL/dh(1) = 1: do = tanh(1.8), da_o = do * o (1 - o); dc = o (1 - tanh(1.8)^2);
    # da_f = dc * c0 * f (1 - f); dc0 = dc * f
    grads, _, (dh0, dc0) = lstm.backward(params, cache, np.ones((1, 1, 1)))
    dc = 0.5 * (1 - np.tanh(1.8) ** 2)
    np.testing.assert_allclose(grads["b0"], [dc * 0.6 * 0.25, dc * 2 * 0.75 * 0.25,
                                             dc * 0.5 * (1 - 0.36), np.tanh(1.8) * 0.25],
                               rtol=1e-14)
    np.testing.assert_allclose(dc0, [[dc * 0.75]], rtol=1e-14)
    np.testing.assert_array_equal(dh0, [[0.0]])                   # W11 = 0: nothing reaches h0


@pytest.mark.parametrize("reverse", [False, True])
def test_masked_batch_equals_sequences_run_alone(rng, reverse):
    """Right padding: each sequence's first L steps alone give the same h, gradients, dx, dh0
    and dc0."""
    params, x, h0, c0 = _setup(rng)
    T, B, H = x.shape[0], x.shape[1], h0.shape[1]
    mask = np.ones((T, B), bool)
    mask[3:, 0] = mask[1:, 2] = False
    dh = rng.standard_normal((T, B, H)) * mask[:, :, None]
    h, cache = lstm.forward(params, x, (h0, c0), mask=mask, reverse=reverse)
    grads, dx, (dh0, dc0) = lstm.backward(params, cache, dh)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for b in range(B):
        L = int(mask[:, b].sum())
        hb, cb = lstm.forward(params, x[:L, b:b + 1], (h0[b:b + 1], c0[b:b + 1]), reverse=reverse)
        np.testing.assert_allclose(h[:L, b], hb[:, 0], atol=1e-14)
        gb, dxb, (dh0b, dc0b) = lstm.backward(params, cb, dh[:L, b:b + 1])
        for k in total:
            total[k] += gb[k]
        np.testing.assert_allclose(dx[:L, b], dxb[:, 0], atol=1e-14)
        np.testing.assert_array_equal(dx[L:, b], 0)                # padded inputs: no gradient
        np.testing.assert_allclose(dh0[b], dh0b[0], atol=1e-14)
        np.testing.assert_allclose(dc0[b], dc0b[0], atol=1e-14)
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], atol=1e-13)


def test_padded_steps_carry_h_and_c(rng):
    params, x, h0, c0 = _setup(rng)
    mask = np.ones(x.shape[:2], bool)
    mask[2:, 1] = False
    h, cache = lstm.forward(params, x, (h0, c0), mask=mask)
    _, cache2 = lstm.forward(params, x[:2], (h0, c0))
    np.testing.assert_array_equal(h[2:, 1], np.broadcast_to(h[1, 1], h[2:, 1].shape))
    np.testing.assert_array_equal(lstm.final_state(cache)[1][1], lstm.final_state(cache2)[1][1])


def test_reverse_equals_forward_on_the_reversed_sequence(rng):
    params, x, h0, c0 = _setup(rng)
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    check_reverse_is_forward_on_reversed(lstm, params, x, (h0, c0), dh)


def test_state_grads_are_the_total_gradient_reaching_each_state(rng):
    """dL/dh(t) from state_grads equals the dh0 of the same layer restarted at (h(t), c(t))."""
    params, x, h0, c0 = _setup(rng)
    T = x.shape[0]
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    dstate = rng.standard_normal(h0.shape)
    h, cache = lstm.forward(params, x, (h0, c0))
    g = lstm.state_grads(params, cache, dh, dstate)
    for t in range(T - 1):
        _, upto = lstm.forward(params, x[:t + 1], (h0, c0))         # (h(t), c(t))
        _, rest = lstm.forward(params, x[t + 1:], lstm.final_state(upto))
        _, _, (dht, _) = lstm.backward(params, rest, dh[t + 1:], dstate)
        np.testing.assert_allclose(g[t], dh[t] + dht, atol=1e-13)
    np.testing.assert_allclose(g[-1], dh[-1] + dstate)


def test_init_shapes_gate_order_and_forget_bias(rng):
    D, H = 3, 5
    p = lstm.init(D, H, rng=rng)
    assert p["W0"].shape == (4 * H, D) and p["W11"].shape == (4 * H, H)
    assert p["b0"].shape == (4 * H,)
    assert all(a.dtype == np.float32 for a in p.values())
    np.testing.assert_array_equal(p["b0"][H:2 * H], 1.0)          # rows i, f, g, o: f is second
    others = np.concatenate([p["b0"][:H], p["b0"][2 * H:]])
    assert np.abs(others).max() <= 1 / np.sqrt(H) and np.unique(others).size == others.size
    p2 = lstm.init(D, H, rng=np.random.default_rng(0), forget_bias=None)
    assert np.abs(p2["b0"]).max() <= 1 / np.sqrt(H) and np.unique(p2["b0"]).size == 4 * H
    assert np.all(lstm.init(D, H, rng=rng, forget_bias=2.5)["b0"][H:2 * H] == 2.5)


def test_float32_stays_float32(rng):
    params, x, h0, c0 = _setup(rng, dtype=np.float32)
    h, cache = lstm.forward(params, x, (h0, c0), mask=_mask(*x.shape[:2]))
    grads, dx, (dh0, dc0) = lstm.backward(params, cache, np.ones_like(h), (h0, c0))
    assert h.dtype == dx.dtype == dh0.dtype == dc0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(s.dtype == np.float32 for s in lstm.final_state(cache))


def test_forward_and_backward_do_not_modify_their_inputs(rng):
    params, x, h0, c0 = _setup(rng)
    dh = rng.standard_normal(x.shape[:2] + (h0.shape[1],))
    originals = (x, h0, c0, dh, *params.values())
    copies = [a.copy() for a in originals]
    h, cache = lstm.forward(params, x, (h0, c0), mask=_mask(*x.shape[:2]))
    lstm.backward(params, cache, dh, (h0, c0))
    for a, c in zip(originals, copies):
        np.testing.assert_array_equal(a, c)


def test_zero_initial_state_is_the_default(rng):
    params, x, h0, c0 = _setup(rng)
    h_none, _ = lstm.forward(params, x)
    h_zero, _ = lstm.forward(params, x, (np.zeros_like(h0), np.zeros_like(c0)))
    h_c_only, _ = lstm.forward(params, x, (None, np.zeros_like(c0)))
    np.testing.assert_array_equal(h_none, h_zero)
    np.testing.assert_array_equal(h_none, h_c_only)


@pytest.mark.parametrize("activation", ["relu", "identity", "sigmoid"])
def test_a_non_tanh_activation_is_refused(rng, activation):
    params, x, h0, c0 = _setup(rng)
    with pytest.raises(ValueError, match=f"activation must be 'tanh'.*{activation}"):
        lstm.forward(params, x, activation=activation)


def test_a_bare_array_as_initial_state_is_refused(rng):
    params, x, h0, c0 = _setup(rng)
    with pytest.raises(TypeError, match=r"h0 of an LSTM must be None or a pair \(h, c\)"):
        lstm.forward(params, x, h0)


def _autograd_reference(params, x, h0, c0, mask, reverse, dh, dh_T, dc_T):
    """h and every gradient of L = sum(dh h) + sum(dh_T h_final) + sum(dc_T c_final) by PyTorch's
    autograd through the docstring's equations, one step at a time (float64)."""
    torch = pytest.importorskip("torch")
    t = {k: torch.tensor(v, requires_grad=True) for k, v in
         dict(params, x=x, h0=h0, c0=c0).items()}
    H = h0.shape[1]
    h, c, outs = t["h0"], t["c0"], [None] * x.shape[0]
    for s in (range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])):
        a = t["x"][s] @ t["W0"].T + h @ t["W11"].T + t["b0"]
        i, f, g, o = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H]), \
            torch.tanh(a[:, 2 * H:3 * H]), torch.sigmoid(a[:, 3 * H:])
        m = torch.tensor(mask[s])[:, None]
        c = torch.where(m, f * c + i * g, c)
        h = torch.where(m, o * torch.tanh(c), h)
        outs[s] = h
    loss = (torch.stack(outs) * torch.tensor(dh)).sum() + (h * torch.tensor(dh_T)).sum() \
        + (c * torch.tensor(dc_T)).sum()
    loss.backward()
    return torch.stack(outs).detach().numpy(), {k: v.grad.numpy() for k, v in t.items()}


@pytest.mark.parametrize("reverse", [False, True])
def test_backward_in_several_blocks_matches_autograd(rng, reverse):
    """At B = 128, H = 32 the backward runs in blocks of 5 steps (the factors of a block are
    computed just before its steps): 12 steps make three blocks, one of them short."""
    params, x, h0, c0 = _setup(rng, T=12, B=128, D=3, H=32)
    T, B, H = 12, 128, 32
    mask = rng.random((T, B)) > 0.2
    dh, dh_T, dc_T = rng.standard_normal((T, B, H)), *rng.standard_normal((2, B, H))
    h, cache = lstm.forward(params, x, (h0, c0), mask=mask, reverse=reverse)
    grads, dx, (dh0, dc0) = lstm.backward(params, cache, dh, (dh_T, dc_T))
    want_h, want = _autograd_reference(params, x, h0, c0, mask, reverse, dh, dh_T, dc_T)
    np.testing.assert_allclose(h, want_h, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], want[k], rtol=1e-10, atol=1e-10, err_msg=k)
    np.testing.assert_allclose(dx, want["x"], atol=1e-10)
    np.testing.assert_allclose(dh0, want["h0"], atol=1e-10)
    np.testing.assert_allclose(dc0, want["c0"], atol=1e-10)
