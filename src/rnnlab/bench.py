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
    """PyTorch when installed, else None (the benchmark then times rnnlab alone)."""
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
        min_time: float = 0.2, threads: int | None = None,
        stream: TextIO | None = None) -> list[dict[str, Any]]:
    """Time every size; return rows {B, T, H, train_ours, train_torch, infer_ours, infer_torch} (s)."""
    stream = stream or sys.stderr
    torch = torch_module()
    threads = threads or os.cpu_count() or 1
    if torch is not None:
        torch.set_num_threads(threads)
    sizes = sizes or SIZES_ELMAN
    setups = {s: _setups(cell, *s, torch) for s in sizes}
    times: dict[tuple[int, int, int], dict[str, list[float]]]
    times = {s: {k: [] for k in ("train_ours", "train_torch", "infer_ours", "infer_torch")}
             for s in sizes}
    for r in range(rounds):
        for i, s in enumerate(sizes):
            ot, oi, tt, ti = setups[s]
            pairs = [("train_ours", ot), ("train_torch", tt), ("infer_ours", oi), ("infer_torch", ti)]
            if (r + i) % 2:                                # alternate who goes first
                pairs = [pairs[1], pairs[0], pairs[3], pairs[2]]
            for key, fn in pairs:
                if fn is not None:
                    times[s][key].append(_time(fn, min_time))
        stream.write(f"  round {r + 1}/{rounds} done\n")
        stream.flush()
    rows = []
    for (B, T, H) in sizes:
        row: dict[str, Any] = {"B": B, "T": T, "H": H}
        for k, v in times[(B, T, H)].items():
            row[k] = statistics.median(v) if v else None
        rows.append(row)
    return rows


def table(rows: Sequence[dict[str, Any]], cell: str = "elman") -> str:
    """A Markdown table of the rows, with the ratios rnnlab / torch."""
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


def versions() -> str:
    torch = torch_module()
    tv = torch.__version__ if torch is not None else "not installed"
    return (f"numpy {np.__version__}, torch {tv}, {os.cpu_count()} CPU(s), "
            f"python {sys.version.split()[0]}")
