"""rnnlab.callbacks: schedule values by hand, the warm-up, argument checks."""
import math

import numpy as np
import pytest

from rnnlab import callbacks as cb


def test_step_and_exponential_by_hand():
    s = cb.StepDecay(2, gamma=0.1)
    assert [s(e, 1.0) for e in range(5)] == pytest.approx([1, 1, 0.1, 0.1, 0.01])
    x = cb.ExponentialDecay(0.5)
    assert [x(e, 2.0) for e in range(4)] == pytest.approx([2, 1, 0.5, 0.25])


def test_cosine_with_warmup_by_hand():
    s = cb.CosineDecay(total=6, warmup=2, min_lr=0.0)
    got = [s(e, 1.0) for e in range(7)]
    # warm-up 1/2, 2/2; then cos over 4 epochs: (1 + cos(pi k / 4)) / 2 for k = 0..4, then held
    want = [0.5, 1.0] + [(1 + math.cos(math.pi * k / 4)) / 2 for k in range(5)]
    assert got == pytest.approx(want)


def test_scheduler_sets_the_rate_at_each_epoch_from_the_base():
    class Opt:
        lr = 0.2

    sched = cb.LearningRateScheduler(cb.StepDecay(1, gamma=0.5))
    run = cb.RunState(model=None, optimizer=Opt(), history=None, epochs=3)
    sched.on_train_begin(run)
    rates = []
    for e in range(3):
        run.epoch = e
        sched.on_epoch_begin(run)
        rates.append(run.optimizer.lr)
    assert rates == pytest.approx([0.2, 0.1, 0.05])
    bad = cb.LearningRateScheduler(lambda e, base: -1.0)
    bad.on_train_begin(run)
    with pytest.raises(ValueError, match="lr=-1.0 at epoch"):
        bad.on_epoch_begin(run)


@pytest.mark.parametrize("make, exc, words", [
    (lambda: cb.StepDecay(0), ValueError, "step_size"),
    (lambda: cb.ExponentialDecay(-1.0), ValueError, "gamma"),
    (lambda: cb.CosineDecay(5, warmup=5), ValueError, "warmup must be less than total"),
    (lambda: cb.ReduceLROnPlateau(factor=1.5), ValueError, "factor must be < 1"),
    (lambda: cb.EarlyStopping(patience=0), ValueError, "patience"),
    (lambda: cb.LearningRateScheduler(3), TypeError, "schedule must be callable"),
    (lambda: cb.check_callbacks([cb.EarlyStopping(), "x"]), TypeError, "callbacks[1]"),
])
def test_bad_arguments(make, exc, words):
    with pytest.raises(exc) as err:
        make()
    assert words in str(err.value)


def test_early_stopping_restores_the_best_parameters():
    class M:
        params = {"w": np.zeros(2)}

    es = cb.EarlyStopping(monitor="loss", patience=2)
    run = cb.RunState(model=M(), optimizer=None, history=None, epochs=10)
    es.on_train_begin(run)
    for e, loss in enumerate([3.0, 2.0, 2.5, 2.1]):
        run.epoch, run.logs = e, {"loss": loss}
        M.params["w"][...] = e
        es.on_epoch_end(run)
    assert run.stop and "epoch 4" in run.stop
    es.on_train_end(run)
    assert M.params["w"].tolist() == [1.0, 1.0]     # epoch 1 had the best loss
    run.logs = {"loss": 1.0}
    with pytest.raises(ValueError, match="'val_loss' needs validation data"):
        cb.EarlyStopping().on_epoch_end(run)


def test_mode_max_follows_a_growing_metric():
    class M:
        params = {"w": np.zeros(1)}

    es = cb.EarlyStopping(monitor="val_accuracy", patience=2, mode="max")
    run = cb.RunState(model=M(), optimizer=None, history=None, epochs=10)
    es.on_train_begin(run)
    for e, acc in enumerate([0.5, 0.7, 0.6, 0.65]):
        run.epoch, run.logs = e, {"val_accuracy": acc}
        M.params["w"][...] = e
        es.on_epoch_end(run)
    assert run.stop and "epoch 4" in run.stop
    es.on_train_end(run)
    assert M.params["w"].tolist() == [1.0]          # epoch 1 had the highest accuracy
    with pytest.raises(ValueError, match="mode must be one of"):
        cb.EarlyStopping(mode="up")
