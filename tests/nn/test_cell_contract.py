"""The cell protocol, checked for every cell in one place (adding a cell = adding it to CELLS).

The reference `step` / `step_backward` are the cell's equations as written; they are checked
against finite differences on every entry. The fast `forward` / `backward` / `infer` /
`state_grads` are then checked against a loop over the reference step (nn/reference.py) and
against finite differences, in float64, with masks that have interior gaps, in both directions,
with and without gradients from above and on the final state.
"""
import numpy as np
import pytest

from conftest import gapped_mask
from rnnlab.nn import CELLS, reference
from rnnlab.nn import init as rinit
from rnnlab.numgrad import numeric_grad, relative_error

CASES = [(name, act) for name, cell in CELLS.items() for act in cell.ACTIVATIONS]
IDS = [f"{name}-{act}" for name, act in CASES]
T, B, D, H = 6, 4, 2, 3


def _setup(rng, cell, act="tanh", T=T, B=B, D=D, H=H, dtype=np.float64):
    """params (weights scaled up so that gates leave 1/2), x and an initial state; for ReLU,
    drawn again until every pre-activation is well away from the kink at 0."""
    while True:
        params = cell.init(D, H, rng=rng, dtype=dtype)
        for k in params:
            params[k] *= 2
        x = rng.standard_normal((T, B, D)).astype(dtype)
        h0 = tuple((0.5 * rng.standard_normal((B, H))).astype(dtype) for _ in cell.STATE)
        if act != "relu" or _kink_margin(cell, params, x, h0) > 0.05:
            return params, x, h0


def _kink_margin(cell, params, x, h0):
    """min |a(t)| over the reference trajectories (both directions, masked or not)."""
    margin = np.inf
    for reverse in (False, True):
        for mask in (None, gapped_mask(*x.shape[:2])):
            _, before, _ = reference.forward(cell, params, x, h0, mask=mask, reverse=reverse,
                                             activation="relu")
            for t, (h_prev,) in before.items():
                a = x[t] @ params["W0"].T + h_prev @ params["W11"].T + params["b0"]
                margin = min(margin, np.abs(a).min())
    return margin


def _cell(name):
    return CELLS[name]


def _dstate(rng, cell, kind, B=B, H=H):
    """A gradient for the final state: every part, none, or only h / only c."""
    if kind == "none":
        return None
    parts = [rng.standard_normal((B, H)) for _ in cell.STATE]
    if kind == "h only":
        parts[1:] = [None] * (len(parts) - 1)
    return tuple(parts)


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("name, act", CASES, ids=IDS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fast_paths_equal_the_reference_loop(rng, name, act, reverse, masked):
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell, act)
    mask = gapped_mask(T, B) if masked else None
    kw = dict(mask=mask, reverse=reverse, activation=act)
    want_h, _, want_final = reference.forward(cell, params, x, h0, **kw)
    h, cache = cell.forward(params, x, h0, **kw)
    _close(h, want_h)
    for got, want in zip(cell.final_state(cache), want_final):
        _close(got, want)
    hi, final_i = cell.infer(params, x, h0, **kw)
    _close(hi, want_h)
    for got, want in zip(final_i, want_final):
        _close(got, want)
    dh, dstate = rng.standard_normal(h.shape), _dstate(rng, cell, "all")
    grads, dx, dh0 = cell.backward(params, cache, dh, dstate)
    want_g, want_dx, want_dh0 = reference.backward(cell, params, x, h0, dh, dstate, **kw)
    for k in params:
        _close(grads[k], want_g[k])
    _close(dx, want_dx)
    for got, want in zip(dh0, want_dh0):
        _close(got, want)


