"""Every mapping, deep and bidirectional: exact gradients, the lecture's equations, PyTorch as the
oracle for deep bidirectional nn.RNN (with padded sequences), initial and final states."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

B, T, D, H, K = 3, 5, 2, 3, 2


def _mask():
    m = np.ones((B, T), bool)
    m[0, 3:] = False
    m[2, 1:] = False
    return m


def _case(rng, mapping):
    """(X, Y, mask) shaped for the mapping."""
    X3 = rng.standard_normal((B, T, D))
    Y3 = rng.standard_normal((B, T, K))
    return {"many-to-many": (X3, Y3, _mask()),
            "many-to-many-delayed": (X3, Y3, _mask()),
            "many-to-one": (X3, Y3[:, 0], _mask()),
            "one-to-one": (X3[:, 0], Y3[:, 0], None),
            "one-to-many": (X3[:, 0], Y3, _mask()),
            "seq2seq": (X3, Y3[:, :4], _mask())}[mapping]


MAPPINGS = ["many-to-many", "many-to-many-delayed", "many-to-one", "one-to-one", "one-to-many",
            "seq2seq"]


@pytest.mark.parametrize("mapping,n_layers,bidirectional", [
    (mp, n, bi) for mp in MAPPINGS for n in (1, 3) for bi in (False, True)
    if not (mp == "seq2seq" and bi)])                 # seq2seq takes a unidirectional encoder
def test_gradcheck_every_mapping(rng, mapping, n_layers, bidirectional):
    X, Y, mask = _case(rng, mapping)
    kw = {"delay": 2} if mapping == "many-to-many-delayed" else {}
    model = rl.RNN(D, H, K, mapping=mapping, n_layers=n_layers, bidirectional=bidirectional,
                   learn_h0=True, **kw)
    assert rl.gradcheck(model, X, Y, mask=mask) < 1e-6


@pytest.mark.parametrize("opts", [dict(feed="every"), dict(feed="first")])
def test_gradcheck_one_to_many_feeds(rng, opts):
    X, Y, _ = _case(rng, "one-to-many")
    assert rl.gradcheck(rl.RNN(D, H, K, mapping="one-to-many", n_layers=2, **opts), X, Y) < 1e-6


@pytest.mark.parametrize("opts", [dict(decoder_input="previous"),
                                  dict(decoder_input="previous", teacher_forcing=True),
                                  dict(decoder_input="previous", output="softmax")])
def test_gradcheck_seq2seq_decoders(rng, opts):
    X, Y, mask = _case(rng, "seq2seq")
    if opts.get("output") == "softmax":
        Y = rng.integers(0, K, size=Y.shape[:2])
    model = rl.RNN(D, H, K, mapping="seq2seq", n_layers=2, **opts)
    assert rl.gradcheck(model, X, Y, mask=mask) < 1e-6


def test_free_running_decoder_reads_its_own_previous_output(rng):
    """Step by step by hand: decoder input at t is y(t-1), y(0) = 0, starting from h_enc(T)."""
    X, Y, _ = _case(rng, "seq2seq")
    m = rl.RNN(D, H, K, mapping="seq2seq", decoder_input="previous", output="sigmoid",
               dtype="float64")
    enc, dec, out = m.params["layers"][0], m.params["decoder"][0], m.params["output"]
    h = np.zeros((B, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ enc["W0"].T + h @ enc["W11"].T + enc["b0"])
    y = np.zeros((B, K))
    outs = []
    for t in range(Y.shape[1]):
        h = np.tanh(y @ dec["W0"].T + h @ dec["W11"].T + dec["b0"])
        y = 1 / (1 + np.exp(-(h @ out["W1"].T + out["b1"])))
        outs.append(y)
    np.testing.assert_allclose(m.predict(X, n_steps=Y.shape[1]), np.stack(outs, 1), rtol=1e-12)


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


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_deep_bidirectional_matches_pytorch(rng, n_layers, nonlinearity):
    torch = pytest.importorskip("torch")
    from torch_ref import grads_as_rnnlab, half_sse, twin
    m = rl.RNN(D, H, K, n_layers=n_layers, bidirectional=True, activation=nonlinearity,
               dtype="float64", seed=2)
    X, Y = rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))
    h0 = [{d: rng.standard_normal((B, H)) for d in "fb"} for _ in range(n_layers)]
    rnn, lin = twin(m)
    h0_t = torch.tensor(np.stack([s[d] for s in h0 for d in "fb"]))   # (L * 2, B, H)
    out, h_n = rnn(torch.tensor(X), h0_t)
    y = lin(out)
    half_sse(y, torch.tensor(Y), B).backward()
    yy, states = m.predict(X, h0=h0, return_state=True)
    np.testing.assert_allclose(yy, y.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.stack([s[d] for s in states for d in "fb"]), h_n.detach().numpy(),
                               rtol=1e-10, atol=1e-12)
    _, grads = m.loss_and_grads(X, Y, h0=h0)
    ref = dict(leaves(grads_as_rnnlab(m, rnn, lin)))
    for path, g in leaves(grads):
        np.testing.assert_allclose(g, ref[path], rtol=1e-9, atol=1e-12, err_msg=str(path))


def test_padded_many_to_one_matches_pytorch_packed_sequences(rng):
    """Bidirectional many-to-one with masks = PyTorch's h_n on packed sequences: the backward
    pass of a padded sequence starts at that sequence's own last real step."""
    torch = pytest.importorskip("torch")
    from torch.nn.utils.rnn import pack_padded_sequence
    from torch_ref import twin
    m = rl.RNN(D, H, K, n_layers=2, bidirectional=True, mapping="many-to-one", dtype="float64")
    X, mask = rng.standard_normal((B, T, D)), _mask()
    rnn, lin = twin(m)
    packed = pack_padded_sequence(torch.tensor(X), torch.tensor(mask.sum(1)), batch_first=True,
                                  enforce_sorted=False)
    _, h_n = rnn(packed)
    ref = lin(torch.cat([h_n[-2], h_n[-1]], dim=1)).detach().numpy()
    np.testing.assert_allclose(m.predict(X, mask=mask), ref, rtol=1e-10)


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


