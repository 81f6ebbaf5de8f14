"""`rnnlab bench`: speed against PyTorch, as a table of ratios."""
from __future__ import annotations

import argparse
from typing import Any

from .common import count, examples


def add_commands(sub: Any) -> None:
    b = sub.add_parser("bench", help="speed against PyTorch (when installed), as a table of ratios",
                       epilog=examples("rnnlab bench --quick", "rnnlab bench --cell all --rounds 7"))
    b.add_argument("--cell", choices=("elman", "lstm", "gru", "all"), default="elman",
                   help="the cell to time")
    b.add_argument("--quick", action="store_true", help="two small sizes, two rounds")
    b.add_argument("--rounds", type=count(1), default=5, help="timing rounds (the median counts)")
    b.add_argument("--backend", choices=("auto", "numpy", "compiled"), default=None,
                   help="the loops rnnlab times (default: the one in force, $RNNLAB_BACKEND or "
                        "auto); compiled needs rnnlab[fast]")
    b.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    from .. import bench
    from ..nn import backend
    if args.backend is not None:
        backend.set_backend(args.backend)              # ImportError naming the extra: exit 2
    cells = ("elman", "lstm", "gru") if args.cell == "all" else (args.cell,)
    print(f"# {bench.versions()}; rnnlab backend {backend.get_backend()}", flush=True)
    for cell in cells:
        sizes = bench.SIZES_QUICK if args.quick else getattr(bench, f"SIZES_{cell.upper()}",
                                                             bench.SIZES_ELMAN)
        rows = bench.run(cell=cell, sizes=sizes, rounds=2 if args.quick else args.rounds,
                         min_time=0.05 if args.quick else 0.2)
        print(bench.table(rows, cell), flush=True)
    if bench.torch_module() is None:
        print("PyTorch is not installed: rnnlab times only (pip install 'rnnlab[test]' brings it)")
    return 0
