"""The loss in natural units (issue 16, item 3): History.loss and val_loss are the summed loss
divided by the number of answering steps, checked against PyTorch's mean reductions over exactly
those steps; loss_per_sequence keeps the summed value training minimises."""
import numpy as np
import pytest

import rnnlab as rl

torch = pytest.importorskip("torch")
rng0 = np.random.default_rng(16)


def _end_mask(B, T, lengths):
    return np.arange(T)[None, :] < np.asarray(lengths)[:, None]        # (B, T), padding at the end


def _torch_per_step(kind, y, Y, sel):
    """PyTorch's mean over the selected rows (answering steps), times the per-step factor:
    l = 1/2 ||y - t||^2 sums K squares (MSELoss averages them); BCE sums K units."""
    y, Y = torch.from_numpy(y[sel]), torch.from_numpy(np.asarray(Y)[sel])
    if kind == "mse":
        return float(torch.nn.MSELoss(reduction="mean")(y, Y)) * y.shape[-1] / 2
    if kind == "bce":
        return float(torch.nn.BCELoss(reduction="mean")(y, Y)) * y.shape[-1]
    return float(torch.nn.NLLLoss(reduction="mean")(torch.log(y), Y))   # class indices


B, T = 7, 6
LENGTHS = [6, 3, 5, 1, 6, 2, 4]
CASES = {   # name: (model options, X, Y, mask, loss kind, selection of answering steps, counts)
    "many-to-many, masked": (
        dict(n_out=2), rng0.standard_normal((B, T, 1)), rng0.standard_normal((B, T, 2)),
        _end_mask(B, T, LENGTHS), "mse", _end_mask(B, T, LENGTHS), LENGTHS),
    "many-to-one, masked": (
        dict(n_out=3, mapping="many-to-one"), rng0.standard_normal((B, T, 1)),
        rng0.standard_normal((B, 3)), _end_mask(B, T, LENGTHS), "mse", slice(None), [1] * B),
    "many-to-many-delayed, masked": (
        dict(n_out=2, mapping="many-to-many-delayed", delay=2), rng0.standard_normal((B, T, 1)),
        rng0.standard_normal((B, T, 2)), _end_mask(B, T, LENGTHS), "mse",
        _end_mask(B, T, LENGTHS), LENGTHS),
    "one-to-many": (
        dict(n_out=2, mapping="one-to-many"), rng0.standard_normal((B, 1)),
        rng0.standard_normal((B, 5, 2)), None, "mse", slice(None), [5] * B),
    "seq2seq": (
        dict(n_out=2, mapping="seq2seq"), rng0.standard_normal((B, T, 1)),
        rng0.standard_normal((B, 3, 2)), None, "mse", slice(None), [3] * B),
    "softmax, class indices, masked": (
        dict(n_out=4, output="softmax"), rng0.standard_normal((B, T, 1)),
        rng0.integers(0, 4, (B, T)), _end_mask(B, T, LENGTHS), "ce", _end_mask(B, T, LENGTHS),
        LENGTHS),
    "sigmoid, two units": (
        dict(n_out=2, output="sigmoid"), rng0.standard_normal((B, T, 1)),
        (rng0.random((B, T, 2)) > 0.5).astype(float), None, "bce", slice(None), [T] * B),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_loss_per_answering_step_equals_torchs_mean_over_those_steps(name):
    opts, X, Y, mask, kind, sel, counts = CASES[name]
    model = rl.RNN(X.shape[-1], 5, dtype="float64", seed=1, **opts)
    assert model.answering_steps(X, Y, mask).tolist() == counts
    hist = model.fit(X, Y, mask=mask, optimizer=rl.optim.SGD(lr=1e-300), epochs=1, batch_size=3,
                     validation_data=(X, Y) + (() if mask is None else (mask,)), verbose=0)
    n_steps = Y.shape[1] if model.mapping.takes_n_steps else None
    y = model.predict(X, mask=mask, n_steps=n_steps)
    want = _torch_per_step(kind, y, Y, sel)
    summed = model.evaluate(X, Y, mask)
    assert hist.val_loss[0] == pytest.approx(want, rel=1e-10)
    assert hist.loss[0] == pytest.approx(want, rel=1e-10)              # lr ~ 0: the same params
    assert hist.val_loss_per_sequence[0] == pytest.approx(summed, rel=1e-12)
    assert hist.loss_per_sequence[0] == pytest.approx(summed, rel=1e-10)
    assert summed == pytest.approx(want * sum(counts) / B, rel=1e-10)   # the two units
    assert model.evaluate(X, Y, mask, per="step") == pytest.approx(want, rel=1e-10)


def test_batches_of_different_lengths_are_weighted_by_their_steps():
    """A source whose batches differ in T: the epoch's loss per step is exact over all steps
    (not a mean of the batches' means)."""
    r = np.random.default_rng(3)
    parts = [(r.standard_normal((4, 3, 1)), r.standard_normal((4, 3, 1))),
             (r.standard_normal((2, 9, 1)), r.standard_normal((2, 9, 1)))]
    model = rl.RNN(1, 5, 1, dtype="float64", seed=2)
    hist = model.fit(parts, optimizer=rl.optim.SGD(lr=1e-300), epochs=1, verbose=0,
                     validation_data=lambda: iter(parts))
    y = np.concatenate([model.predict(x).ravel() for x, _ in parts])
    target = np.concatenate([t.ravel() for _, t in parts])
    want = float(torch.nn.MSELoss()(torch.from_numpy(y), torch.from_numpy(target))) / 2
    errors = y - target
    assert len(errors) == 4 * 3 + 2 * 9
    assert hist.loss[0] == pytest.approx(want, rel=1e-10)
    assert hist.val_loss[0] == pytest.approx(want, rel=1e-10)
    assert hist.loss_per_sequence[0] == pytest.approx(want * len(errors) / 6, rel=1e-10)


def test_truncated_bptt_reports_the_same_units():
    r = np.random.default_rng(4)
    X, Y = r.standard_normal((6, 8, 1)), r.standard_normal((6, 8, 1))
    model = rl.RNN(1, 5, 1, dtype="float64", seed=2)
    hist = model.fit(X, Y, optimizer=rl.optim.SGD(lr=1e-300), epochs=1, bptt=3, verbose=0)
    want = float(torch.nn.MSELoss()(torch.from_numpy(model.predict(X)), torch.from_numpy(Y))) / 2
    assert hist.loss[0] == pytest.approx(want, rel=1e-10)


def test_early_stopping_and_the_logs_see_both_units():
    r = np.random.default_rng(5)
    X, Y = r.standard_normal((20, 6, 1)), r.standard_normal((20, 6, 1))
    seen = []

    class Record(rl.callbacks.Callback):
        def on_epoch_end(self, run):
            seen.append(dict(run.logs))
    hist = rl.RNN(1, 4, 1, seed=0).fit(X, Y, epochs=3, validation_split=0.25, verbose=0,
                                       callbacks=[Record()])
    assert [s["loss"] for s in seen] == hist.loss
    assert [s["val_loss_per_sequence"] for s in seen] == hist.val_loss_per_sequence
    assert all(s["loss_per_sequence"] == pytest.approx(6 * s["loss"]) for s in seen)


def test_evaluate_per_must_be_a_unit():
    with pytest.raises(ValueError, match="per must be one of 'sequence', 'step'"):
        rl.RNN(1, 2, 1).evaluate(np.zeros((1, 2, 1)), np.zeros((1, 2, 1)), per="batch")


@pytest.mark.parametrize("opts, X, Y, mask, want", [
    (dict(mapping="one-to-one"), np.zeros((3, 2)), np.zeros((3, 1)), None, [1, 1, 1]),
    (dict(mapping="many-to-one", bidirectional=True), np.zeros((2, 5, 2)), np.zeros((2, 1)),
     None, [1, 1]),
    (dict(mapping="many-to-many-delayed", delay=3), np.zeros((2, 5, 2)), np.zeros((2, 5, 1)),
     None, [5, 5]),
    (dict(mapping="seq2seq"), np.zeros((2, 5, 2)), np.zeros((2, 9, 1)), None, [9, 9]),
    (dict(mapping="one-to-many"), np.zeros((2, 2)), np.zeros((2, 4, 1)),
     np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool), [2, 4]),
    (dict(loss=lambda y, t, m: (0.0, np.zeros_like(y))), np.zeros((2, 5, 2)),
     np.zeros((2, 5, 1)), np.array([[1, 1, 1, 0, 0], [1] * 5], bool), [3, 5]),
])
def test_answering_steps_follow_the_mapping(opts, X, Y, mask, want):
    assert rl.RNN(2, 3, 1, **opts).answering_steps(X, Y, mask).tolist() == want
