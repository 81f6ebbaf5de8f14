"""Stability: exploding and vanishing signals and gradients, measured, with their remedies.

Part 1, the sweep (no training). Elman models whose W11 is rescaled to a spectral radius rho in
0.5 .. 1.5, with linear and tanh units: the impulse response ||dh(t)/dx(1)|| and the BPTT
gradient ||dL/dh(T - k)|| of a loss at the last step, against the lag k, beside the theory's
rho^k (rnnlab.analysis.stability states the theory).

Part 2, the remedies (training). The adding problem (rnnlab.tasks.adding; always answering 1
scores a mean squared error of 1/6): the plain Elman RNN against gradient-norm clipping, an
orthogonal W11, W11 rescaled to radius 1, the IRNN (ReLU with identity W11, Le et al. 2015), LSTM
and GRU, all with the same number of Adam steps on fresh data. The tour runs one length of the
adding problem with one seed; the long-lag comparison, setting="long" (benchmarks/longterm.py),
runs the adding problem and the copy-memory task (rnnlab.tasks.copy_memory) at T = 50, 100, 200
and 400 with 3 seeds. Every (task, model, length, seed) is one independent run, remedy_run(config,
seed): here one after another, or on the Dask workers of a pool (`rnnlab tour --workers N`,
`benchmarks/longterm.py --workers N`), with the same results.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import plots
from ..analysis import stability as st
from ..model import RNN
from ..optim import Adam
from ..tasks import longterm
from . import Claim, Figure, Result, Table
from .parallel import RunPool, map_runs

NAME = "stability"
TITLE = "Stability: exploding and vanishing signals and gradients, and their remedies"
DESCRIPTION = """
The product of Jacobians diag(f'(a)) W11 carries an input forward and a gradient backward
through time. Sweeping the spectral radius rho of W11 shows both shrink like rho^k over a lag
of k steps for linear units (vanishing for rho < 1, exploding for rho > 1); with tanh the forward
signal stays bounded and the gradient obeys the bound sigma(W11)^k. On the adding problem, whose
memoryless baseline is 1/6, the remedies (clipping, orthogonal or identity initialisation, a
rescaled radius, LSTM and GRU) are trained with the same budget and compared at the same lag.
"""

# name -> (RNN keyword arguments, fit keyword arguments): each remedy changes one thing
VARIANTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "Elman tanh": ({}, {}),
    "Elman tanh + clip": ({}, {"clip_norm": 1.0}),
    "Elman orthogonal": ({"init": "orthogonal"}, {}),
    "Elman radius 1": ({"radius": 1.0}, {}),
    "IRNN + clip": ({"activation": "relu", "init": "identity"}, {"clip_norm": 1.0}),
    "LSTM": ({"cell": "lstm"}, {}),
    "GRU": ({"cell": "gru"}, {}),
}
LONG_VARIANTS = ("Elman tanh", "Elman tanh + clip", "IRNN + clip", "LSTM", "GRU")

SETTINGS: dict[str, dict[str, Any]] = {
    "quick": {"sweep_T": 60, "sweep_H": 32, "radii": (0.5, 0.75, 1.0, 1.25, 1.5),
              "tasks": ("adding",), "lengths": (50,), "hidden": 32, "steps": 600, "batch": 32,
              "eval_every": 100, "n_test": 300, "seeds": 1, "lr": 1e-2,
              "variants": tuple(VARIANTS)},
    "full": {"sweep_T": 100, "sweep_H": 64, "radii": (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5),
             "tasks": ("adding",), "lengths": (100,), "hidden": 32, "steps": 1500, "batch": 32,
             "eval_every": 100, "n_test": 500, "seeds": 1, "lr": 1e-2,
             "variants": tuple(VARIANTS)},
    "long": {"sweep_T": 100, "sweep_H": 64, "radii": (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5),
             "tasks": ("adding", "copy"), "lengths": (50, 100, 200, 400), "hidden": 32,
             "steps": 4000,
             "batch": 32, "eval_every": 200, "n_test": 1000, "seeds": 3, "lr": 1e-2,
             "variants": LONG_VARIANTS},
}
TASKS = ("adding", "copy")
TRAIN_KEYS = ("hidden", "steps", "batch", "eval_every", "n_test", "lr")   # what one run reads


def run(*, quick: bool = True, seed: int = 0, progress: bool = False,
        setting: str | dict[str, Any] | None = None, pool: RunPool | None = None) -> Result:
    """The tour's run (setting None: "quick" or "full"), or setting="long" or a settings dict.

    The first task's comparison is the table "remedies" and the figure "learning_curves"; any
    other task's are "remedies_TASK" and "learning_curves_TASK".

    Parameters
    ----------
    quick : bool
        The short budget (``rnnlab tour --quick``), when `setting` is None.
    seed : int
        The seed of every random draw.
    progress : bool
        Whether training shows its progress.
    setting : str or dict, optional
        None (the tour's: "quick" or "full"), "long", or a settings dict.
    pool : RunPool, optional
        Where the trainings of the comparison run (rnnlab.experiments.parallel.map_runs: None
        here, one after another; an rnnlab.sweeps.Pool on its Dask workers), with the same
        results.

    Returns
    -------
    Result
        Its tables, figures, claims and headline.
    """
    if setting is None:
        setting = "quick" if quick else "full"
    cfg = dict(SETTINGS[setting]) if isinstance(setting, str) else dict(setting)
    tasks = _tasks(cfg)
    sweep_rows = sweep(cfg["radii"], cfg["sweep_T"], cfg["sweep_H"], seed=seed)
    runs = compare(cfg, seed=seed, progress=progress, pool=pool)
    res = Result(config=dict(cfg, seed=seed, setting=setting if isinstance(setting, str) else
                             "custom"))
    res.tables["sweep"] = _sweep_table(sweep_rows, cfg["sweep_T"])
    for i, task in enumerate(tasks):
        res.tables["remedies" + ("" if i == 0 else f"_{task}")] = remedy_table(runs, cfg, task)
    res.figures["impulse"] = sweep_figure(sweep_rows, "impulse")
    res.figures["gradients"] = sweep_figure(sweep_rows, "grad")
    for i, task in enumerate(tasks):
        res.figures["learning_curves" + ("" if i == 0 else f"_{task}")] = \
            curves_figure(runs, cfg, task)
    res.summary = _summary(sweep_rows, runs, cfg)
    res.claims = claims(res.tables, quick=setting == "quick")
    res.headline = headline(res.tables["remedies"], tasks[0])
    return res


def _tasks(cfg: dict[str, Any]) -> tuple[str, ...]:
    """The tasks a setting compares the remedies on: cfg["tasks"] (or a single cfg["task"])."""
    tasks = tuple(cfg["tasks"]) if "tasks" in cfg else (cfg.get("task", "adding"),)
    bad = [t for t in tasks if t not in TASKS]
    if not tasks or bad:
        raise ValueError(f"tasks: expected some of {', '.join(map(repr, TASKS))}, got "
                         f"{cfg.get('tasks', cfg.get('task'))!r}")
    return tasks


# -- part 1: the sweep ----------------------------------------------------------------------------
def sweep(radii: Sequence[float], T: int, H: int, *, seed: int = 0, D: int = 2,
          batch: int = 8) -> list[dict[str, Any]]:
    """Impulse and gradient norms against the lag for linear and tanh units at each radius.

    Parameters
    ----------
    radii : sequence of float
        The spectral radii rho of W11.
    T : int
        The number of lags.
    H : int
        The hidden size.
    seed : int
        The seed of the weights and inputs.
    D : int
        The input size.
    batch : int
        The number of sequences the norms are measured on.

    Returns
    -------
    list of dict
        One per (units, rho): rho, sigma (of W11), impulse (T,) and grad (T,), both normalised
        by their lag-0 value, index k = lag k, and their measured growth rates.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, D))                                   # the trajectory
    X, Y = rng.standard_normal((batch, T, D)), rng.standard_normal((batch, 1))
    rows = []
    for units in ("identity", "tanh"):
        for rho in radii:
            m = RNN(D, H, 1, activation=units, radius=rho, mapping="many-to-one",
                    dtype="float64", seed=seed)
            W11 = m.params["layers"][0]["W11"]
            imp = st.impulse_response(m, T, x=x)                         # lag t - 1
            grad = st.gradient_norms(m, X, Y)["h"][::-1]                 # lag T - t
            rows.append({"units": units, "rho": st.spectral_radius(W11),
                         "sigma": st.largest_singular_value(W11),
                         "impulse": imp / imp[0], "grad": grad / grad[0],
                         "impulse_rate": st.growth_rate(imp), "grad_rate": st.growth_rate(grad)})
    return rows


