"""Hypothesis fuzzing of the public API under bad input (issue 11, "what it must show").

Over the RNN constructor, predict, evaluate, loss_and_grads, states and fit (every mapping, cell,
output, dtype), the optimizers and their saved states, gradcheck and the task generators, with
arrays of every rank, size (empty too) and dtype (bool, int, uint, float16/32/64, complex,
object), holding NaN, inf or values that overflow the model's dtype, and masks. The contract:

- the call raises ValueError or TypeError whose message names one of the arguments it was given,
- or it returns a correct, finite result: never another exception type, never NaN or inf from
  finite input that fits the model's dtype,
- and input holding NaN/inf, or values that overflow the model's dtype, is always refused.

The profile (tests/conftest.py) is derandomized and keeps no example database, so CI runs the
same examples every time; RNNLAB_FUZZ_EXAMPLES=2000 RNNLAB_HYPOTHESIS_PROFILE=rnnlab-explore
explores further.
"""
import math
import os
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import rnnlab as rl
from rnnlab._tree import leaves
from rnnlab.mappings import NAMES as MAPPINGS


def n_examples(default):
    return int(os.environ.get("RNNLAB_FUZZ_EXAMPLES", 0)) or default


FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.data_too_large])

INPUT_DTYPES = ["bool", "int8", "int64", "uint8", "float16", "float32", "float64", "complex64",
                "object"]
SPECIAL = {"float32": [np.nan, np.inf, -np.inf, 1e39, -1e39, 1e300],   # not finite, or overflows
           "float64": [np.nan, np.inf, -np.inf]}
REFUSED = (ValueError, TypeError)


# -- strategies -----------------------------------------------------------------------------------
@st.composite
def models(draw):
    mapping = draw(st.sampled_from(MAPPINGS))
    cfg = dict(cell=draw(st.sampled_from(["elman", "lstm", "gru"])),
               n_layers=draw(st.integers(1, 2)),
               bidirectional=mapping != "seq2seq" and draw(st.booleans()),
               output=draw(st.sampled_from(["identity", "sigmoid", "softmax"])),
               mapping=mapping, dtype=draw(st.sampled_from(["float32", "float64"])),
               learn_h0=draw(st.booleans()), seed=draw(st.integers(0, 3)))
    if mapping == "many-to-many-delayed":
        cfg["delay"] = draw(st.integers(0, 2))
    if cfg["cell"] == "elman":
        cfg["activation"] = draw(st.sampled_from(["tanh", "relu", "identity"]))
    sizes = [draw(st.integers(1, 3)) for _ in range(3)]
    return rl.RNN(*sizes, **cfg)


@st.composite
def arrays(draw, good_shape, model_dtype, labels=None, clean=False, specials="float32"):
    """(array, bad): an array near `good_shape` (or exactly it), of any dtype, maybe holding one
    special value; bad = it holds a value that is not finite in the model's dtype.
    clean: exactly `good_shape`, a real dtype, finite values (a call that should answer)."""
    kind = "good" if clean else draw(st.sampled_from(["good"] * 5 + ["axis", "empty", "rank"]))
    shape = list(good_shape)
    if kind == "axis" and shape:
        i = draw(st.integers(0, len(shape) - 1))
        shape[i] = max(0, shape[i] + draw(st.sampled_from([-1, 1])))
    elif kind == "empty" and shape:
        shape[draw(st.integers(0, len(shape) - 1))] = 0
    elif kind == "rank":
        shape = shape[:-1] if shape and draw(st.booleans()) else shape + [draw(st.integers(1, 2))]
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    if labels is not None and draw(st.booleans()):            # class indices or bool labels
        arr = rng.integers(0, labels, size=shape)
        return (arr.astype(bool) if labels == 2 and draw(st.booleans()) else arr), False
    values = rng.uniform(-3, 3, size=shape)
    dtype = draw(st.sampled_from(["float64", "float32", "float16", "int64", "bool"] if clean
                                 else ["float64"] * 4 + INPUT_DTYPES))
    bad = False
    if not clean and dtype.startswith("float") and values.size and draw(st.integers(0, 3)) == 0:
        values.flat[draw(st.integers(0, values.size - 1))] = draw(st.sampled_from(SPECIAL[specials]))
        bad = True
    with np.errstate(all="ignore"):
        if dtype == "bool":
            arr = values > 0
        elif dtype.startswith(("int", "uint")):
            arr = np.round(values).astype(dtype)
        else:
            arr = values.astype(dtype)
    if bad:           # a special that fits the model's dtype (1e300 in float64) is not bad
        with np.errstate(all="ignore"):
            bad = not np.isfinite(arr.astype(model_dtype)).all()
    return arr, bad


