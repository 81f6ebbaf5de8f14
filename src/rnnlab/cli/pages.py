"""`rnnlab docs-results`: the tour's tables in docs/results.md, regenerated from a tour's output."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import UsageError, command_line, examples, folder


def add_commands(sub: Any) -> None:
    p = sub.add_parser("docs-results", help="regenerate the tables of docs/results.md from the "
                       "output folder of `rnnlab tour --out RUN_DIR`",
                       epilog=examples("rnnlab tour --out run && rnnlab docs-results run "
                                       "--page docs/results.md"))
    p.add_argument("run_dir", type=folder, help="the folder `rnnlab tour --out` wrote")
    p.add_argument("--page", type=Path, default=Path("docs/results.md"),
                   help="the page whose generated region is replaced (default: docs/results.md)")
    p.set_defaults(func=cmd_docs_results)


def cmd_docs_results(args: argparse.Namespace) -> int:
    from ..experiments import pages
    if not args.page.is_file():
        raise UsageError(f"rnnlab docs-results: error: argument --page: {args.page} is not a "
                         f"file")
    pages.write_results_page(args.run_dir, args.page, command=command_line(args))
    print(f"{args.page}: tables regenerated from {args.run_dir}")
    return 0