def _verdict(rate):
    return "vanishing" if rate < 0.98 else "exploding" if rate > 1.02 else "neutral"


def _theory(units, rho, sigma):
    """What Pascanu et al. predict, for the table."""
    if units == "identity":
        return "vanishing" if rho < 0.98 else "exploding" if rho > 1.02 else "neutral"
    return "vanishing (sigma < 1)" if sigma < 1 else "no guarantee (sigma >= 1)"


def _sweep_table(rows, T):
    out = [[("linear" if r["units"] == "identity" else r["units"]), round(r["rho"], 4),
            round(r["sigma"], 4), _theory(r["units"], r["rho"], r["sigma"]),
            float(r["impulse_rate"]), float(r["impulse"][-1]), _verdict(r["impulse_rate"]),
            float(r["grad_rate"]), float(r["grad"][-1]), _verdict(r["grad_rate"])] for r in rows]
    return Table(f"Impulse response and BPTT gradient over a lag of up to {T - 1} steps",
                 ["units", "rho(W11)", "sigma(W11)", "theory", "impulse rate",
                  f"impulse gain at lag {T - 1}", "impulse", "gradient rate",
                  f"gradient gain at lag {T - 1}", "gradient"], out,
                 "rate: geometric mean factor per step over the second half of the lags (for "
                 "linear units it tends to rho); gain: norm at the lag over the norm at lag 0. "
                 "Impulse: spectral norm of dh(t)/dx(1) along a N(0, 1) input; gradient: "
                 "||dL/dh(T - k)|| of a squared error at the last step, from the model's BPTT.")


