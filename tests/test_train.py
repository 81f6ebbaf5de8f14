"""The training loop: history, validation, early stopping, callbacks, reproducibility, progress,
truncated BPTT, and the non-finite guard."""
import io
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves
from rnnlab.progress import Progress


def _task(rng, B=40, T=8):
    X = rng.standard_normal((B, T, 1))
    return X, 0.5 * np.cumsum(X, axis=1)              # a running sum: learnable, not trivial


def _same(a, b):
    pa, pb = dict(leaves(a.params)), dict(leaves(b.params))
    return all(np.array_equal(pa[k], pb[k]) for k in pa)


@pytest.mark.training
def test_history_and_validation(rng):
    X, Y = _task(rng)
    m = rl.RNN(1, 8, 1)
    h = m.fit(X[:30], Y[:30], epochs=5, batch_size=8, validation_data=(X[30:], Y[30:]),
              progress=False)
    assert len(h.loss) == len(h.val_loss) == len(h.grad_norm) == 5
    assert all(isinstance(v, float) for v in h.loss)
    assert h.steps == 5 * 4
    assert h.loss[-1] < h.loss[0]
    assert h.val_loss_per_sequence[-1] == pytest.approx(m.evaluate(X[30:], Y[30:]))
    half_squares = 0.5 * np.sum((m.predict(X[30:]) - Y[30:]) ** 2)
    assert h.val_loss[-1] == pytest.approx(half_squares / (10 * 8), rel=1e-5)   # 10 x 8 steps


def test_same_seed_same_parameters(rng):
    X, Y = _task(rng)
    a, b = rl.RNN(1, 8, 1), rl.RNN(1, 8, 1)
    a.fit(X, Y, epochs=2, batch_size=8, seed=5, progress=False)
    b.fit(X, Y, epochs=2, batch_size=8, seed=5, progress=False)
    assert _same(a, b)
    c = rl.RNN(1, 8, 1)
    c.fit(X, Y, epochs=2, batch_size=8, seed=6, progress=False)
    assert not _same(a, c)


def test_epoch_loss_is_the_mean_per_sequence_loss(rng):
    X, Y = _task(rng, B=10)
    m = rl.RNN(1, 4, 1)
    before = m.evaluate(X, Y)
    h = m.fit(X, Y, optimizer=rl.optim.SGD(lr=1e-12), epochs=1, batch_size=3, progress=False)
    assert h.loss_per_sequence[0] == pytest.approx(before, rel=1e-5)   # (3+3+3+1, weighted)
    assert h.loss[0] == pytest.approx(before / 8, rel=1e-5)            # 8 answering steps each


@pytest.mark.training
def test_patience_restores_the_best_parameters(rng):
    X, Y = _task(rng)
    m = rl.RNN(1, 8, 1)
    h = m.fit(X[:30], Y[:30], optimizer=rl.optim.SGD(lr=0.3), epochs=40, batch_size=5, patience=2,
              validation_data=(X[30:], Y[30:]), progress=False)
    assert h.stopped and "early stop" in h.stopped and len(h.val_loss) < 40
    assert h.val_loss[-1] > min(h.val_loss)                      # it stopped after getting worse
    assert m.evaluate(X[30:], Y[30:]) == pytest.approx(min(h.val_loss_per_sequence), rel=1e-6)


def test_callback_stops_training(rng):
    X, Y = _task(rng)
    seen = []
    h = rl.RNN(1, 4, 1).fit(X, Y, epochs=10, progress=False,
                            callback=lambda model, hist: seen.append(len(hist.loss)) or len(hist.loss) == 3)
    assert seen == [1, 2, 3] and len(h.loss) == 3 and "callback" in h.stopped


def test_progress_bar_reports_loss_rate_and_eta():
    buf = io.StringIO()
    p = Progress(10, stream=buf, enabled=True)
    p.update(10, 0.25, prefix="epoch 1/1 ")
    p.close("done")
    out = buf.getvalue()
    assert "10/10" in out and "loss 0.25" in out and "steps/s" in out and "ETA" in out
    buf = io.StringIO()
    Progress(10, stream=buf, enabled=False).update(5, 1.0)
    assert buf.getvalue() == ""


def test_truncated_bptt_with_k_at_least_t_equals_full_bptt(rng):
    X, Y = _task(rng, T=8)
    a, b, c = rl.RNN(1, 6, 1), rl.RNN(1, 6, 1), rl.RNN(1, 6, 1)
    a.fit(X, Y, epochs=2, batch_size=8, progress=False)
    b.fit(X, Y, epochs=2, batch_size=8, bptt=8, progress=False)
    c.fit(X, Y, epochs=2, batch_size=8, bptt=3, progress=False)
    assert _same(a, b)
    assert not _same(a, c)


