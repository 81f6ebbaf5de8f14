"""rnnlab.RNN (Elman) against PyTorch's nn.RNN + nn.Linear (the twin of tests/torch_ref.py):
outputs, the loss and every parameter gradient, in float32 and float64."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves

torch = pytest.importorskip("torch")
from torch_ref import grads_as_rnnlab, half_sse, twin  # noqa: E402


def _data(rng, B=3, T=6, D=2, K=2):
    return rng.standard_normal((B, T, D)), rng.standard_normal((B, T, K))


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-10)])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_outputs_and_all_gradients_match_pytorch(rng, dtype, tol, activation):
    model = rl.RNN(2, 5, 3, activation=activation, dtype=dtype, seed=3)
    X, Y = _data(rng, K=3)
    X, Y = X.astype(dtype), Y.astype(dtype)
    rnn, lin = twin(model)
    xt = torch.from_numpy(X)
    h, _ = rnn(xt)
    y = lin(h)
    loss_t = half_sse(y, torch.from_numpy(Y), len(X))
    loss_t.backward()
    np.testing.assert_allclose(model.predict(X), y.detach().numpy(), rtol=tol, atol=tol)
    loss, grads = model.loss_and_grads(X, Y)
    np.testing.assert_allclose(loss, loss_t.item(), rtol=tol)
    ref = dict(leaves(grads_as_rnnlab(model, rnn, lin)))
    for path, g in leaves(grads):
        np.testing.assert_allclose(g, ref[path], rtol=tol, atol=tol, err_msg=str(path))
