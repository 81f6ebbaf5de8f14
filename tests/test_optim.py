"""Optimizers against torch.optim step by step, state save/restore, and gradient clipping."""
import numpy as np
import pytest

import rnnlab as rl
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


@pytest.mark.parametrize("make", [lambda: optim.SGD(lr=0.1, momentum=0.9), lambda: optim.Adam(lr=0.01),
                                  lambda: optim.RMSprop(momentum=0.3)])
def test_state_dict_resumes_exactly(rng, make):
    grads = [{"layers": [{"W": rng.standard_normal((3, 4))}], "output": {"b": rng.standard_normal(2)}}
             for _ in range(6)]
    p1 = _params(np.random.default_rng(0))
    p2 = _params(np.random.default_rng(0))
    a = make()
    for g in grads:
        a.step(p1, g)
    b = make()
    for g in grads[:3]:
        b.step(p2, g)
    c = optim.from_state_dict(b.state_dict())
    for g in grads[3:]:
        c.step(p2, g)
    assert np.array_equal(p1["layers"][0]["W"], p2["layers"][0]["W"])
    assert np.array_equal(p1["output"]["b"], p2["output"]["b"])


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


def test_float32_params_stay_float32(rng):
    p = {"W": rng.standard_normal((3, 3)).astype(np.float32)}
    opt = optim.Adam()
    opt.step(p, {"W": np.ones((3, 3), np.float32)})
    assert p["W"].dtype == np.float32 and opt.state["W"]["m"].dtype == np.float32


def test_get_and_errors():
    assert isinstance(optim.get("adam"), optim.Adam)
    assert optim.get("sgd", lr=0.5).lr == 0.5
    with pytest.raises(ValueError, match="optimizer must be"):
        optim.get("adagrad")
    with pytest.raises(ValueError, match="lr must be > 0"):
        optim.Adam(lr=0)
    with pytest.raises(ValueError, match="nesterov=True needs momentum"):
        optim.SGD(nesterov=True)
    with pytest.raises(ValueError, match="grads has no entry for parameter 'W'"):
        optim.SGD().step({"W": np.zeros(2)}, {"V": np.zeros(2)})
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        optim.clip_grad_norm({"a": np.ones(2)}, 0)


def test_reachable_after_bare_import():
    assert rl.optim.Adam(lr=1e-3).lr == 1e-3