@pytest.mark.parametrize("name, act", CASES, ids=IDS)
def test_reference_step_backward_is_the_derivative_of_step(rng, name, act):
    """Finite differences on every entry of every parameter, of x_t and of each state part,
    for L = sum_i w_i * step(...)_i."""
    cell = _cell(name)
    params, x, state = _setup(rng, cell, act)
    x_t = x[0]
    w = tuple(rng.standard_normal((B, H)) for _ in cell.STATE)

    def loss():
        new = cell.step(params, x_t, state, activation=act)
        return float(sum(np.sum(wi * ni) for wi, ni in zip(w, new)))

    grads, dx, dstate = cell.step_backward(params, x_t, state, w, activation=act)
    assert set(grads) == set(params)
    errors = {k: relative_error(grads[k], numeric_grad(loss, params[k])) for k in params}
    errors["x_t"] = relative_error(dx, numeric_grad(loss, x_t))
    for i, s in enumerate(state):
        errors[f"state[{i}]"] = relative_error(dstate[i], numeric_grad(loss, s))
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("name, act", CASES, ids=IDS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("dstate_kind", ["all", "h only", "none"])
def test_bptt_matches_finite_differences_on_every_entry(rng, name, act, reverse, masked,
                                                        dstate_kind):
    """L = sum(dh * h) + sum_i dstate_i * final_i: backward gives dL/dparams, dL/dx and dL/dh0."""
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell, act, T=4, B=3)
    kw = dict(mask=gapped_mask(4, 3) if masked else None, reverse=reverse, activation=act)
    dh = rng.standard_normal((4, 3, H))
    dstate = _dstate(rng, cell, dstate_kind, B=3)

    def loss():
        h, cache = cell.forward(params, x, h0, **kw)
        value = np.sum(dh * h)
        for d, s in zip(dstate or (), cell.final_state(cache)):
            value += 0.0 if d is None else np.sum(d * s)
        return float(value)

    _, cache = cell.forward(params, x, h0, **kw)
    grads, dx, dh0 = cell.backward(params, cache, dh, dstate)
    errors = {k: relative_error(grads[k], numeric_grad(loss, params[k])) for k in params}
    errors["x"] = relative_error(dx, numeric_grad(loss, x))
    for i, s in enumerate(h0):
        errors[f"h0[{i}]"] = relative_error(dh0[i], numeric_grad(loss, s))
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("reverse", [False, True])
def test_blocks_of_steps_change_nothing(rng, name, reverse):
    """At B = 128, H = 32 the gated backward works in blocks of a few steps, and infer with a
    small budget in blocks too (here 3 steps): 13 steps make several blocks, the last short."""
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell, T=13, B=128, D=3, H=32)
    kw = dict(mask=rng.random((13, 128)) > 0.2, reverse=reverse)
    h, cache = cell.forward(params, x, h0, **kw)
    per_step = 128 * (cell.GATES * 2 + 2) * 32 * 8
    hi, final_i = cell.infer(params, x, h0, block_bytes=3 * per_step, **kw)
    _close(hi, h)
    for got, want in zip(final_i, cell.final_state(cache)):
        _close(got, want)
    dh, dstate = rng.standard_normal(h.shape), _dstate(rng, cell, "all", B=128, H=32)
    grads, dx, dh0 = cell.backward(params, cache, dh, dstate)
    want_g, want_dx, want_dh0 = reference.backward(cell, params, x, h0, dh, dstate, **kw)
    for k in params:
        _close(grads[k], want_g[k], 1e-9)
    _close(dx, want_dx)
    for got, want in zip(dh0, want_dh0):
        _close(got, want)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("reverse", [False, True])
def test_masked_batch_equals_sequences_run_alone(rng, name, reverse):
    """Each sequence of a padded batch gets the states, final state and gradients it gets when
    run alone over its own real steps (padding at the end; the gapped sequence is excluded)."""
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell)
    lengths = [6, 3, 1, 5]
    mask = np.arange(T)[:, None] < np.array(lengths)[None, :]
    dh = rng.standard_normal((T, B, H)) * mask[:, :, None]
    h, cache = cell.forward(params, x, h0, mask=mask, reverse=reverse)
    grads, dx, dh0 = cell.backward(params, cache, dh)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for b, n in enumerate(lengths):
        s0 = tuple(s[b:b + 1] for s in h0)
        hb, cb = cell.forward(params, x[:n, b:b + 1], s0, reverse=reverse)
        _close(h[:n, b:b + 1], hb)
        for got, want in zip(cell.final_state(cache), cell.final_state(cb)):
            _close(got[b:b + 1], want)
        gb, dxb, dh0b = cell.backward(params, cb, dh[:n, b:b + 1])
        _close(dx[:n, b:b + 1], dxb)
        np.testing.assert_array_equal(dx[n:, b], 0)               # padded inputs: no gradient
        for got, want in zip(dh0, dh0b):
            _close(got[b:b + 1], want)
        for k in total:
            total[k] += gb[k]
    for k in params:
        _close(grads[k], total[k])


@pytest.mark.parametrize("name", CELLS)
def test_reverse_is_forward_on_the_reversed_sequence(rng, name):
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell)
    dh = rng.standard_normal((T, B, H))
    hr, cr = cell.forward(params, x, h0, reverse=True)
    hf, cf = cell.forward(params, x[::-1].copy(), h0)
    _close(hr, hf[::-1], 1e-14)
    gr, dxr, d0r = cell.backward(params, cr, dh)
    gf, dxf, d0f = cell.backward(params, cf, dh[::-1].copy())
    for k in gr:
        _close(gr[k], gf[k], 1e-13)
    _close(dxr, dxf[::-1], 1e-13)
    for a, b in zip(d0r, d0f):
        _close(a, b, 1e-13)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("masked", [False, True])
