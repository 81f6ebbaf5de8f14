"""Learning-rate schedules against torch.optim.lr_scheduler, epoch by epoch."""
import math

import numpy as np
import pytest

from rnnlab import callbacks as cb

torch = pytest.importorskip("torch")


def _torch_rates(make, epochs, base=0.1):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)
    sched = make(opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


@pytest.mark.parametrize("ours, theirs", [
    (cb.StepDecay(3, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)),
    (cb.ExponentialDecay(0.9), lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9)),
    (cb.CosineDecay(10, min_lr=0.01),
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01)),
])
def test_schedules_match_torch(ours, theirs):
    expected = _torch_rates(theirs, 12)
    got = [ours(e, 0.1) for e in range(12)]
    if isinstance(ours, cb.CosineDecay):
        expected, got = expected[:11], got[:11]    # torch's recursive form runs on past T_max
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_reduce_on_plateau_matches_torch():
    metric = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.899, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1,
                                                     threshold=1e-3, min_lr=0.1)

    class Opt:
        lr = 1.0

    ours = cb.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, cooldown=1,
                                threshold=1e-3, min_lr=0.1)
    run = cb.RunState(model=None, optimizer=Opt(), history=None, epochs=len(metric))
    ours.on_train_begin(run)
    for e, m in enumerate(metric):
        run.epoch, run.logs = e, {"val_loss": m}
        ours.on_epoch_end(run)
        ref.step(m)
        assert math.isclose(run.optimizer.lr, opt.param_groups[0]["lr"], rel_tol=1e-12), e


def test_reduce_on_plateau_in_max_mode_matches_torch():
    metric = [0.1, 0.2, 0.19, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.29]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1,
                                                     threshold=1e-3)

    class Opt:
        lr = 1.0

    ours = cb.ReduceLROnPlateau(monitor="acc", factor=0.5, patience=1, threshold=1e-3,
                                mode="max")
    run = cb.RunState(model=None, optimizer=Opt(), history=None, epochs=len(metric))
    ours.on_train_begin(run)
    for e, m in enumerate(metric):
        run.epoch, run.logs = e, {"acc": m}
        ours.on_epoch_end(run)
        ref.step(m)
        assert math.isclose(run.optimizer.lr, opt.param_groups[0]["lr"], rel_tol=1e-12), e
