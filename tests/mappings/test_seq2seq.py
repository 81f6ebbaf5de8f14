"""mappings/seq2seq.py: the encoder-decoder. Exact gradients (deep encoders and decoders, a
gapped mask on the input, every decoder input), and the decoder's three inputs written out by
hand: zeros, its own previous output, and the true previous target (teacher forcing)."""
import numpy as np
import pytest

import rnnlab as rl
from conftest import gapped_mask

B, T, D, H, K = 3, 5, 2, 3, 2
T_OUT = 4


def _data(rng):
    return rng.standard_normal((B, T, D)), rng.standard_normal((B, T_OUT, K))


@pytest.mark.parametrize("n_layers", [1, 3])
def test_gradcheck_seq2seq(rng, n_layers):
    X, Y = _data(rng)
    model = rl.RNN(D, H, K, mapping="seq2seq", n_layers=n_layers, learn_h0=True)
    assert rl.gradcheck(model, X, Y, mask=gapped_mask(T, B).T) < 1e-6


@pytest.mark.parametrize("opts", [dict(decoder_input="previous"),
                                  dict(decoder_input="previous", teacher_forcing=True),
                                  dict(decoder_input="previous", output="softmax")])
def test_gradcheck_seq2seq_decoders(rng, opts):
    X, Y = _data(rng)
    if opts.get("output") == "softmax":
        Y = rng.integers(0, K, size=Y.shape[:2])
    model = rl.RNN(D, H, K, mapping="seq2seq", n_layers=2, **opts)
    assert rl.gradcheck(model, X, Y, mask=gapped_mask(T, B).T) < 1e-6


def _encode(m, X):
    enc = m.params["layers"][0]
    h = np.zeros((B, H))
    for t in range(T):
        h = np.tanh(X[:, t] @ enc["W0"].T + h @ enc["W11"].T + enc["b0"])
    return h


def _decode(m, h, inputs):
    """The decoder by hand from h_enc(T); inputs(t, y_prev) gives its input at step t."""
    dec, out = m.params["decoder"][0], m.params["output"]
    y, outs = np.zeros((B, K)), []
    for t in range(T_OUT):
        h = np.tanh(inputs(t, y) @ dec["W0"].T + h @ dec["W11"].T + dec["b0"])
        y = h @ out["W1"].T + out["b1"]
        if m.output == "sigmoid":
            y = 1 / (1 + np.exp(-y))
        outs.append(y)
    return np.stack(outs, 1)


def test_free_running_decoder_reads_its_own_previous_output(rng):
    """Step by step by hand: decoder input at t is y(t-1), y(0) = 0, starting from h_enc(T)."""
    X, _ = _data(rng)
    m = rl.RNN(D, H, K, mapping="seq2seq", decoder_input="previous", output="sigmoid",
               dtype="float64")
    want = _decode(m, _encode(m, X), lambda t, y_prev: y_prev)
    np.testing.assert_allclose(m.predict(X, n_steps=T_OUT), want, rtol=1e-12)


def test_zeros_decoder_reads_zeros(rng):
    X, _ = _data(rng)
    m = rl.RNN(D, H, K, mapping="seq2seq", dtype="float64")
    want = _decode(m, _encode(m, X), lambda t, y_prev: np.zeros((B, K)))
    np.testing.assert_allclose(m.predict(X, n_steps=T_OUT), want, rtol=1e-12)


def test_teacher_forcing_trains_on_the_true_previous_target(rng):
    """The training loss with teacher forcing: decoder input at t is target(t-1) (zeros at t = 1);
    prediction still runs free, on the model's own outputs."""
    X, Y = _data(rng)
    m = rl.RNN(D, H, K, mapping="seq2seq", decoder_input="previous", teacher_forcing=True,
               dtype="float64")
    h = _encode(m, X)
    forced = _decode(m, h, lambda t, y_prev: np.zeros((B, K)) if t == 0 else Y[:, t - 1])
    loss = 0.5 * np.sum((forced - Y) ** 2) / B
    assert m.loss_and_grads(X, Y)[0] == pytest.approx(loss, rel=1e-12)
    free = _decode(m, h, lambda t, y_prev: y_prev)
    np.testing.assert_allclose(m.predict(X, n_steps=T_OUT), free, rtol=1e-12)
    assert not np.allclose(free, forced)


def test_a_bidirectional_encoder_is_refused():
    with pytest.raises(ValueError, match="seq2seq' needs bidirectional=False"):
        rl.RNN(D, H, K, mapping="seq2seq", bidirectional=True)