# -- part 2: the remedies, trained ----------------------------------------------------------------
def compare(cfg: dict[str, Any], *, seed: int = 0, progress: bool = False,
            pool: RunPool | None = None) -> list[dict[str, Any]]:
    """Train every variant at every length and seed, for every task of the setting: one run of
    remedy_run per (task, length, variant, seed), in that order (seeds innermost), here or on the
    pool's workers (see run).

    Parameters
    ----------
    cfg : dict
        The setting: its tasks, lengths, variants, seeds and training budget.
    seed : int
        The first seed.
    progress : bool
        Whether a line per run is shown.
    pool : RunPool, optional
        Where the runs go (see run).

    Returns
    -------
    list of dict
        The run dicts (see train_one).
    """
    base = {k: cfg[k] for k in TRAIN_KEYS}
    configs = [dict(base, task=task, T=T, variant=name) for task in _tasks(cfg)
               for T in cfg["lengths"] for name in cfg["variants"]]

    def report(config, s, r):
        err = "n/a" if r["error"] is None else f"{r['error']:.4f}"
        print(f"  {config['task']:6s} {config['variant']:18s} T={config['T']:4d} seed={s}: "
              f"error {err} ({r['time']:.1f}s)", flush=True)
    return map_runs(remedy_run, configs, [seed + s for s in range(cfg["seeds"])], pool,
                    report=report if progress else None)


def remedy_run(config: dict[str, Any], seed: int) -> dict[str, Any]:
    """One run of the comparison (a function of (config, seed) only, for rl.sweep's workers).

    Parameters
    ----------
    config : dict
        TRAIN_KEYS, the task, the length T and the variant's name.
    seed : int
        The run's seed.

    Returns
    -------
    dict
        The run dict (see train_one).
    """
    return train_one(config["variant"], config["T"], config, seed=seed)


def _task(task: str, T: int) -> dict[str, Any]:
    """The task at length T: make(n, rng) -> (X, Y), the model's sizes and options, the reported
    error(model, X, Y) and its memoryless baseline."""
    if task == "adding":
        return {"make": lambda n, rng: longterm.adding(n, T, rng), "n_in": 2, "n_out": 1,
                "opts": {"mapping": "many-to-one"}, "baseline": longterm.adding_baseline(),
                "error": lambda m, X, Y: float(np.mean((m.predict(X) - Y) ** 2))}
    if task == "copy":
        return {"make": lambda n, rng: longterm.copy_memory(n, T, rng), "n_in": 10, "n_out": 9,
                "opts": {"output": "softmax"}, "baseline": longterm.copy_memory_baseline(T),
                "error": lambda m, X, Y: m.evaluate(X, Y) / X.shape[1]}   # CE per step
    raise ValueError(f"task must be 'adding' or 'copy', got {task!r}")


