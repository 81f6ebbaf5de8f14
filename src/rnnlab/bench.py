"""Speed against PyTorch on the CPU, measured as ratios side by side in one run.

A training step is: forward through time, the output layer at every step, the squared-error loss
(1/2 sum over steps and units, averaged over the batch), and the full backward pass (BPTT) to
every parameter gradient. rnnlab's step is `model.loss_and_grads` (validation included, as users
call it); PyTorch's is nn.RNN / nn.LSTM / nn.GRU + nn.Linear, the same loss, and
loss.backward() (no optimizer step on either side). Inference is the forward pass only
(`model.predict` against torch.no_grad()).

Method: both run in the same process with the same number of threads; each round times every
configuration on both sides, alternating which goes first; the table reports medians over rounds
of the per-call time and the ratio rnnlab / torch (below 1: rnnlab is faster).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any, TextIO

import numpy as np

# (B, T, H): small (B*H <= 512), medium and large sizes
SIZES_ELMAN = [(1, 50, 16), (1, 500, 128), (32, 50, 16), (1, 50, 512), (32, 500, 128),
               (32, 50, 512), (256, 50, 128), (256, 500, 16), (256, 50, 512)]
SIZES_QUICK = [(1, 50, 16), (32, 50, 128)]
# gated cells (issue 5): B in {1, 32, 256} x H in {32, 128, 512} at T = 100; the targets are
# train ratio <= 1.0 at (1, 100, 128) and <= 1.5 at (32, 100, 128)
SIZES_GATED = [(1, 100, 32), (1, 100, 128), (1, 100, 512), (32, 100, 32), (32, 100, 128),
               (32, 100, 512), (256, 100, 32), (256, 100, 128)]
SIZES_LSTM = SIZES_GRU = SIZES_GATED
D_IN, K_OUT = 8, 8


def torch_module() -> ModuleType | None:
    """PyTorch when installed, else None (the benchmark then times rnnlab alone).

    Returns
    -------
    module or None
        The torch module, or None when it is not installed.
    """
    try:
        import torch
    except ImportError:
        return None
    return torch


def _time(fn, min_time):
    """Mean seconds per call of fn(), repeating until min_time has passed (at least twice)."""
    fn()                                                   # warm-up
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if n >= 2 and elapsed >= min_time:
            return elapsed / n


def _setups(cell, B, T, H, torch, seed=0):
    """(ours_train, ours_infer, torch_train, torch_infer) callables on shared random data."""
    from .model import RNN
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, T, D_IN)).astype(np.float32)
    Y = rng.standard_normal((B, T, K_OUT)).astype(np.float32)
    model = RNN(D_IN, H, K_OUT, cell=cell, seed=seed)
    ours_train = lambda: model.loss_and_grads(X, Y)       # noqa: E731
    ours_infer = lambda: model.predict(X)                 # noqa: E731
    if torch is None:
        return ours_train, ours_infer, None, None
    torch.manual_seed(seed)
    layer = {"elman": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](
        D_IN, H, batch_first=True)
    lin = torch.nn.Linear(H, K_OUT)
    xt, yt = torch.from_numpy(X), torch.from_numpy(Y)

    def torch_train():
        layer.zero_grad(set_to_none=True)
        lin.zero_grad(set_to_none=True)
        out, _ = layer(xt)
        loss = 0.5 * ((lin(out) - yt) ** 2).sum() / B
        loss.backward()

    def torch_infer():
        with torch.no_grad():
            out, _ = layer(xt)
            lin(out)

    return ours_train, ours_infer, torch_train, torch_infer


def run(cell: str = "elman", sizes: Sequence[tuple[int, int, int]] | None = None, rounds: int = 5,
        min_time: float = 0.2, threads: int | None = None, stream: TextIO | None = None,
        backends: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Time every size; return rows {B, T, H, train_ours, train_torch, infer_ours, infer_torch} (s).

    backends: None times rnnlab on the backend in force ("ours"); a tuple of backend names
    ("numpy", "compiled") times each, as train_<name> and infer_<name>, and "ours" is then the
    one that "auto" runs at that size (rows also get "auto" and "auto_infer": its names).

    Parameters
    ----------
    cell : str, optional
        The cell timed: "elman", "lstm" or "gru".
    sizes : sequence of (B, T, H), optional
        The sizes timed; None: SIZES_ELMAN.
    rounds : int, optional
        How many times every size is timed (interleaved); the rows hold the medians.
    min_time : float, optional
        The least seconds one timing lasts: the call repeats (at least twice) until then.
    threads : int, optional
        The threads torch runs on; None: blas_threads().
    stream : file-like, optional
        Where the progress lines go; None: sys.stderr.
    backends : sequence of str, optional
        The rnnlab backends timed, as above.

    Returns
    -------
    list of dict
        One row per size.
    """
    from .nn import backend
    stream = stream or sys.stderr
    torch = torch_module()
    threads = threads or blas_threads()
    if torch is not None:
        torch.set_num_threads(threads)
    sizes = sizes or SIZES_ELMAN
    names = [None] if backends is None else list(backends)
    setups = {s: _setups(cell, *s, torch) for s in sizes}
    keys = [f"{k}_{'ours' if n is None else n}" for k in ("train", "infer") for n in names]
    times: dict[tuple[int, int, int], dict[str, list[float]]] = {
        s: {k: [] for k in keys + ["train_torch", "infer_torch"]} for s in sizes}
    before = backend.get_backend()
    try:
        for r in range(rounds):
            for i, s in enumerate(sizes):
                ot, oi, tt, ti = setups[s]
                jobs = ([(f"train_{n or 'ours'}", ot, n) for n in names]
                        + [("train_torch", tt, None)]
                        + [(f"infer_{n or 'ours'}", oi, n) for n in names]
                        + [("infer_torch", ti, None)])
                if (r + i) % 2:                            # alternate who goes first
                    jobs = jobs[::-1]
                for key, fn, name in jobs:
                    if fn is not None:
                        backend.set_backend(name or before)
                        times[s][key].append(_time(fn, min_time))
            stream.write(f"  {cell}: round {r + 1}/{rounds} done\n")
            stream.flush()
    finally:
        backend.set_backend(before)
    rows = []
    for (B, T, H) in sizes:
        row: dict[str, Any] = {"B": B, "T": T, "H": H}
        for k, v in times[(B, T, H)].items():
            row[k] = statistics.median(v) if v else None
        if backends is not None:
            row["auto"] = backend.auto_choice(cell, B, H)
            row["auto_infer"] = backend.auto_choice(cell, B, H, infer=True)
            row["train_ours"] = row.get(f"train_{row['auto']}")
            row["infer_ours"] = row.get(f"infer_{row['auto_infer']}")
        rows.append(row)
    return rows