def test_truncated_bptt_carries_the_state_and_stops_the_gradient(rng):
    """One chunked batch equals manual chunks: state carried, gradient cut at the boundary."""
    X, Y = _task(rng, B=4, T=6)
    m = rl.RNN(1, 5, 1, dtype="float64")
    l1, g1, s1 = m.loss_and_grads(X[:, :4], Y[:, :4], return_state=True)
    l2, g2 = m.loss_and_grads(X[:, 4:], Y[:, 4:], h0=s1)
    full = m.evaluate(X, Y)
    assert l1 + l2 == pytest.approx(full, rel=1e-12)     # the state is carried exactly
    _, gfull = m.loss_and_grads(X, Y)
    gsum = {k: dict(leaves(g1))[k] + v for k, v in leaves(g2)}
    assert not all(np.allclose(v, gsum[k]) for k, v in leaves(gfull))   # paths across the cut dropped


def test_bptt_needs_many_to_many(rng):
    X, Y = _task(rng)
    with pytest.raises(ValueError, match="bptt .* needs mapping='many-to-many'"):
        rl.RNN(1, 4, 1, mapping="many-to-one").fit(X, Y[:, -1], bptt=3)


def test_non_finite_guard_keeps_the_last_good_parameters(rng):
    X, Y = _task(rng)
    m = rl.RNN(1, 4, 1, activation="identity", dtype="float32")
    m.params["layers"][0]["W11"][...] = 3 * np.eye(4)        # 3^80 overflows float32
    X = np.repeat(X, 10, axis=1) * 100
    Y = np.repeat(Y, 10, axis=1)
    before = {k: v.copy() for k, v in leaves(m.params)}
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        h = m.fit(X, Y, epochs=3, progress=False)
    assert h.stopped and "not finite" in h.stopped and "clip_norm" in h.stopped
    assert any(issubclass(x.category, RuntimeWarning) for x in w)
    assert h.steps == 0 and h.loss == []
    assert all(np.array_equal(v, before[k]) for k, v in leaves(m.params))


@pytest.mark.parametrize("cell", ["elman", "lstm"])
def test_fit_with_bptt_equals_manual_chunks(rng, cell):
    """fit(bptt=K) steps once per chunk, carrying the state (a pair for the LSTM)."""
    X, Y = _task(rng, B=8, T=7)
    a, b = rl.RNN(1, 4, 1, cell=cell, seed=2), rl.RNN(1, 4, 1, cell=cell, seed=2)
    a.fit(X, Y, optimizer=rl.optim.SGD(lr=0.1), epochs=1, batch_size=8, bptt=3, shuffle=False,
          progress=False)
    opt, state = rl.optim.SGD(lr=0.1), None
    for start in range(0, 7, 3):
        _, grads, state = b.loss_and_grads(X[:, start:start + 3], Y[:, start:start + 3], h0=state,
                                           return_state=True)
        opt.step(b.params, grads)
    assert _same(a, b)


@pytest.mark.parametrize("call,err,match", [
    (lambda m, X, Y: m.fit(X, Y, bptt=3), ValueError, "bidirectional=False"),
    (lambda m, X, Y: m.fit(X, Y, optimizer=rl.optim.SGD(), lr=0.5), ValueError,
     "lr=0.5 applies to a named optimizer"),
    (lambda m, X, Y: m.fit(X, Y, seed="a"), TypeError, "seed must be an integer"),
    (lambda m, X, Y: m.fit(X, Y, patience=0), ValueError, "patience must be >= 1"),
    (lambda m, X, Y: m.fit(X, Y, shuffle="no"), TypeError, "shuffle must be True or False"),
    (lambda m, X, Y: m.fit(X, Y[:, :5]), ValueError, r"Y must have shape \(40, 8, 1\)"),
])
def test_fit_option_errors(rng, call, err, match):
    X, Y = _task(rng)
    with pytest.raises(err, match=match):
        call(rl.RNN(1, 3, 1, bidirectional=True), X, Y)


def test_a_named_optimizer_is_new_at_each_call_an_object_keeps_its_state(rng):
    X, Y = _task(rng)
    opt = rl.optim.Adam(lr=0.01)
    m = rl.RNN(1, 3, 1)
    m.fit(X, Y, optimizer=opt, epochs=1, batch_size=20, progress=False)
    m.fit(X, Y, optimizer=opt, epochs=1, batch_size=20, progress=False)
    assert opt.t == 4


def test_fit_shows_every_option_in_its_signature_and_docstring():
    """Shift-Tab in Jupyter and IDEs read the signature: RNN.fit names every option of
    rl.train.fit (same defaults), and both docstrings document each one (numpydoc)."""
    import inspect
    import re
    method = inspect.signature(rl.RNN.fit).parameters
    function = inspect.signature(rl.train.fit).parameters
    assert list(method)[1:] == list(function)[1:]               # self / model, then the same
    assert all(method[k].default == function[k].default for k in list(function)[1:])
    assert not any(p.kind is p.VAR_KEYWORD for p in method.values())
    assert {"verbose", "progress", "metrics", "callbacks"} <= set(method)
    for fn in (rl.RNN.fit, rl.train.fit):
        doc = inspect.getdoc(fn)
        for section in ("Parameters", "Returns", "Raises", "Examples"):
            assert f"\n{section}\n{'-' * len(section)}\n" in doc, (fn, section)
        documented = set(re.findall(r"^(\w+) : ", doc, re.M))
        assert set(list(inspect.signature(fn).parameters)[1:]) <= documented, fn