def train_one(name: str, T: int, cfg: dict[str, Any], *, seed: int = 0,
              task: str | None = None) -> dict[str, Any]:
    """One variant, one length, one seed: a learning curve of test error every eval_every steps.

    Parameters
    ----------
    name : str
        The variant (a key of VARIANTS).
    T : int
        The sequence length.
    cfg : dict
        The setting: hidden size, steps, eval_every, n_test, batch, ...
    seed : int
        The run's seed.
    task : str, optional
        "adding" or "copy" (None: the setting's first task).

    Returns
    -------
    dict
        "task", "variant", "T", "seed", "baseline", "error", "curve" ((step, test error)
        pairs), "steps", "stopped" (why training ended early, or None), "ratio" (the gradient
        norm ratio at initialisation) and "time".
    """
    kind = _tasks(cfg)[0] if task is None else task
    spec = _task(kind, T)
    make, error = spec["make"], spec["error"]
    model_opts, fit_opts = VARIANTS[name]
    rec: dict[str, Any] = {"task": kind, "variant": name, "T": T, "seed": seed,
                           "baseline": spec["baseline"], "error": None, "curve": [], "steps": 0,
                           "stopped": None, "ratio": None, "time": 0.0}
    try:
        model = RNN(spec["n_in"], cfg["hidden"], spec["n_out"], seed=seed, **spec["opts"],
                    **model_opts)
    except NotImplementedError as err:
        rec["stopped"] = f"not available: {err}"
        return rec
    rng = np.random.default_rng([seed, T, 7])
    X_test, Y_test = make(cfg["n_test"], np.random.default_rng([seed, T, 1]))
    g = st.gradient_norms(model, *make(cfg["batch"], rng))["h"]
    rec["ratio"] = float(g[0] / g[-1])                        # ||dL/dh(1)|| / ||dL/dh(T)|| at init
    opt, t0 = Adam(lr=cfg["lr"]), time.perf_counter()
    rec["curve"].append((0, error(model, X_test, Y_test)))
    while rec["steps"] < cfg["steps"] and rec["stopped"] is None:
        n = min(cfg["eval_every"], cfg["steps"] - rec["steps"])
        X, Y = make(n * cfg["batch"], rng)                    # fresh data for every chunk
        hist = model.fit(X, Y, optimizer=opt, epochs=1, batch_size=cfg["batch"], shuffle=False,
                         verbose=0, **fit_opts)
        rec["steps"] += hist.steps
        rec["stopped"] = hist.stopped
        rec["curve"].append((rec["steps"], error(model, X_test, Y_test)))
    rec["error"], rec["time"] = rec["curve"][-1][1], time.perf_counter() - t0
    return rec


def _groups(runs, task=None):
    """(variant, T) -> runs, in the order they ran (only those of `task`, if given)."""
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in runs:
        if task is None or r.get("task", task) == task:
            out.setdefault((r["variant"], r["T"]), []).append(r)
    return out


def remedy_table(runs: list[dict[str, Any]], cfg: dict[str, Any],
                 task: str | None = None) -> Table:
    """The comparison on one task as a Table: one row per (variant, T), statistics over the
    seeds.

    Parameters
    ----------
    runs : list of dict
        The run dicts of compare() (see train_one).
    cfg : dict
        The setting they ran with.
    task : str, optional
        "adding" or "copy" (None: the setting's first task).

    Returns
    -------
    Table
    """
    task = _tasks(cfg)[0] if task is None else task
    rows = [_remedy_row(name, T, rs) for (name, T), rs in _groups(runs, task).items()]
    what = "mean squared error" if task == "adding" else "cross-entropy per step"
    return Table(f"The {task} task: final test {what} after {cfg['steps']} Adam steps "
                 f"(lr {cfg['lr']}, batch {cfg['batch']}, H = {cfg['hidden']}, "
                 f"{cfg['seeds']} seed(s))",
                 ["model", "T", "test error", "min", "max", "baseline", "error / baseline",
                  "below baseline/2", "gradient ratio at init", "note"], rows,
                 "baseline: the memoryless answer (1/6 for adding, 10 ln 8 / (T + 20) for copy); "
                 "error / baseline near 1 means nothing was learned across the lag. 'below "
                 "baseline/2': the seeds whose test error went below half the baseline, and the "
                 "median step at which it first did (the end of the plateau). Gradient ratio: "
                 "||dL/dh(1)|| / ||dL/dh(T)|| of the untrained model on one batch (BPTT). Same "
                 "fresh data and steps for every variant; clip = clip_norm 1.0.")


