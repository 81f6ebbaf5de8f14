"""Optimizers with NumPy alone: state save/restore, dtypes, errors. Against torch.optim step by
step, and gradient clipping against torch: tests/test_optim_torch.py."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import optim


def _params(rng):
    return {"layers": [{"W": rng.standard_normal((3, 4))}], "output": {"b": rng.standard_normal(2)}}


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


def test_first_steps_by_hand():
    """The update rules written out for two steps (no torch needed): SGD with momentum 0.9
    (v = 0.9 v + g, p -= lr v) and Adam's first step, which moves every entry by lr sign(g)
    (m_hat = g, v_hat = g^2) up to eps."""
    g1, g2 = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    p = {"w": np.array([0.0, 1.0])}
    sgd = optim.SGD(lr=0.1, momentum=0.9)
    sgd.step(p, {"w": g1})
    np.testing.assert_allclose(p["w"], [-0.1, 1.2], rtol=1e-15)
    sgd.step(p, {"w": g2})
    np.testing.assert_allclose(p["w"], [-0.1 - 0.1 * (0.9 + 0.5), 1.2 - 0.1 * (-1.8 + 0.5)],
                               rtol=1e-15)
    q = {"w": np.array([0.0, 1.0])}
    optim.Adam(lr=0.01, eps=1e-8).step(q, {"w": g1})
    np.testing.assert_allclose(q["w"], [-0.01, 1.01], rtol=1e-8)


def test_a_pickled_optimizer_keeps_its_moments_and_checks_its_slots_again():
    import pickle
    params = {"w": np.ones(3)}
    opt = rl.optim.Adam(lr=0.1)
    opt.step(params, {"w": np.full(3, 0.5)})
    again = pickle.loads(pickle.dumps(opt))
    assert again.t == 1 and np.array_equal(again.state["w"]["m"], opt.state["w"]["m"])
    with pytest.raises(ValueError):
        again.step({"w": np.ones(4)}, {"w": np.ones(4)})   # slots of shape (3,) do not fit
    again.step(params, {"w": np.full(3, 0.5)})             # the same shapes: it goes on
    assert again.t == 2
