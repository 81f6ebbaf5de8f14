"""The non-finite guard of fit(): an engineered explosion stops training with a clear message and
the parameters from before the failing step.

The explosion: linear units (activation="identity") with W11 = 3 I, so h(t) carries 3^(t-1) x(1)
and the gradients 3^(2T); plain SGD with a learning rate that is far too large for such gradients
multiplies W11 up until the float32 loss overflows. The expected parameters come from replaying the
same steps with an independent loop (loss_and_grads, then an SGD step), not from fit itself.
"""
import math
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import global_norm, map_tree

pytestmark = pytest.mark.training        # when the engineered explosion happens is an outcome


def exploding_model(H=2):
    m = rl.RNN(1, H, 1, activation="identity", seed=0)
    m.params["layers"][0]["W11"][...] = 3 * np.eye(H)
    return m


def data(T=8, n=8):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, T, 1)), rng.uniform(-1, 1, (n, T, 1))


def replay(model, X, Y, lr, batch_size, epochs):
    """fit's steps by hand, until the loss or gradient norm is not finite.

    Returns (params before the failing step, (epoch, batch) of the failing step, last finite norm,
    steps taken) - or None for the position when nothing failed.
    """
    opt, last, steps = rl.optim.SGD(lr=lr), None, 0
    for epoch in range(epochs):
        for i in range(math.ceil(len(X) / batch_size)):
            sl = slice(i * batch_size, (i + 1) * batch_size)
            with np.errstate(all="ignore"):
                loss, grads = model.loss_and_grads(X[sl], Y[sl])
            norm = global_norm(grads)
            if not (math.isfinite(loss) and math.isfinite(norm)):
                return map_tree(np.copy, model.params), (epoch + 1, i + 1), last, steps
            opt.step(model.params, grads)
            last, steps = norm, steps + 1
    return map_tree(np.copy, model.params), None, last, steps


def assert_same_params(a, b):
    for (pa, x), (pb, y) in zip(rl._tree.leaves(a), rl._tree.leaves(b)):
        assert pa == pb
        np.testing.assert_array_equal(x, y)


def fit_quietly(model, X, Y, **kw):
    """fit, with NumPy's overflow warnings silenced and the guard's RuntimeWarning captured."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        hist = model.fit(X, Y, optimizer="sgd", shuffle=False, **kw)
    guard = [w for w in caught if "training stopped" in str(w.message)]
    return hist, guard


def test_guard_stops_mid_epoch_with_the_last_good_parameters():
    X, Y = data()
    lr, bs = 3e-6, 2
    want, (epoch, batch), last, steps = replay(exploding_model(), X, Y, lr, bs, epochs=50)
    assert steps >= 3                                           # good steps came first
    m = exploding_model()
    hist, guard = fit_quietly(m, X, Y, lr=lr, batch_size=bs, epochs=50)
    assert len(guard) == 1 and guard[0].category is RuntimeWarning
    assert hist.stopped == str(guard[0].message)
    assert f"epoch {epoch}, batch {batch}" in hist.stopped
    assert f"last finite gradient norm {last:.4g}" in hist.stopped
    assert "clip_norm" in hist.stopped                          # the remedy is suggested
    assert hist.steps == steps
    assert_same_params(m.params, want)                          # exactly before the failing step
    assert all(np.isfinite(a).all() for _, a in rl._tree.leaves(m.params))
    sl = slice((batch - 1) * bs, batch * bs)
    with np.errstate(all="ignore"):                             # the step it refused is bad
        loss, grads = m.loss_and_grads(X[sl], Y[sl])
    assert not (math.isfinite(loss) and math.isfinite(global_norm(grads)))


def test_guard_at_an_epoch_start_keeps_the_parameters_of_the_last_epoch():
    X, Y = data()
    snapshots = []
    m = exploding_model()
    hist, guard = fit_quietly(m, X, Y, lr=1e-5, batch_size=len(X), epochs=100,
                              callback=lambda model, h: snapshots.append(
                                  map_tree(np.copy, model.params)))
    assert len(guard) == 1 and len(snapshots) >= 2
    assert hist.steps == len(snapshots) == len(hist.loss)
    assert f"epoch {len(snapshots) + 1}, batch 1" in hist.stopped
    assert_same_params(m.params, snapshots[-1])


def test_guard_before_any_step_leaves_the_model_untouched():
    """T = 100: 3^99 overflows float32 in the first forward pass: zero steps, initial weights."""
    X, Y = data(T=100, n=4)
    m, ref = exploding_model(), exploding_model()
    hist, guard = fit_quietly(m, X, Y, lr=1e-3, batch_size=4, epochs=3)
    assert len(guard) == 1 and hist.steps == 0 and hist.loss == []
    assert "epoch 1, batch 1" in hist.stopped and "none yet" in hist.stopped
    assert_same_params(m.params, ref.params)


def test_clipping_prevents_the_engineered_explosion():
    X, Y = data()
    m = exploding_model()
    hist, guard = fit_quietly(m, X, Y, lr=3e-6, batch_size=2, epochs=50, clip_norm=1.0)
    assert guard == [] and hist.stopped is None and hist.steps == 200
    assert math.isfinite(m.evaluate(X, Y))


def test_message_names_the_last_finite_norm_across_epochs():
    """A failure at the first batch of an epoch still names the norm of the step before."""
    X, Y = data()
    _, _, last, steps = replay(exploding_model(), X, Y, 1e-5, len(X), epochs=100)
    assert steps >= 2
    hist, _ = fit_quietly(exploding_model(), X, Y, lr=1e-5, batch_size=len(X), epochs=100)
    assert f"last finite gradient norm {last:.4g}" in hist.stopped


def test_an_overflowing_update_is_undone():
    """Finite loss and gradient, but lr * g overflows float32: the update is undone, and the
    parameters are exactly those before it (here the initial ones)."""
    X, Y = data()
    m, ref = exploding_model(), exploding_model()
    hist, guard = fit_quietly(m, X, Y, lr=1e39, batch_size=len(X), epochs=3)
    assert len(guard) == 1 and hist.steps == 0
    assert "epoch 1, batch 1" in hist.stopped and "updated parameters" in hist.stopped
    assert_same_params(m.params, ref.params)