def _remedy_row(name, T, rs):
    errs = [r["error"] for r in rs if r["error"] is not None]
    notes = sorted({r["stopped"] for r in rs if r["stopped"]})
    base = rs[0]["baseline"]
    if not errs:
        return [name, T, None, None, None, base, None, None, None, "; ".join(notes)]
    firsts = [f for f in (next((s for s, e in r["curve"] if e < base / 2), None) for r in rs)
              if f is not None]
    left = f"{len(firsts)}/{len(rs)}" + (f" (step {int(np.median(firsts))})" if firsts else "")
    mean = float(np.mean(errs))
    note = f"{len(notes)} run(s) stopped by the guard" if notes else ""
    return [name, T, mean, float(min(errs)), float(max(errs)), base, mean / base, left,
            float(np.mean([r["ratio"] for r in rs])), note]


# -- figures: the numbers for rnnlab.plots.stability ---------------------------------------------
def sweep_figure(rows: list[dict[str, Any]], key: str) -> Figure:
    """Norms against the lag from sweep(): one panel per kind of units, one curve per radius.

    Parameters
    ----------
    rows : list of dict
        What sweep() returns.
    key : {"impulse", "grad"}
        The norms drawn.

    Returns
    -------
    Figure
    """
    panels: dict[Any, Any] = {}
    for r in rows:
        units = "linear" if r["units"] == "identity" else r["units"]
        panels.setdefault(units, []).append((r["rho"], r[key]))
    what = "impulse ||dh(1+k)/dx(1)||" if key == "impulse" else "gradient ||dL/dh(T-k)||"
    caption = (("How much of an input at step 1 is left k steps later (the norm of dh(1+k)/dx(1))"
                if key == "impulse" else "The BPTT gradient of a loss at the last step, k steps "
                "back (the norm of dL/dh(T-k))") +
               ", for W11 rescaled to each spectral radius rho; log scale, dashed: rho^k. Linear "
               "units follow rho^k: vanishing for rho < 1, exploding for rho > 1." +
               (" tanh keeps the forward signal bounded." if key == "impulse" else
                " With tanh the gradient still vanishes at small rho and grows at large rho."))
    return Figure(plots.stability.lag_norms, {"panels": panels, "what": what}, caption=caption)


def curves_figure(runs: list[dict[str, Any]], cfg: dict[str, Any],
                  task: str | None = None) -> Figure:
    """Test error against training steps from compare() on one task, mean over the seeds, one
    panel per length, with the memoryless baseline.

    Parameters
    ----------
    runs : list of dict
        The run dicts of compare() (see train_one).
    cfg : dict
        The setting they ran with.
    task : str, optional
        "adding" or "copy" (None: the setting's first task).

    Returns
    -------
    Figure
    """
    task = _tasks(cfg)[0] if task is None else task
    panels: dict[Any, Any] = {}
    for (name, T), rs in _groups(runs, task).items():
        panel = panels.setdefault(T, {"baseline": rs[0]["baseline"], "curves": {}})
        if not rs[0]["curve"]:
            continue
        k = min(len(r["curve"]) for r in rs)
        panel["curves"][name] = ([rs[0]["curve"][j][0] for j in range(k)],
                                 [float(np.mean([r["curve"][j][1] for r in rs])) for j in range(k)])
    return Figure(plots.stability.learning_curves, {"task": task, "panels": panels},
                  caption=f"Test error on the {task} task against training steps, one "
                          f"curve per model (mean over the seeds; log scale), the memoryless "
                          f"baseline dotted. A curve that stays on the dotted line has learned "
                          f"nothing across the lag; one that leaves it carries the information.")


