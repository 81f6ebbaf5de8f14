"""rnnlab.tasks.catalog: every task the command line knows makes data that fits the model its
entry describes, reproducibly by seed; the sine task by its formula; unknown names are refused."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.tasks import catalog

NAMES = sorted(catalog.TASKS)


def test_the_catalog_holds_the_documented_tasks():
    assert set(NAMES) == {"parity", "addition", "adding", "copy", "sine"}
    assert all(catalog.TASKS[n].name == n for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_data_fits_the_model_the_entry_describes(name):
    """A model of the entry's shape takes the data (inputs, targets, mapping, output) and
    returns a finite loss; the same seed gives the same data, another seed other data."""
    spec = catalog.get(name)
    assert spec.length >= 1 and spec.samples >= 1 and spec.description
    X, Y = spec.make(6, spec.length, 0)
    assert X.shape[0] == 6 and X.shape[-1] == spec.n_in
    model = rl.RNN(spec.n_in, 3, spec.n_out, output=spec.output, mapping=spec.mapping, seed=0)
    loss, _ = model.loss_and_grads(X, Y)
    assert np.isfinite(loss)
    X2, Y2 = spec.make(6, spec.length, 0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = spec.make(6, spec.length, 1)
    assert not np.array_equal(X, X3)


def test_the_length_knob_sets_the_steps_or_the_bits():
    assert catalog.get("sine").make(2, 17, 0)[0].shape == (2, 17, 1)
    assert catalog.get("adding").make(2, 17, 0)[0].shape == (2, 17, 2)
    assert catalog.get("parity").make(2, 5, 0)[0].shape[1] >= 5         # 5 bits, one per step


def test_sine_is_the_next_value_of_a_noisy_sine():
    X, Y = catalog.sine(50, 30, random_state=3)
    assert X.shape == Y.shape == (50, 30, 1)
    np.testing.assert_array_equal(Y[:, :-1], X[:, 1:])                # Y(t) = X(t + 1)
    rng = np.random.default_rng(3)                                     # the documented draws
    t = np.arange(31)
    w = rng.uniform(0.2, 0.6, size=(50, 1))
    p = rng.uniform(0, 2 * np.pi, size=(50, 1))
    noise = np.concatenate([X[:, :, 0], Y[:, -1:, 0]], axis=1) - np.sin(w * t + p)
    assert 0.03 < noise.std() < 0.07                                   # 0.05 N(0, 1)


def test_unknown_task_lists_the_names():
    with pytest.raises(ValueError, match="unknown task 'nope'; choose one of parity, addition"):
        catalog.get("nope")
