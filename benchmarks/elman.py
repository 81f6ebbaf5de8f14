"""Speed of the Elman RNN against torch.nn.RNN + nn.Linear on the CPU (training step and
inference), as a Markdown table of ratios rnnlab / torch: medians over interleaved rounds.

    .venv/bin/python benchmarks/elman.py              # every size, 5 rounds
    .venv/bin/python benchmarks/elman.py --quick      # two small sizes, 2 rounds

The same as `rnnlab bench --cell elman`; see rnnlab/bench.py for what is timed.
"""
import argparse
import sys

from rnnlab import bench


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    sizes = bench.SIZES_QUICK if args.quick else bench.SIZES_ELMAN
    rows = bench.run("elman", sizes=sizes, rounds=2 if args.quick else args.rounds,
                     min_time=0.05 if args.quick else 0.2)
    print(f"# {bench.versions()}")
    print(bench.table(rows, "elman"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
