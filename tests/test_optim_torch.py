"""Optimizers against torch.optim step by step, and gradient clipping against
torch.nn.utils.clip_grad_norm_."""
import numpy as np
import pytest

from rnnlab import optim

torch = pytest.importorskip("torch")

CASES = [
    (optim.SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    (optim.SGD(lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    (optim.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.Adam(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    (optim.Adam(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    (optim.RMSprop(lr=0.01), lambda p: torch.optim.RMSprop(p, lr=0.01)),
    (optim.RMSprop(lr=0.01, alpha=0.9, momentum=0.5),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5)),
]


def _params(rng):
    return {"layers": [{"W": rng.standard_normal((3, 4))}], "output": {"b": rng.standard_normal(2)}}


@pytest.mark.parametrize("ours,theirs", CASES, ids=lambda c: repr(c) if isinstance(c, optim.Optimizer) else "")
def test_updates_match_torch_optim(rng, ours, theirs):
    params = _params(rng)
    tp = [torch.tensor(params["layers"][0]["W"], requires_grad=True),
          torch.tensor(params["output"]["b"], requires_grad=True)]
    topt = theirs(tp)
    for _ in range(6):
        gW, gb = rng.standard_normal((3, 4)), rng.standard_normal(2)
        ours.step(params, {"layers": [{"W": gW}], "output": {"b": gb}})
        tp[0].grad, tp[1].grad = torch.tensor(gW), torch.tensor(gb)
        topt.step()
    np.testing.assert_allclose(params["layers"][0]["W"], tp[0].detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(params["output"]["b"], tp[1].detach().numpy(), rtol=1e-12, atol=1e-14)


def test_clip_grad_norm_matches_torch(rng):
    g = {"a": rng.standard_normal((3, 4)) * 5, "b": [rng.standard_normal(7)]}
    t = [torch.tensor(g["a"], requires_grad=True), torch.tensor(g["b"][0], requires_grad=True)]
    t[0].grad, t[1].grad = torch.tensor(g["a"]), torch.tensor(g["b"][0])
    tn = torch.nn.utils.clip_grad_norm_(t, 2.0)
    n = optim.clip_grad_norm(g, 2.0)
    assert n == pytest.approx(tn.item(), rel=1e-12)
    np.testing.assert_allclose(g["a"], t[0].grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(g["b"][0], t[1].grad.numpy(), rtol=1e-12)
    small = {"a": np.full(3, 0.1)}
    optim.clip_grad_norm(small, 2.0)
    np.testing.assert_array_equal(small["a"], 0.1)               # below the limit: untouched
