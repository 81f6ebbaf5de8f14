"""The `rnnlab` command. main(argv=None) -> exit status."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    p = argparse.ArgumentParser(prog="rnnlab", description="Recurrent neural networks from first "
                                "principles: the lecture's experiments, training and evaluation.")
    p.add_argument("--version", action="version", version=f"rnnlab {__version__}")
    p.add_subparsers(dest="command", metavar="COMMAND")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
    return 0