# -- the lecture's claims, checked on the tables -------------------------------------------------
def claims(tables: dict[str, Table], *, quick: bool = False) -> list[Claim]:
    """The lecture's claims checked on the sweep and remedies tables.

    Parameters
    ----------
    tables : dict of str to Table
        The experiment's tables, by name.
    quick : bool
        The tour's quick budget, too short for the LSTM to leave its plateau (not tested).

    Returns
    -------
    list of Claim
        Each with its verdict and the numbers behind it.
    """
    sweep_rows = [dict(zip(tables["sweep"].columns, r)) for r in tables["sweep"].rows]
    lin = [r for r in sweep_rows if r["units"] == "linear"]
    tanh = sorted((r for r in sweep_rows if r["units"] == "tanh"), key=lambda r: r["rho(W11)"])
    follows = all(abs(r[k] / r["rho(W11)"] - 1) < 0.05 for r in lin
                  for k in ("impulse rate", "gradient rate"))
    out = [Claim(
        "Information vanishes or explodes through time: with linear units a signal and its "
        "gradient are multiplied by the largest eigenvalue rho of W11 at every step (measured "
        "rates within 5 % of rho), so they vanish for rho < 1 and explode for rho > 1",
        follows and any(r["rho(W11)"] < 1 for r in lin) and any(r["rho(W11)"] > 1 for r in lin),
        "; ".join(f"rho {r['rho(W11)']:.2f}: rates {r['impulse rate']:.4f} (signal), "
                  f"{r['gradient rate']:.4f} (gradient)" for r in lin))]
    if tanh:
        lo, hi = tanh[0], tanh[-1]
        out.append(Claim(
            "The activation function does not change this: with tanh units the gradient still "
            "vanishes at the smallest radius and grows at the largest",
            lo["gradient"] == "vanishing" and hi["rho(W11)"] > 1 and hi["gradient"] == "exploding",
            f"tanh gradient rate per step: {lo['gradient rate']:.4f} at rho "
            f"{lo['rho(W11)']:.2f}, {hi['gradient rate']:.4f} at rho {hi['rho(W11)']:.2f}"))
    rem: dict[str, list[dict[str, Any]]] = {}
    for r in tables["remedies"].rows:
        r = dict(zip(tables["remedies"].columns, r))
        rem.setdefault(r["model"], []).append(r)
    out.append(_remedy_claim(
        "In practice an RNN has no long-term memory: the plain Elman RNN stays at the "
        "memoryless baseline (test error above 0.8 of it)", rem.get("Elman tanh"),
        lambda ratio: ratio > 0.8))
    for cell in ("LSTM", "GRU"):
        text = (f"The solution is a gated cell: the {cell} learns the task at the same lag (test "
                f"error below half the baseline)")
        if cell == "LSTM" and quick:
            evidence = _remedy_claim(text, rem.get(cell), lambda ratio: ratio < 0.5).evidence
            out.append(Claim(text, None, "quick mode: the LSTM leaves its plateau only near the "
                                         "end of the quick run's training steps; " + evidence +
                                         "; the full run trains longer"))
        else:
            out.append(_remedy_claim(text, rem.get(cell), lambda ratio: ratio < 0.5))
    return out


def _remedy_claim(text: str, rows: Sequence[dict[str, Any]] | None, check: Any) -> Claim:
    """A claim on one model's remedies rows (one per T): check(error / baseline) at every T."""
    done = [r for r in rows or () if r["test error"] is not None]
    if not done:
        return Claim(text, None, "not run: " + ("; ".join(r["note"] for r in rows or ()) or
                                                "the model is not in this comparison"))
    return Claim(text, all(check(r["error / baseline"]) for r in done),
                 "; ".join(f"T = {r['T']}: test error {r['test error']:.4g}, baseline "
                           f"{r['baseline']:.4g} (ratio {r['error / baseline']:.3f})"
                           for r in done))


def headline(remedies: Table, task: str = "adding") -> dict[str, Any] | None:
    """The better gated cell against the plain Elman RNN at the longest lag, for the tour's
    summary figure.

    Parameters
    ----------
    remedies : Table
        The comparison's table (remedy_table).
    task : str
        The task it ran on.

    Returns
    -------
    dict or None
        A Result's headline: "metric", "rnn", "baseline", "higher_is_better" and the labels;
        None when either is missing.
    """
    rows = [dict(zip(remedies.columns, r)) for r in remedies.rows]
    T = max(r["T"] for r in rows)
    at = {r["model"]: r["test error"] for r in rows if r["T"] == T and r["test error"] is not None}
    gated = [m for m in ("LSTM", "GRU") if m in at]
    if "Elman tanh" not in at or not gated:
        return None
    best = min(gated, key=lambda m: at[m])
    return {"metric": f"test error, {task} task, T = {T}", "rnn": at[best],
            "baseline": at["Elman tanh"], "higher_is_better": False, "rnn_label": best,
            "baseline_label": "Elman tanh"}


def _summary(rows, runs, cfg):
    linear = [r for r in rows if r["units"] == "identity"]
    out = [(f"linear impulse rate at rho = {r['rho']:.2f}", round(r["impulse_rate"], 4))
           for r in (linear[0], linear[-1])]
    tasks = _tasks(cfg)
    for task in tasks:
        for (name, T), rs in _groups(runs, task).items():
            errs = [r["error"] for r in rs if r["error"] is not None]
            if errs:
                out.append((f"{'' if task == tasks[0] else task + ': '}{name}, T = {T}: test "
                            f"error (baseline {rs[0]['baseline']:.3f})",
                            round(float(np.mean(errs)), 4)))
    return out
