"""Callbacks inside fit: the order of the hooks, schedules applied, validation_split, saving
and logging, and every argument checked before the first update."""
import csv

import numpy as np
import pytest

import rnnlab as rl
from rnnlab import callbacks as cb


def _data(n=10, T=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, T, 2))
    return X, np.cumsum(X[..., :1], axis=1)


class Recorder(cb.Callback):
    def __init__(self, name, log):
        self.name, self.log = name, log

    def __getattribute__(self, attr):
        if attr in cb.HOOKS:
            return lambda run: self.log.append((self.name, attr, run.epoch,
                                                run.batch if "batch" in attr else None))
        return object.__getattribute__(self, attr)


def test_hooks_run_in_keras_order_for_every_callback_in_turn():
    X, Y = _data(n=5)
    log = []
    rl.RNN(2, 3, 1, seed=0).fit(X, Y, epochs=2, batch_size=3, progress=False,
                                callbacks=[Recorder("a", log), Recorder("b", log)])
    want = [("train_begin", 0, None)]
    for e in range(2):
        want.append(("epoch_begin", e, None))
        for b in range(2):                          # ceil(5 / 3) batches
            want += [("batch_begin", e, b), ("batch_end", e, b)]
        want.append(("epoch_end", e, None))
    want.append(("train_end", 1, None))
    expected = [(who, f"on_{hook}", e, b) for hook, e, b in want for who in "ab"]
    assert log == expected


def test_a_schedule_sets_the_rate_of_every_epoch():
    X, Y = _data()
    seen = []

    class Rate(cb.Callback):
        def on_batch_begin(self, run):
            seen.append(run.optimizer.lr)

    opt = rl.optim.SGD(lr=0.1)
    rl.RNN(2, 3, 1, seed=0).fit(X, Y, optimizer=opt, epochs=4, batch_size=10, progress=False,
                                callbacks=[cb.LearningRateScheduler(cb.StepDecay(2, 0.5)),
                                           Rate()])
    assert seen == pytest.approx([0.1, 0.1, 0.05, 0.05])


def test_validation_split_holds_out_the_last_rows_before_shuffling():
    X, Y = _data(n=10)
    a = rl.RNN(2, 3, 1, seed=0).fit(X, Y, epochs=3, progress=False, validation_split=0.3)
    b = rl.RNN(2, 3, 1, seed=0).fit(X[:7], Y[:7], epochs=3, progress=False,
                                    validation_data=(X[7:], Y[7:]))
    assert a.val_loss == b.val_loss and a.loss == b.loss and len(a.val_loss) == 3


def test_checkpoint_keeps_the_best_model_and_the_log_every_epoch(tmp_path):
    X, Y = _data(n=12)
    model = rl.RNN(2, 4, 1, seed=0)
    best = {}

    class Snap(cb.Callback):
        def on_epoch_end(self, run):
            if run.logs["saved"]:
                best["pred"] = run.model.predict(X)

    hist = model.fit(X, Y, epochs=5, progress=False, validation_split=0.25,
                     callbacks=[cb.ModelCheckpoint(tmp_path / "best", best_only=True), Snap(),
                                cb.CSVLogger(tmp_path / "log.csv")])
    np.testing.assert_array_equal(rl.load(tmp_path / "best").predict(X), best["pred"])
    with open(tmp_path / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4, 5]
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows], hist.val_loss, rtol=1e-12)


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"callbacks": ["x"]}, TypeError, "callbacks[0]"),
    ({"callbacks": cb.EarlyStopping}, TypeError, "callbacks must be a Callback"),
    ({"validation_split": 1.0}, ValueError, "validation_split must lie in (0, 1)"),
    ({"validation_split": 0.01}, ValueError, "leaves 0 for validation"),
    ({"validation_split": 0.2, "validation_data": "later"}, ValueError, "not both"),
])
def test_bad_arguments_change_nothing(kwargs, exc, words):
    X, Y = _data()
    if kwargs.get("validation_data") == "later":
        kwargs["validation_data"] = (X, Y)
    model = rl.RNN(2, 3, 1, seed=0)
    before = model.predict(X)
    with pytest.raises(exc) as err:
        model.fit(X, Y, epochs=2, progress=False, **kwargs)
    assert words in str(err.value)
    np.testing.assert_array_equal(model.predict(X), before)