def test_state_grads_are_the_total_gradient_reaching_each_state(rng, name, masked):
    """g(t) = dh_up(t) + the dL/dh0 of the rest of the sequence restarted from the state at t."""
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell)
    mask = gapped_mask(T, B) if masked else None
    dh, dstate = rng.standard_normal((T, B, H)), _dstate(rng, cell, "all")
    _, cache = cell.forward(params, x, h0, mask=mask)
    g = cell.state_grads(params, cache, dh, dstate)
    _, before, _ = reference.forward(cell, params, x, h0, mask=mask)
    for t in range(T):
        after = before[t + 1] if t + 1 < T else None
        if after is None:                                # the last step: only what is given
            _close(g[t], dh[t] + dstate[0])
            continue
        rest = reference.backward(cell, params, x[t + 1:], after, dh[t + 1:], dstate,
                                  mask=None if mask is None else mask[t + 1:])[2]
        _close(g[t], dh[t] + rest[0])


@pytest.mark.parametrize("name", CELLS)
def test_float32_stays_float32(rng, name):
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell, dtype=np.float32)
    mask = gapped_mask(T, B)
    h, cache = cell.forward(params, x, h0, mask=mask)
    grads, dx, dh0 = cell.backward(params, cache, np.ones_like(h), h0)
    hi, final_i = cell.infer(params, x, h0, mask=mask)
    new = cell.step(params, x[0], h0)
    arrays = [h, dx, hi, *dh0, *final_i, *cell.final_state(cache), *grads.values(), *new,
              cell.state_grads(params, cache, np.ones_like(h)), *cell.zero_state(B, H, np.float32)]
    assert all(a.dtype == np.float32 for a in arrays), [a.dtype for a in arrays]


@pytest.mark.parametrize("name", CELLS)
def test_no_function_modifies_its_inputs(rng, name):
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell)
    dh = rng.standard_normal((T, B, H))
    originals = (x, dh, *h0, *params.values())
    copies = [a.copy() for a in originals]
    h, cache = cell.forward(params, x, h0, mask=gapped_mask(T, B))
    cell.backward(params, cache, dh, h0)
    cell.state_grads(params, cache, dh, h0)
    cell.infer(params, x, h0, mask=gapped_mask(T, B), reverse=True)
    cell.step_backward(params, x[0], h0, h0)
    for a, c in zip(originals, copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("name", CELLS)
def test_the_zero_state_is_the_default(rng, name):
    cell = _cell(name)
    params, x, _ = _setup(rng, cell)
    zero = cell.zero_state(B, H, np.float64)
    assert isinstance(zero, tuple) and len(zero) == len(cell.STATE)
    assert all(s.shape == (B, H) and not s.any() for s in zero)
    h_none, _ = cell.forward(params, x)
    h_zero, _ = cell.forward(params, x, zero)
    h_parts, _ = cell.forward(params, x, (None,) * len(cell.STATE))
    np.testing.assert_array_equal(h_none, h_zero)
    np.testing.assert_array_equal(h_none, h_parts)


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("scheme", rinit.SCHEMES)
def test_param_shapes_are_what_init_returns(rng, name, scheme):
    cell = _cell(name)
    params = cell.init(3, 5, rng=rng, init=scheme)
    assert {k: v.shape for k, v in params.items()} == cell.param_shapes(3, 5)
    assert all(v.dtype == np.float32 for v in params.values())
    assert params["W0"].shape == (cell.GATES * 5, 3)


@pytest.mark.parametrize("name", CELLS)
def test_bad_states_and_activations_are_refused(rng, name):
    cell = _cell(name)
    params, x, h0 = _setup(rng, cell)
    with pytest.raises(TypeError, match=f"h0 of the {name} cell must be None or a tuple"):
        cell.forward(params, x, h0[0])                            # a bare array
    with pytest.raises(TypeError, match="must be None or a tuple"):
        cell.forward(params, x, h0 + h0)                          # too many parts
    with pytest.raises(ValueError, match=r"must have shape \(4, 3\)"):
        cell.infer(params, x, tuple(s[:2] for s in h0))
    bad = next(a for a in ("relu", "identity", "sigmoid") if a not in cell.ACTIVATIONS)
    for fn in (lambda: cell.forward(params, x, activation=bad),
               lambda: cell.infer(params, x, activation=bad)):
        with pytest.raises(ValueError, match=f"activation must be one of .* {bad!r}"):
            fn()
