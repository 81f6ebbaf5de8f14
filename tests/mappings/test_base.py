"""mappings/base.py (the Net, shared checks, the output layer and the aligned many-to-many
mapping every other one refines) and mappings/__init__.py (get and its option checks): exact
gradients of deep and bidirectional many-to-many nets with a gapped mask, the lecture's fusion
of the two directions, continuing a sequence from a returned state, learned initial states, and
errors that name the mapping and the shapes. PyTorch as the oracle: test_base_torch.py."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask

B, T, D, H, K = 3, 5, 2, 3, 2


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradcheck_many_to_many(rng, n_layers, bidirectional):
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    model = rl.RNN(D, H, K, n_layers=n_layers, bidirectional=bidirectional, learn_h0=True)
    assert rl.gradcheck(model, X, Y, mask=gapped_mask(T, B).T) < 1e-6


def test_bidirectional_output_is_the_lectures_fusion(rng):
    """a2(t) = W1_f h_f(t) + b1_f + W1_b h_b(t) + b1_b, the two passes computed by hand."""
    X = rng.standard_normal((B, T, D))
    m = rl.RNN(D, H, K, bidirectional=True, output="sigmoid", dtype="float64")
    pf, pb = m.params["layers"][0]["f"], m.params["layers"][0]["b"]
    of, ob = m.params["output"]["f"], m.params["output"]["b"]
    hf, hb = np.zeros((T, B, H)), np.zeros((T, B, H))
    h = np.zeros((B, H))
    for t in range(T):                                     # into the future, from h_f(0) = 0
        h = hf[t] = np.tanh(X[:, t] @ pf["W0"].T + h @ pf["W11"].T + pf["b0"])
    h = np.zeros((B, H))
    for t in range(T - 1, -1, -1):                         # into the past, from h_b(T+1) = 0
        h = hb[t] = np.tanh(X[:, t] @ pb["W0"].T + h @ pb["W11"].T + pb["b0"])
    a2 = hf @ of["W1"].T + of["b1"] + hb @ ob["W1"].T + ob["b1"]
    np.testing.assert_allclose(m.predict(X), (1 / (1 + np.exp(-a2))).swapaxes(0, 1), rtol=1e-12)


def test_a_gap_carries_the_state(rng):
    """At a padded step h(t) = h(t-1) and no output enters the loss: the gapped sequence's
    outputs at its real steps are those of the sequence with the gap cut out, computed by hand."""
    X = rng.standard_normal((B, T, D))
    mask = gapped_mask(T, B).T                             # sequence 1: a gap at step 3
    m = rl.RNN(D, H, K, dtype="float64")
    p, o = m.params["layers"][0], m.params["output"]
    real = np.flatnonzero(mask[1])
    h, want = np.zeros(H), []
    for t in real:
        h = np.tanh(p["W0"] @ X[1, t] + p["W11"] @ h + p["b0"])
        want.append(o["W1"] @ h + o["b1"])
    np.testing.assert_allclose(m.predict(X, mask=mask)[1, real], want, rtol=1e-12)


def test_return_state_continues_a_sequence(rng):
    X = rng.standard_normal((B, T, D))
    m = rl.RNN(D, H, K, n_layers=2, dtype="float64")
    full = m.predict(X)
    y1, s = m.predict(X[:, :2], return_state=True)
    y2 = m.predict(X[:, 2:], h0=s)
    np.testing.assert_allclose(np.concatenate([y1, y2], 1), full, rtol=1e-13)
    m.reset_state()
    parts = [m.predict(X[:, i:i + 1], stateful=True) for i in range(T)]
    np.testing.assert_allclose(np.concatenate(parts, 1), full, rtol=1e-13)
    m.reset_state()
    np.testing.assert_allclose(m.predict(X[:, :1], stateful=True), full[:, :1], rtol=1e-13)


def test_learned_h0_is_a_parameter_with_its_gradient(rng):
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    m = rl.RNN(D, H, K, learn_h0=True, n_layers=2, bidirectional=True)
    assert set(m.params) == {"layers", "output", "h0"}
    _, g = m.loss_and_grads(X, Y, mask=gapped_mask(T, B).T)
    assert np.abs(g["h0"][0]["f"][0]).sum() > 0         # layer 0, forward pass, its h
    before = m.predict(X)
    m.params["h0"][1]["b"][0][...] += 1.0               # live: changes the next prediction
    assert not np.allclose(m.predict(X), before)


@pytest.mark.parametrize("make,call,match", [
    (dict(mapping="many-to-one"), lambda m, X: m.loss_and_grads(X, np.zeros((B, T, K))),
     r"Y must have shape \(3, 2\) for mapping='many-to-one', got \(3, 5, 2\)"),
    (dict(mapping="many-to-many"), lambda m, X: m.loss_and_grads(X, np.zeros((B, K))),
     r"Y must have shape \(3, 5, 2\) for mapping='many-to-many', got \(3, 2\)"),
    (dict(mapping="one-to-one"), lambda m, X: m.predict(X),
     r"X must have 2 dimensions"),
    (dict(mapping="one-to-many"), lambda m, X: m.predict(X[:, 0]),
     "needs the number of output steps"),
    (dict(mapping="seq2seq"), lambda m, X: m.predict(X), "needs the number of output steps"),
    (dict(mapping="many-to-many-delayed", delay=9), lambda m, X: m.predict(X),
     r"delay=9 is longer than the sequences \(T=5\)"),
    (dict(bidirectional=True), lambda m, X: m.predict(X, stateful=True),
     "stateful prediction needs bidirectional=False"),
    (dict(bidirectional=True), lambda m, X: m.predict(X, h0=np.zeros((B, H))),
     r"h0\[0\] must be a dict"),
    (dict(n_layers=2), lambda m, X: m.predict(X, h0=np.zeros((B, H))), "list of 2 states"),
])
def test_mapping_errors_name_the_mapping_and_shapes(rng, make, call, match):
    X = rng.standard_normal((B, T, D))
    with pytest.raises((ValueError, TypeError), match=match):
        call(rl.RNN(D, H, K, **make), X)


@pytest.mark.parametrize("kw,match", [
    (dict(mapping="seq2seq", bidirectional=True), "seq2seq' needs bidirectional=False"),
    (dict(mapping="many-to-one", feed="every"), "feed='every' applies to mapping='one-to-many'"),
    (dict(mapping="seq2seq", teacher_forcing=True), "teacher_forcing=True needs decoder_input"),
    (dict(mapping="many-to-many", decoder_input="previous"), "apply to mapping='seq2seq' only"),
])
def test_mapping_option_errors(kw, match):
    with pytest.raises(ValueError, match=match):
        rl.RNN(D, H, K, **kw)


def test_n_steps_only_where_the_mapping_takes_it(rng):
    with pytest.raises(ValueError, match="n_steps applies to mappings 'one-to-many' and 'seq2seq'"):
        rl.RNN(D, H, K).predict(rng.standard_normal((B, T, D)), n_steps=3)
