"""Speed of the gated cells against PyTorch on the CPU: rnnlab's LSTM and GRU (model.loss_and_grads
and model.predict) against torch.nn.LSTM / nn.GRU (fused oneDNN kernels for the LSTM) + nn.Linear,
as Markdown tables of ratios rnnlab / torch: medians over interleaved rounds, one process.

    .venv/bin/python benchmarks/gated.py              # every size of bench.SIZES_GATED, 5 rounds
    .venv/bin/python benchmarks/gated.py --quick      # the two target sizes, 3 rounds
    .venv/bin/python benchmarks/gated.py --cell lstm  # one cell

Targets (issue 5): train ratio <= 1.0 at B=1, T=100, H=128 and <= 1.5 at B=32, T=100, H=128.
The same as `rnnlab bench --cell lstm` / `--cell gru`; see rnnlab/bench.py for what is timed.
"""
import argparse
import sys

from rnnlab import bench

TARGETS = [(1, 100, 128), (32, 100, 128)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="the two target sizes, 3 rounds")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--cell", choices=("lstm", "gru", "both"), default="both")
    args = p.parse_args(argv)
    sizes = TARGETS if args.quick else bench.SIZES_GATED
    print(f"# {bench.versions()}", flush=True)
    for cell in (("lstm", "gru") if args.cell == "both" else (args.cell,)):
        rows = bench.run(cell, sizes=sizes, rounds=3 if args.quick else args.rounds,
                         min_time=0.1 if args.quick else 0.2)
        print(bench.table(rows, cell), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