def table(rows: Sequence[dict[str, Any]], cell: str = "elman") -> str:
    """A Markdown table of the rows, with the ratios rnnlab / torch.

    Parameters
    ----------
    rows : sequence of dict
        What run returned.
    cell : str, optional
        The cell, named above the table.

    Returns
    -------
    str
        The table.
    """
    def ms(v):
        return "-" if v is None else f"{v * 1e3:.3g}"

    def ratio(a, b):
        return "-" if a is None or b is None else f"{a / b:.2f}"

    head = ("| B | T | H | B*H | train rnnlab (ms) | train torch (ms) | train ratio | "
            "infer rnnlab (ms) | infer torch (ms) | infer ratio |\n" + "|---" * 10 + "|\n")
    lines = [f"| {r['B']} | {r['T']} | {r['H']} | {r['B'] * r['H']} | {ms(r['train_ours'])} | "
             f"{ms(r['train_torch'])} | {ratio(r['train_ours'], r['train_torch'])} | "
             f"{ms(r['infer_ours'])} | {ms(r['infer_torch'])} | "
             f"{ratio(r['infer_ours'], r['infer_torch'])} |" for r in rows]
    return f"{cell}:\n" + head + "\n".join(lines)


def blas_threads() -> int:
    """The threads NumPy's BLAS runs on: $OPENBLAS_NUM_THREADS (or $OMP_NUM_THREADS) when set,
    else one per CPU; torch gets as many, so both sides compute with the same number.

    Returns
    -------
    int
        The number of threads.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


def versions() -> str:
    """The versions the timings were taken with: NumPy, torch, the CPU count and Python.

    Returns
    -------
    str
        One line, as "numpy 2.1.0, torch 2.5.0, 8 CPU(s), python 3.12.4".
    """
    torch = torch_module()
    tv = torch.__version__ if torch is not None else "not installed"
    return (f"numpy {np.__version__}, torch {tv}, {os.cpu_count()} CPU(s), "
            f"python {sys.version.split()[0]}")


# -- the generated region of docs/speed.md --------------------------------------------------------
BEGIN, END = "<!-- generated by rnnlab bench -->", "<!-- end generated -->"
FLOOR_SIZE = (256, 50, 512)          # the Elman train step against its own matrix multiplies


def page_table(rows: Sequence[dict[str, Any]], cell: str) -> str:
    """A Markdown table of rows timed on both backends: milliseconds of each, and the ratio of
    what "auto" runs to torch.

    Parameters
    ----------
    rows : sequence of dict
        What run returned with backends=("numpy", "compiled").
    cell : str
        The cell, named above the table.

    Returns
    -------
    str
        The table.
    """
    def ms(v):
        return "-" if v is None else f"{v * 1e3:.3g}"

    def ratio(r, k):
        a, b = r.get(f"{k}_ours"), r.get(f"{k}_torch")
        return "-" if a is None or b is None else f"**{a / b:.2f}**"

    cols = ["B", "T", "H", "B*H", "auto runs (train, infer)"] + [
        f"{k} {n}" for k in ("train", "infer")
        for n in ("numpy (ms)", "compiled (ms)", "torch (ms)", "ratio")]
    lines = ["| " + " | ".join(cols) + " |", "|---" * len(cols) + "|"]
    for r in rows:
        cells = [r["B"], r["T"], r["H"], r["B"] * r["H"],
                 f"{r.get('auto', '-')}, {r.get('auto_infer', '-')}"]
        for k in ("train", "infer"):
            cells += [ms(r.get(f"{k}_numpy")), ms(r.get(f"{k}_compiled")), ms(r.get(f"{k}_torch")),
                      ratio(r, k)]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return f"**{cell}**\n\n" + "\n".join(lines)


def matmul_floor(rounds: int = 5, min_time: float = 0.2, seed: int = 0) -> tuple[float, float]:
    """The Elman train step at FLOOR_SIZE against its own matrix multiplies run alone on arrays
    of the same shapes (the model's weights and inputs): the input projection, the W11 product
    of every step, the output layer and its gradients, the backward's W11 product of every step,
    dW0, dW11 and dx. Returns (train seconds, matmul seconds), medians, interleaved.

    Parameters
    ----------
    rounds : int, optional
        How many times each side is timed.
    min_time : float, optional
        The least seconds one timing lasts.
    seed : int, optional
        The seed of the weights and inputs.

    Returns
    -------
    train : float
        Seconds per train step.
    matmul : float
        Seconds of its matrix multiplies alone.
    """
    from .model import RNN
    B, T, H = FLOOR_SIZE
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, T, D_IN)).astype(np.float32)
    Y = rng.standard_normal((B, T, K_OUT)).astype(np.float32)
    model = RNN(D_IN, H, K_OUT, seed=seed)
    W0, W11 = model.params["layers"][0]["W0"], model.params["layers"][0]["W11"]
    W1 = model.params["output"]["W1"]
    f = np.float32
    x = np.ascontiguousarray(X.transpose(1, 0, 2)).reshape(T * B, D_IN)
    hs = np.tanh(rng.standard_normal((T + 1, B, H))).astype(f)        # h(0..T)
    da = (0.1 * rng.standard_normal((T, B, H))).astype(f)
    dy = rng.standard_normal((T * B, K_OUT)).astype(f)
    a, y, dh = np.empty((T, B, H), f), np.empty((T * B, K_OUT), f), np.empty((T * B, H), f)
    dnext = np.empty((B, H), f)
    h2, hp, da2 = hs[1:].reshape(T * B, H), hs[:-1].reshape(T * B, H), da.reshape(T * B, H)

    def matmuls():
        np.matmul(x, W0.T, out=a.reshape(T * B, H))                      # W0 x(t), all t
        for t in range(T):
            np.matmul(hs[t], W11.T, out=a[t])                            # W11 h(t-1)
        np.matmul(h2, W1.T, out=y)                                       # output layer
        dy.T @ h2                                                        # dW1
        np.matmul(dy, W1, out=dh)                                        # dL/dh from the output
        for t in range(T - 1, -1, -1):
            np.matmul(da[t], W11, out=dnext)                             # W11^T da(t)
        da2.T @ x                                                        # dW0
        da2.T @ hp                                                       # dW11
        da2 @ W0                                                         # dx

    train = lambda: model.loss_and_grads(X, Y)                           # noqa: E731
    times: dict[str, list[float]] = {"train": [], "matmul": []}
    for r in range(rounds):
        for key, fn in ([("train", train), ("matmul", matmuls)][::1 if r % 2 else -1]):
            times[key].append(_time(fn, min_time))
    return statistics.median(times["train"]), statistics.median(times["matmul"])


STARTUP = """
import sys, time
t0 = time.perf_counter()
import numpy as np
import rnnlab as rl
rl.set_backend(sys.argv[1])
out = []
for cell in ("elman", "lstm", "gru"):
    t = time.perf_counter()
    for B in (1, 64):
        X = np.zeros((B, 3, 2), np.float32)
        m = rl.RNN(2, 16, 2, cell=cell)
        m.loss_and_grads(X, X)
        m.predict(X)
    out.append(time.perf_counter() - t)
print(" ".join(map(str, out)))
"""


def startup_times() -> dict[str, list[float]]:
    """Seconds per cell for a first training step and prediction (float32, at a size that runs
    the products inside the compiled loop and one that calls BLAS per step) in a new process:
    {"numpy": [...], "first": [...] (compiling, empty cache), "cached": [...]}.

    Returns
    -------
    dict of str to list of float
        The seconds per cell, as above.
    """
    import subprocess
    import tempfile
    env = dict(os.environ)
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        for key, name in (("numpy", "numpy"), ("first", "compiled"), ("cached", "compiled")):
            res = subprocess.run([sys.executable, "-c", STARTUP, name], env=env,
                                 capture_output=True, text=True, check=True)
            out[key] = [float(v) for v in res.stdout.split()]
    return out


def targets(rows_by_cell: dict[str, list[dict[str, Any]]],
            floor: tuple[float, float] | None = None) -> str:
    """The issue's targets as Markdown list items: each with the ratios it covers (what "auto"
    runs against torch) and whether it is met.

    Parameters
    ----------
    rows_by_cell : dict of str to list of dict
        Per cell, what run returned with both backends.
    floor : tuple of float, optional
        What matmul_floor returned; None: its target is left out.

    Returns
    -------
    str
        The list items, one a line.
    """
    def check(text, cell, kind, limit, keep=lambda r: True):
        vals = [r[f"{kind}_ours"] / r[f"{kind}_torch"] for r in rows_by_cell.get(cell, [])
                if keep(r) and r.get(f"{kind}_ours") and r.get(f"{kind}_torch")]
        if not vals:
            return None
        state = "met" if max(vals) <= limit else "**missed**"
        return f"- {text}: {state} (worst {max(vals):.2f}; {', '.join(f'{v:.2f}' for v in vals)})"

    small = lambda r: r["B"] * r["H"] <= 512                              # noqa: E731
    items = [check("Elman train <= 0.05x where B*H <= 512", "elman", "train", 0.05, small),
             check("Elman train <= 0.5x at every size", "elman", "train", 0.5),
             check("LSTM train <= 0.8x at B=32, T=100, H=128", "lstm", "train", 0.8,
                   lambda r: (r["B"], r["T"], r["H"]) == (32, 100, 128)),
             check("LSTM train <= 0.3x at B=1, T=100, H <= 128", "lstm", "train", 0.3,
                   lambda r: r["B"] == 1 and r["H"] <= 128),
             check("LSTM train <= 1.0x at every size", "lstm", "train", 1.0),
             check("GRU train <= 0.5x at every size", "gru", "train", 0.5)]
    for cell in ("elman", "lstm", "gru"):
        items += [check(f"{cell} inference <= 0.8x at every size", cell, "infer", 0.8),
                  check(f"{cell} inference <= 0.2x where B*H <= 512", cell, "infer", 0.2, small)]
    if floor is not None:
        r = floor[0] / floor[1]
        items.append(f"- Elman train step <= 1.25x its own matrix multiplies at B, T, H = "
                     f"{FLOOR_SIZE}: {'met' if r <= 1.25 else '**missed**'} ({r:.2f})")
    return "\n".join(i for i in items if i)


def check_page(page: str | os.PathLike[str]) -> tuple[str, str]:
    """(text before the generated part, text after it) of the file `page`; ValueError unless it
    is a readable file with the BEGIN and END markers in that order.

    Parameters
    ----------
    page : str or os.PathLike
        The page (docs/speed.md).

    Returns
    -------
    before : str
        The text up to the BEGIN marker, included.
    after : str
        The text from the END marker on, included.

    Raises
    ------
    ValueError
        When the page cannot be read or lacks the markers.
    """
    try:
        with open(page, encoding="utf-8") as f:
            old = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"page must be a readable UTF-8 file; {page}: {err}") from None
    i, j = old.find(BEGIN), old.find(END)
    if i < 0 or j < i:
        raise ValueError(f"page {page} must contain the lines {BEGIN} and {END} (in that order)")
    return old[:i + len(BEGIN)], old[j:]


def replace_generated(page: str | os.PathLike[str], text: str) -> None:
    """Write `text` between the BEGIN and END markers of the file `page` (atomically); the rest
    of the page stays as it is.

    Parameters
    ----------
    page : str or os.PathLike
        The page (docs/speed.md).
    text : str
        The new generated part.

    Raises
    ------
    ValueError
        As check_page.
    """
    from .io import atomic_write
    head, tail = check_page(page)
    new = head + "\n" + text.strip() + "\n" + tail
    atomic_write(page, lambda f: f.write(new.encode("utf-8")), overwrite=True)
