"""Time series: one-step forecasting on real and generated series.

Stock prices and sunspot counts are the lecture's examples of time series. Four series, each
split in time order into 70 % training, 15 % validation and 15 % test values and normalised with
the mean and standard deviation of the training part only:

- sunspots: yearly mean sunspot numbers 1700-2008 (public domain, shipped as a CSV file);
- nile: the annual flow of the Nile at Aswan 1871-1970 (public domain, shipped as a CSV file);
- noisy sine: sin(2 pi t / 25) plus Gaussian noise of standard deviation 0.1;
- Mackey-Glass: the chaotic delay differential equation (tau = 17), sampled every 6 time units.

An Elman RNN reads a window of past values and forecasts the next one, trained both many-to-one
(one answer per window) and many-to-many (the next value at every step), with early stopping on
the validation windows. Test errors (RMSE in the series' own units) are compared with the
persistence forecast (the last value) and a linear autoregressive model fitted by least squares
on the same windows.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import plots
from . import Claim, Figure, Result, Table

NAME = "timeseries"
TITLE = "Time series: forecasting sunspots and generated series"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SETTINGS = {True: {"hidden": 16, "epochs": 40, "patience": 10, "lr": 0.005},
            False: {"hidden": 32, "epochs": 200, "patience": 25, "lr": 0.003}}
BATCH = 16
MAPPINGS = ("many-to-one", "many-to-many")


def _series(seed):
    """name -> (values, time axis, window, unit)."""
    from ..tasks import timeseries as ts
    years, sun = ts.load_series("sunspots")
    nile_years, nile = ts.load_series("nile")
    t = np.arange(800)
    mg_t = np.arange(1000) * 6.0
    return {"sunspots": (sun, years, 12, "sunspot number"),
            "nile": (nile, nile_years, 8, "1e8 m^3"),
            "noisy sine": (ts.noisy_sine(800, period=25, noise=0.1, random_state=seed), t, 20,
                           "-"),
            "Mackey-Glass": (ts.mackey_glass(1000, step=6.0, random_state=seed), mg_t, 16, "-")}


def _train(data, cfg, seed, progress):
    """An RNN trained on one forecasting problem. Returns (test forecast (N,), epochs, steps/s)."""
    from .. import RNN
    from ..tasks import timeseries as ts
    model = RNN(1, cfg["hidden"], 1, mapping=data.mapping, seed=seed)
    t0 = time.perf_counter()
    hist = model.fit(data.train.X, data.train.Y, optimizer="adam", lr=cfg["lr"],
                     epochs=cfg["epochs"], batch_size=BATCH, patience=cfg["patience"],
                     validation_data=(data.val.X, data.val.Y), seed=seed, progress=progress)
    secs = time.perf_counter() - t0
    steps = len(hist.loss) * data.train.X.shape[0] * data.train.X.shape[1]
    return ts.last_target(model.predict(data.test.X)), len(hist.loss), steps / secs


def _one_series(name, values, window, cfg, seed, progress):
    """Baselines and both RNNs on one series: (error row, speed rows, forecasts in units)."""
    from ..tasks import timeseries as ts
    forecasts, speed = {}, []
    for mapping in MAPPINGS:
        data = ts.forecasting(values, window, mapping=mapping)
        forecasts[f"RNN {mapping}"], epochs, rate = _train(data, cfg, seed, progress)
        speed.append([name, mapping, len(data.train.X), window, epochs, round(rate)])
    truth = ts.last_target(data.test.Y)
    coef = ts.fit_ar(data.train.X, ts.last_target(data.train.Y))
    forecasts = {"persistence": ts.persistence(data.test.X),
                 "linear AR": ts.predict_ar(coef, data.test.X), **forecasts}
    units = {k: data.scaler.inverse(v) for k, v in forecasts.items()}
    units["truth"] = data.scaler.inverse(truth)
    errors = {k: ts.rmse(v, units["truth"]) for k, v in units.items() if k != "truth"}
    row = [name, len(data.test.X), *errors.values(), min(errors, key=lambda k: errors[k])]
    return row, speed, units, data.test.last


def claims(rows: Sequence[Sequence[Any]]) -> list[Claim]:
    """The lecture's claims checked on the error table's rows.

    Parameters
    ----------
    rows : sequence of list
        The rows [series, unit, window, test points, persistence, linear AR, RNN
        many-to-one, RNN many-to-many, best].

    Returns
    -------
    list of Claim
        Each with its verdict and the numbers behind it.
    """
    by = {r[0]: r for r in rows}
    beats = all(max(r[6], r[7]) < r[4] for r in rows)
    mg = by["Mackey-Glass"]
    return [
        Claim("A forecast that reads the past beats repeating the last value: both RNNs have a "
              "lower test RMSE than persistence on every series", beats,
              "; ".join(f"{r[0]}: RNN {r[6]:.4g} / {r[7]:.4g} vs persistence {r[4]:.4g}"
                        for r in rows)),
        Claim("On the chaotic (nonlinear) Mackey-Glass series the RNN beats the best linear "
              "forecast from the same window by a wide margin (RMSE below half the linear AR's)",
              max(mg[6], mg[7]) < 0.5 * mg[5],
              f"Mackey-Glass test RMSE: RNN many-to-one {mg[6]:.4g}, many-to-many {mg[7]:.4g}, "
              f"linear AR {mg[5]:.4g}")]


def headline(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The many-to-one RNN against persistence on the sunspots, for the tour's summary figure.

    Parameters
    ----------
    rows : sequence of list
        The error table's rows, as for claims().

    Returns
    -------
    dict
        A Result's headline: "metric", "rnn", "baseline", "higher_is_better" and the labels.
    """
    sun = next(r for r in rows if r[0] == "sunspots")
    return {"metric": "test RMSE, sunspots one year ahead", "rnn": sun[6], "baseline": sun[4],
            "higher_is_better": False, "rnn_label": "RNN many-to-one",
            "baseline_label": "persistence"}


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    """Forecast each series one step ahead with persistence, a linear AR model and the
    many-to-one and many-to-many RNNs (see the module docstring).

    Parameters
    ----------
    quick : bool
        The short budget (``rnnlab tour --quick``).
    seed : int
        The seed of every random draw.
    progress : bool
        Whether training shows its progress.

    Returns
    -------
    Result
        Its tables, figures, claims and headline.
    """
    cfg = SETTINGS[quick]
    rows, speed, forecasts = [], [], {}
    for name, (values, axis, window, unit) in _series(seed).items():
        row, sp, units, last = _one_series(name, values, window, cfg, seed, progress)
        rows.append(row[:1] + [unit, window] + row[1:])
        speed += sp
        forecasts[name] = (axis[last], units)
    errors = Table("Test RMSE of one-step forecasts (in the series' units; lower is better)",
                   ["series", "unit", "window", "test points", "persistence", "linear AR",
                    "RNN many-to-one", "RNN many-to-many", "best"], rows,
                   note=f"Split 70/15/15 % in time order; normalisation from the training part. "
                        f"Elman RNN H = {cfg['hidden']}, Adam lr {cfg['lr']}, batch {BATCH}, up "
                        f"to {cfg['epochs']} epochs, early stopping after {cfg['patience']} "
                        f"epochs without a better validation loss; seed {seed}.")
    training = Table("Training", ["series", "mapping", "training windows", "window", "epochs",
                                  "training speed (time steps/s)"], speed)
    summary = [(f"{r[0]} RNN/persistence", min(r[6], r[7]) / r[4]) for r in rows[:1] + rows[3:]]
    return Result(tables={"errors": errors, "training": training},
                  figures={"forecast": Figure(
                      plots.timeseries.forecasts, {"series": forecasts, "n_max": 100},
                      caption="One-step forecasts on the test part of each series (in its own "
                              "units) against the truth (black). Persistence lags one step "
                              "behind; on Mackey-Glass the RNNs' curves lie on the truth.")},
                  summary=summary, config=dict(cfg, seed=seed, batch_size=BATCH,
                                               fractions=[0.7, 0.15, 0.15]),
                  claims=claims(rows), headline=headline(rows))

