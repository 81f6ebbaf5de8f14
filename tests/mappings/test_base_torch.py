"""Deep bidirectional many-to-many (mappings/base.py) against PyTorch's nn.RNN (the twin of
tests/torch_ref.py): outputs, final states and every gradient, from given initial states."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

torch = pytest.importorskip("torch")
from torch_ref import grads_as_rnnlab, half_sse, twin  # noqa: E402

B, T, D, H, K = 3, 5, 2, 3, 2


@pytest.mark.parametrize("n_layers", [1, 3])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_deep_bidirectional_matches_pytorch(rng, n_layers, nonlinearity):
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