def sizes(model, B, T, T_out):
    """The shapes a correct call uses: X, Y, mask, n_steps."""
    mp, D, K = model.mapping.name, model.n_in, model.n_out
    X = (B, D) if mp in ("one-to-one", "one-to-many") else (B, T, D)
    Y = {"one-to-one": (B, K), "many-to-one": (B, K), "one-to-many": (B, T_out, K),
         "seq2seq": (B, T_out, K)}.get(mp, (B, T, K))
    mask = None if mp == "one-to-one" else (B, T_out if mp == "one-to-many" else T)
    n_steps = T_out if mp in ("one-to-many", "seq2seq") else None
    return X, Y, mask, n_steps


def finite_tree(value):
    """True when every number in a result (arrays, floats, nested containers, History) is finite."""
    if isinstance(value, rl.History):
        return finite_tree(value.loss) and finite_tree(value.val_loss) and value.stopped is None
    if isinstance(value, dict):
        return all(finite_tree(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite_tree(v) for v in value)
    return bool(np.isfinite(np.asarray(value, dtype=np.float64)).all())


def names_an_argument(message, names):
    return any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message) for n in names)


def check_outcome(call, names, bad, note=event):
    """Run call(): a ValueError/TypeError naming one of `names`, or a finite result; bad input is
    always refused. `note` records the outcome (hypothesis' statistics)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)    # a NumPy overflow warning fails too
            result = call()
    except REFUSED as err:
        assert names_an_argument(str(err), names), f"{type(err).__name__} names none of {names}: {err}"
        note(f"refused: {type(err).__name__}")
        return None
    note("answered")
    assert not bad, f"bad input was accepted: {names}"
    assert finite_tree(result), f"non-finite result from finite input: {result!r:.300}"
    return result


# -- the model ----------------------------------------------------------------------------------------
@settings(max_examples=n_examples(150), **FUZZ)
@given(data=st.data(), model=models(), method=st.sampled_from(
    ["predict", "evaluate", "loss_and_grads", "states", "fit"]),
       B=st.integers(1, 3), T=st.integers(1, 4), T_out=st.integers(1, 3))
def test_model_methods_refuse_or_answer_finitely(data, model, method, B, T, T_out):
    xs, ys, ms, n_steps = sizes(model, B, T, T_out)
    dt = model.dtype.name
    clean = data.draw(st.booleans(), label="clean")          # half the calls should answer
    labels = model.n_out if model.output == "softmax" else (2 if model.output == "sigmoid" else None)
    X, bad = data.draw(arrays(xs, dt, clean=clean), label="X")
    kwargs, names = {}, ["X", "delay"]
    if method != "predict" and method != "states" or data.draw(st.booleans(), label="with Y"):
        if method in ("predict", "states"):
            pass                                             # these take no Y
        else:
            Y, bad_y = data.draw(arrays(ys[:-1] if labels and data.draw(st.booleans()) else ys, dt,
                                        labels=labels, clean=clean), label="Y")
            kwargs["Y"], bad = Y, bad or bad_y
            names.append("Y")
    if ms is not None and data.draw(st.booleans(), label="with mask"):
        mask, bad_m = data.draw(arrays(ms, dt, clean=clean), label="mask")
        if (clean or data.draw(st.booleans(), label="bool mask")) and mask.dtype.kind in "fiub" \
                and not bad_m:
            mask = np.asarray(mask) > -1                     # mostly True: a usable mask
        kwargs["mask"], bad = mask, bad or bad_m
        names.append("mask")
    if method == "predict" and model.mapping.streams and not model.bidirectional:
        kwargs["stateful"] = data.draw(st.sampled_from([False, True, True, "no"]), label="stateful")
        names.append("stateful")
    if method in ("predict", "states") and model.mapping.takes_n_steps:
        kwargs["n_steps"] = n_steps if clean else data.draw(
            st.sampled_from([n_steps, n_steps, 0, -1, 2.5, "2", None]), label="n_steps")
        names.append("n_steps")

    def call():
        if method == "fit":
            return model.fit(X, kwargs["Y"], mask=kwargs.get("mask"), epochs=1, batch_size=2,
                             progress=False)
        fn = getattr(model, method)
        if method in ("predict", "states"):
            return fn(X, **kwargs)
        return fn(X, kwargs["Y"], kwargs.get("mask"))
    before = [a.copy() for _, a in leaves(model.params)]
    result = check_outcome(call, names, bad)
    if method == "fit" and result is None:                  # refused: nothing changed
        for a, (_, b) in zip(before, leaves(model.params)):
            assert a.tobytes() == b.tobytes()


@settings(max_examples=n_examples(60), **FUZZ)
@given(data=st.data(), model=models(), B=st.integers(1, 3), T=st.integers(1, 3))
def test_h0_refused_or_used(data, model, B, T):
    assume(model.mapping.returns_state and not model.mapping.takes_n_steps)
    xs, _, _, _ = sizes(model, B, T, 1)
    X = np.random.default_rng(0).uniform(-1, 1, xs)
    H, dt = model.n_hidden, model.dtype.name
    parts = []
    bad = False
    for _ in range(len(model._cell.STATE)):
        a, b = data.draw(arrays((B, H), dt), label="h0 part")
        parts.append(a)
        bad = bad or b
    state = parts[0] if len(parts) == 1 else tuple(parts)
    if model.bidirectional:
        state = {"f": state, "b": state}
    h0 = [state] * model.n_layers if model.n_layers > 1 or data.draw(st.booleans()) else state
    check_outcome(lambda: model.predict(X, h0=h0), ["h0", "X"], bad)


@settings(max_examples=n_examples(80), **FUZZ)
@given(kwargs=st.fixed_dictionaries({}, optional={
    "n_in": st.sampled_from([1, 2, 0, -1, 2.5, "2", None, True]),
    "n_layers": st.sampled_from([1, 2, 0, 1.0, "1"]),
    "cell": st.sampled_from(["elman", "lstm", "gru", "LSTM", "", 3, None]),
    "bidirectional": st.sampled_from([True, False, "yes", 1, None]),
    "activation": st.sampled_from(["tanh", "relu", "identity", "sigmoid", None]),
    "output": st.sampled_from(["identity", "sigmoid", "softmax", "relu", 1]),
    "mapping": st.sampled_from(list(MAPPINGS) + ["many-to-some", None]),
    "delay": st.sampled_from([0, 1, -1, 1.5, "1"]),
    "dtype": st.sampled_from(["float32", "float64", np.float32, "float16", "int32", None, "x",
                              complex, object]),
    "loss": st.sampled_from(["auto", "mse", "bce", "ce", "hinge", ["mse"], None, 3,
                             np.array(["mse"])]),
    "seed": st.sampled_from([0, 1, -1, 2.5, "0", None]),
    "radius": st.sampled_from([None, 0.9, -1.0, float("nan"), "1"]),
    "forget_bias": st.sampled_from([1.0, None, float("inf"), "1"]),
    "init": st.sampled_from(["uniform", "orthogonal", "nope"]),
    "learn_h0": st.sampled_from([True, False, "no"]),
}))
def test_constructor_refuses_or_builds(kwargs):
    n_in = kwargs.pop("n_in", 2)
    names = ["n_in", *kwargs] + ["n_hidden", "n_out"]
    try:
        m = rl.RNN(n_in, 3, 2, **kwargs)
    except REFUSED as err:
        assert names_an_argument(str(err), names), f"{err}"
        return
    assert all(np.isfinite(a).all() for _, a in leaves(m.params))


# -- optimizers ---------------------------------------------------------------------------------------
NUMBERS = [1e-3, 0.5, 0.0, -1.0, float("nan"), float("inf"), "0.1", None, True]


@settings(max_examples=n_examples(80), **FUZZ)
@given(name=st.sampled_from(["sgd", "adam", "rmsprop"]), data=st.data())
def test_optimizers_refuse_or_step_finitely(name, data):
    options = {"sgd": {"lr": NUMBERS, "momentum": NUMBERS, "nesterov": [True, False, "yes", 1],
                       "weight_decay": NUMBERS},
               "adam": {"lr": NUMBERS, "betas": [(0.9, 0.999), [0.5, 0.5], (0.9,), (1.0, 0.9),
                                                 "ab", (0.9, float("nan"))],
                        "eps": NUMBERS, "weight_decay": NUMBERS},
               "rmsprop": {"lr": NUMBERS, "alpha": NUMBERS, "eps": NUMBERS, "momentum": NUMBERS}}
    kw = data.draw(st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in
                                                       options[name].items()}), label="kwargs")
    try:
        opt = rl.optim.OPTIMIZERS[name](**kw)
    except REFUSED as err:
        assert names_an_argument(str(err), list(kw)), f"{err}"
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 99), label="seed"))
    params = {"W": rng.standard_normal((2, 3)), "b": [rng.standard_normal(2).astype(np.float32)]}
    for _ in range(3):
        opt.step(params, {"W": rng.standard_normal((2, 3)), "b": [rng.standard_normal(2)]})
    assert finite_tree(params)
    # its saved state, mutated, restores or is refused naming the field
    sd = opt.state_dict()
    field = data.draw(st.sampled_from(["name", "hyperparams", "t", "slots", None]), label="field")
    value = data.draw(st.sampled_from([None, "adam", "x", -1, 1.5, {}, [], {"W/q": np.zeros(2)},
                                       {"lr": -1}, {"bogus": 1}]), label="value")
    if field is not None:
        sd = dict(sd, **{field: value})
    try:
        again = rl.optim.from_state_dict(sd)
    except REFUSED as err:
        assert "optimizer state" in str(err) or names_an_argument(str(err), [field or "", "lr"])
        return
    try:
        again.step(params, {"W": np.ones((2, 3)), "b": [np.ones(2)]})
    except REFUSED as err:
        assert "optimizer" in str(err) or "slot" in str(err), f"{err}"
        return
    assert finite_tree(params)


# -- gradcheck ----------------------------------------------------------------------------------------
@settings(max_examples=n_examples(25), **FUZZ)
@given(data=st.data(), cell=st.sampled_from(["elman", "gru", "lstm"]),
       eps=st.sampled_from([1e-3, 1e-3, 0, -1, float("nan"), "x", None, True]))
def test_gradcheck_refuses_or_agrees(data, cell, eps):
    m = rl.RNN(2, 2, 1, cell=cell, seed=1)
    # NaN and inf only: finite differences cannot resolve a loss of 1e78 (Y = 1e39) in float64
    X, bad_x = data.draw(arrays((2, 2, 2), "float64", specials="float64"), label="X")
    Y, bad_y = data.draw(arrays((2, 2, 1), "float64", specials="float64"), label="Y")
    err = check_outcome(lambda: rl.gradcheck(m, X, Y, eps=eps), ["eps", "X", "Y"],
                        bad_x or bad_y or not isinstance(eps, float) or not eps > 0)
    if err is not None and all(np.abs(np.asarray(a, np.float64)).max() <= 3 for a in (X, Y)):
        # a correct result, not just finite: a wrong gradient gives errors near 1. (With uint8
        # inputs of 255, a step eps of W0 moves a(t) by 0.255 and the difference formula's own
        # truncation error dominates: not a property of the input checks.)
        assert err < 1e-4


# -- task generators ----------------------------------------------------------------------------------
SMALL = [1, 3, 0, -2, 2.5, "3", None, True, float("nan")]
SEEDS = [None, 0, 7, -1, "x", 1.5, np.random.default_rng(0)]
TASKS = {
    "addition": (lambda **k: rl.tasks.binary.addition(**k),
                 {"n_samples": SMALL, "n_bits": SMALL, "random_state": SEEDS, "delay": SMALL}),
    "parity": (lambda **k: rl.tasks.binary.parity(**k),
               {"n_samples": SMALL, "n_bits": SMALL, "random_state": SEEDS,
                "final_only": [True, False, "yes"]}),
    "adding": (lambda **k: rl.tasks.longterm.adding(**k),
               {"n_samples": SMALL, "T": SMALL, "random_state": SEEDS}),
    "copy_memory": (lambda **k: rl.tasks.longterm.copy_memory(**k),
                    {"n_samples": SMALL, "T": SMALL, "random_state": SEEDS}),
    "noisy_sine": (lambda **k: rl.tasks.timeseries.noisy_sine(**k),
                   {"n": SMALL, "period": SMALL, "noise": SMALL, "random_state": SEEDS}),
    "mackey_glass": (lambda **k: rl.tasks.timeseries.mackey_glass(**k),
                     {"n": SMALL, "tau": [17.0, 1.0, 0, -1, float("nan"), "17"],
                      "dt": [0.1, 0.5, 0, -0.1, float("inf"), "x"],
                      "step": [1.0, 0.5, 0, -1], "burn_in": [0.0, 10.0, -1.0, float("nan")],
                      "p": [10.0, 2.0, float("nan")], "random_state": SEEDS}),
    "lm_windows": (lambda **k: rl.tasks.text.lm_windows(**k),
                   {"ids": [np.arange(40), np.arange(3), [], np.full(10, 0.5), "abc", None],
                    "seq_len": SMALL, "n_windows": SMALL, "random_state": SEEDS}),
    "blank_windows": (lambda **k: rl.tasks.text.blank_windows(**k),
                      {"ids": [np.arange(60), np.arange(5), "abc"], "seq_len": [20, 12, 0, -1, "20"],
                       "n": SMALL, "n_blanks": SMALL, "min_blank": SMALL, "max_blank": SMALL,
                       "min_context": SMALL, "random_state": SEEDS}),
    "one_hot": (lambda **k: rl.tasks.text.Vocab("abc").one_hot(**k),
                {"ids": [[0, 4], [-1], [5], [1.0], [[2, 3]], "a", None, [True]]}),
    "sine": (lambda **k: rl.tasks.catalog.sine(**k),
             {"n_samples": SMALL, "T": SMALL, "random_state": SEEDS}),
    "unigram": (lambda **k: rl.tasks.text.unigram(**k),
                {"train_ids": [np.arange(5), [0, 9], [-1], [0.5], []], "n_symbols": SMALL,
                 "alpha": [1.0, 0.0, -1.0, float("nan"), "1"]}),
    "bigram": (lambda **k: rl.tasks.text.bigram(**k),
               {"train_ids": [np.arange(5), [0, 9], [-1], [0.5], [1]], "n_symbols": SMALL,
                "alpha": [1.0, 0.0, -1.0, float("nan"), "1"]}),
    "forecasting": (lambda **k: rl.tasks.timeseries.forecasting(**k),
                    {"values": [np.sin(np.arange(60.0)), np.arange(5.0), [np.nan] * 60, "abc",
                                np.ones((60, 2))],
                     "window": SMALL, "horizon": SMALL,
                     "mapping": ["many-to-one", "many-to-many", "seq2seq"],
                     "fractions": [(0.7, 0.15, 0.15), (0.5, 0.5), (1.0, 0.0, 0.0), "abc",
                                   (0.6, 0.2, float("nan"))]}),
}
REQUIRED = {"addition": ("n_samples", "n_bits"), "parity": ("n_samples", "n_bits"),
            "adding": ("n_samples", "T"), "copy_memory": ("n_samples", "T"), "noisy_sine": ("n",),
            "mackey_glass": ("n",), "lm_windows": ("ids", "seq_len"),
            "blank_windows": ("ids", "seq_len", "n"), "one_hot": ("ids",),
            "sine": ("n_samples", "T"), "unigram": ("train_ids", "n_symbols"),
            "bigram": ("train_ids", "n_symbols"), "forecasting": ("values", "window")}


@settings(max_examples=n_examples(150), **FUZZ)
@given(name=st.sampled_from(sorted(TASKS)), data=st.data())
def test_task_generators_refuse_or_generate_finite_data(name, data):
    fn, pools = TASKS[name]
    kw = {k: data.draw(st.sampled_from(v), label=k) for k, v in pools.items()
          if k in REQUIRED[name] or data.draw(st.booleans(), label=f"give {k}")}
    if name == "mackey_glass":
        kw.setdefault("burn_in", 10.0)                       # keep each example fast
    try:
        out = fn(**kw)
    except REFUSED as err:
        assert names_an_argument(str(err), list(kw) + ["text"]), f"{name}({kw}): {err}"
        return
    if isinstance(out, rl.tasks.timeseries.Forecast):
        out = tuple(getattr(part, a) for part in (out.train, out.val, out.test)
                    for a in ("X", "Y", "last"))
    arrays_out = out if isinstance(out, tuple) else (out,)
    for a in arrays_out:
        a = np.asarray(a)
        assert a.dtype.kind in "biuf" and (a.dtype.kind != "f" or np.isfinite(a).all()), name


def test_a_fuzz_failure_would_be_seen():
    """The checker itself: a non-finite result and an unnamed error both fail it."""
    def check_outcome(call, names, bad):
        return globals()["check_outcome"](call, names, bad, note=lambda _: None)
    with pytest.raises(AssertionError, match="non-finite"):
        check_outcome(lambda: np.array([np.nan]), ["X"], False)
    with pytest.raises(AssertionError, match="names none"):
        check_outcome(lambda: (_ for _ in ()).throw(ValueError("shapes do not match")), ["X"], False)
    with pytest.raises(AssertionError, match="bad input was accepted"):
        check_outcome(lambda: 1.0, ["X"], True)
    with pytest.raises(IndexError):
        check_outcome(lambda: [][1], ["X"], False)
    assert math.isfinite(check_outcome(lambda: 1.0, ["X"], False))