def test_delayed_output_reads_ahead(rng):
    """y(t + d) of the delayed model equals the aligned model's output on the zero-padded input."""
    X = rng.standard_normal((B, T, D))
    d = 2
    delayed = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=d, seed=5)
    aligned = rl.RNN(D, H, K, seed=5)
    padded = np.concatenate([X, np.zeros((B, d, D))], axis=1)
    np.testing.assert_allclose(delayed.predict(X), aligned.predict(padded)[:, d:], rtol=1e-6)


def test_one_to_one_is_a_feed_forward_net(rng):
    X = rng.standard_normal((B, D))
    m = rl.RNN(D, H, K, mapping="one-to-one", output="softmax", dtype="float64")
    p, o = m.params["layers"][0], m.params["output"]
    a = np.tanh(X @ p["W0"].T + p["b0"]) @ o["W1"].T + o["b1"]
    e = np.exp(a - a.max(1, keepdims=True))
    np.testing.assert_allclose(m.predict(X), e / e.sum(1, keepdims=True), rtol=1e-12)


def test_one_to_many_feeds_first_or_every(rng):
    X = rng.standard_normal((B, D))
    first = rl.RNN(D, H, K, mapping="one-to-many", seed=1)
    every = rl.RNN(D, H, K, mapping="one-to-many", feed="every", seed=1)
    seq = rl.RNN(D, H, K, seed=1)
    zeros = np.zeros((B, 4, D))
    np.testing.assert_allclose(first.predict(X, n_steps=5),
                               seq.predict(np.concatenate([X[:, None], zeros], 1)), rtol=1e-6)
    np.testing.assert_allclose(every.predict(X, n_steps=5),
                               seq.predict(np.repeat(X[:, None], 5, 1)), rtol=1e-6)


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


def test_learned_h0_is_a_parameter_with_its_gradient(rng):
    X, Y, mask = _case(rng, "many-to-many")
    m = rl.RNN(D, H, K, learn_h0=True, n_layers=2, bidirectional=True)
    assert set(m.params) == {"layers", "output", "h0"}
    _, g = m.loss_and_grads(X, Y, mask=mask)
    assert np.abs(g["h0"][0]["f"][0]).sum() > 0         # layer 0, forward pass, its h
    before = m.predict(X)
    m.params["h0"][1]["b"][0][...] += 1.0               # live: changes the next prediction
    assert not np.allclose(m.predict(X), before)


def test_delayed_and_bidirectional_models_cannot_continue_a_sequence(rng):
    X = rng.standard_normal((B, T, D))
    delayed = rl.RNN(D, H, K, mapping="many-to-many-delayed", delay=2)
    with pytest.raises(ValueError, match="stateful prediction is not available"):
        delayed.predict(X, stateful=True)
    with pytest.raises(ValueError, match="return_state is not available"):
        delayed.predict(X, return_state=True)
    bi = rl.RNN(D, H, K, bidirectional=True)
    with pytest.raises(ValueError, match="stateful prediction needs bidirectional=False"):
        bi.predict(X, stateful=True)


def test_n_steps_only_where_the_mapping_takes_it(rng):
    with pytest.raises(ValueError, match="n_steps applies to mappings 'one-to-many' and 'seq2seq'"):
        rl.RNN(D, H, K).predict(rng.standard_normal((B, T, D)), n_steps=3)
