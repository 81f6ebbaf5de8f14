"""Tests for rnnlab.tasks.timeseries: shipped files, generated series, splits without leakage,
windows, baselines, and a short training run against persistence."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.tasks import timeseries as ts


# -- the shipped files ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, n, first, last, v_first, v_last", [
    ("sunspots", 309, 1700, 2008, 5.0, 2.9),
    ("nile", 100, 1871, 1970, 1120.0, 740.0),
])
def test_shipped_series_have_their_documented_shape(name, n, first, last, v_first, v_last):
    years, values = ts.load_series(name)
    assert years.shape == values.shape == (n,)
    assert years[0] == first and years[-1] == last
    np.testing.assert_array_equal(np.diff(years), 1)
    assert values[0] == v_first and values[-1] == v_last    # the first and last rows of the source
    assert values.dtype == np.float64 and (values >= 0).all()
    assert ts.SERIES[name][3] == n


def test_sunspots_show_the_eleven_year_cycle():
    _, v = ts.load_series("sunspots")
    z = v - v.mean()
    spectrum = np.abs(np.fft.rfft(z)) ** 2
    period = len(z) / (np.argmax(spectrum[1:]) + 1)          # the strongest non-zero frequency
    assert 9.5 < period < 12.5


def test_missing_file_is_a_clear_error(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(FileNotFoundError, match="nowhere.csv.*sunspots.*missing"):
        ts.load_series("sunspots", path=path)


@pytest.mark.parametrize("content, match", [
    ("", "line 1 must be the header 'year,sunspots', got 'an empty file'"),
    ("year,value\n1700,5\n", "line 1 must be the header"),
    ("year,sunspots\n", "no data rows"),
    ("year,sunspots\n1700,5\n1701,lots\n", "line 3 must be 'year,value'.*'1701,lots'"),
    ("year,sunspots\n1700,5\n1701\n", "line 3 must be 'year,value'"),
    ("year,sunspots\n1700,5,6\n", "line 2 must be 'year,value'"),
    ("year,sunspots\n1700,5\n1702,6\n", "line 3: year 1702 does not follow 1700"),
    ("year,sunspots\n1700,nan\n", "line 2 holds a non-finite value"),
])
def test_corrupt_file_is_a_clear_error(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as err:
        ts.load_series("sunspots", path=path)
    assert str(path) in str(err.value)


def test_loader_reads_a_valid_file_given_by_path(tmp_path):
    path = tmp_path / "mini.csv"
    path.write_text("year,sunspots\n1900,1.5\n1901,2\n")
    years, values = ts.load_series("sunspots", path=path)
    assert years.tolist() == [1900, 1901] and values.tolist() == [1.5, 2.0]


# -- generated series ----------------------------------------------------------------------------
def test_noisy_sine_without_noise_is_the_sine():
    np.testing.assert_allclose(ts.noisy_sine(50, period=10, noise=0),
                               np.sin(2 * np.pi * np.arange(50) / 10), atol=1e-15)


@pytest.mark.parametrize("make", [lambda s: ts.noisy_sine(200, random_state=s),
                                  lambda s: ts.mackey_glass(200, random_state=s)])
def test_generated_series_are_deterministic_for_a_seed(make):
    np.testing.assert_array_equal(make(7), make(7))
    assert not np.allclose(make(7), make(8))


def test_mackey_glass_solves_its_delay_equation():
    """Sampled finely, the series' derivative equals the equation's right side."""
    x = ts.mackey_glass(600, step=0.1, dt=0.1, random_state=0)
    d = 170                                                 # tau / dt
    dxdt = (x[d + 2:] - x[d:-2]) / 0.2                      # central difference at t = d+1 ...
    xt, xd = x[d + 1:-1], x[1:-d - 1]
    rhs = 0.2 * xd / (1 + xd ** 10) - 0.1 * xt
    np.testing.assert_allclose(dxdt, rhs, atol=1e-4)
    x = ts.mackey_glass(2000, random_state=0)
    assert 0.2 < x.min() and x.max() < 1.5 and x.std() > 0.15   # the chaotic attractor


def test_mackey_glass_rejects_a_delay_off_the_grid():
    with pytest.raises(ValueError, match="multiples of dt"):
        ts.mackey_glass(10, tau=17.05)


# -- split, scaler, windows ----------------------------------------------------------------------
@pytest.mark.parametrize("mapping", ts.MAPPINGS)
def test_the_future_never_reaches_training(mapping):
    rng = np.random.default_rng(0)
    values = rng.standard_normal(300).cumsum()
    data = ts.forecasting(values, 10, mapping=mapping, horizon=2)
    changed = values.copy()
    changed[data.n_train:] = 1e6 * rng.standard_normal(300 - data.n_train)
    other = ts.forecasting(changed, 10, mapping=mapping, horizon=2)
    np.testing.assert_array_equal(other.train.X, data.train.X)
    np.testing.assert_array_equal(other.train.Y, data.train.Y)
    assert other.scaler == data.scaler                      # normalisation from training only
    assert data.train.last.max() < data.n_train <= data.val.last.min()
    assert data.val.last.max() < data.n_val <= data.test.last.min()
    assert data.test.last.max() == 299


def test_scaler_is_fitted_on_the_training_part():
    values = np.r_[np.arange(70.0), 1000 + np.arange(30.0)]
    data = ts.forecasting(values, 5)
    assert data.n_train == 70
    assert data.scaler.mean == pytest.approx(34.5)
    assert data.scaler.std == pytest.approx(np.arange(70.0).std())
    np.testing.assert_allclose(data.scaler.inverse(data.scaler.transform(values)), values)


@pytest.mark.parametrize("mapping", ts.MAPPINGS)
def test_windows_read_the_past_and_target_the_future(mapping):
    z = np.arange(40.0)
    w = ts.windows(z, 4, horizon=3, mapping=mapping)
    assert w.last.tolist() == list(range(6, 40))
    np.testing.assert_array_equal(w.X[:, :, 0], w.last[:, None] - 3 + np.arange(-3, 1))
    if mapping == "many-to-one":
        assert w.Y.shape == (34, 1)
        np.testing.assert_array_equal(w.Y[:, 0], w.last)
    else:
        assert w.Y.shape == (34, 4, 1)
        np.testing.assert_array_equal(w.Y, w.X + 3)
    np.testing.assert_array_equal(ts.last_target(w.Y), w.last)


def test_split_points_and_bad_input():
    assert ts.split_points(100) == (70, 85)
    with pytest.raises(ValueError, match="fractions"):
        ts.split_points(100, (0.7, 0.4, -0.1))
    with pytest.raises(ValueError, match="too few"):
        ts.forecasting(np.arange(20.0), 15)
    with pytest.raises(ValueError, match="mapping"):
        ts.windows(np.arange(20.0), 3, mapping="seq2seq")


# -- baselines -----------------------------------------------------------------------------------
def test_linear_ar_recovers_the_sine_recursion():
    """sin(w t) = 2 cos(w) sin(w (t-1)) - sin(w (t-2)) exactly: an AR(2) with no constant."""
    w = 2 * np.pi / 13
    z = np.sin(w * np.arange(200))
    win = ts.windows(z, 2)
    coef = ts.fit_ar(win.X, win.Y[:, 0])
    np.testing.assert_allclose(coef, [-1, 2 * np.cos(w), 0], atol=1e-10)
    np.testing.assert_allclose(ts.predict_ar(coef, win.X), win.Y[:, 0], atol=1e-10)


def test_persistence_and_rmse_by_hand():
    X = np.array([[[1.0], [2.0]], [[3.0], [5.0]]])
    np.testing.assert_array_equal(ts.persistence(X), [2.0, 5.0])
    assert ts.rmse([2.0, 5.0], [2.0, 1.0]) == pytest.approx(np.sqrt(8.0))


@pytest.mark.training
@pytest.mark.parametrize("mapping", ts.MAPPINGS)
def test_short_training_beats_persistence_on_sunspots(mapping):
    """RNN RMSE / persistence RMSE was 0.55-0.62 over 8 seeds, both mappings: the line at 0.8
    leaves a margin that a change of BLAS kernel does not cross."""
    _, values = ts.load_series("sunspots")
    data = ts.forecasting(values, 12, mapping=mapping)
    model = rl.RNN(1, 16, 1, mapping=mapping, seed=0)
    model.fit(data.train.X, data.train.Y, epochs=40, batch_size=16, lr=0.005, seed=0)
    truth = ts.last_target(data.test.Y)
    rnn = ts.rmse(ts.last_target(model.predict(data.test.X)), truth)
    assert rnn < 0.8 * ts.rmse(ts.persistence(data.test.X), truth)
