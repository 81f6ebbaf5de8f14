"""`rnnlab sample`: text from a character model trained with `rnnlab train --text`.

The prompt runs through the model once (a stateful predict keeps its final state); then each
new character is drawn from the softmax at temperature T, p_i proportional to p_i^(1/T) (the
unknown symbol is never drawn), and fed back one step at a time from the carried state.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
import argparse
from typing import TYPE_CHECKING, Any

import numpy as np

from . import formats
from .common import UsageError, count, examples, folder, positive_float
from .train import load_model

if TYPE_CHECKING:
    from ..model import RNN


def add_commands(sub: Any) -> None:
    s = sub.add_parser("sample", help="generate text from a character model (train --text)",
                       epilog=examples('rnnlab sample runs/chars --prompt "The " --length 200',
                                       'rnnlab sample runs/chars --prompt "a" --temperature 0.5 '
                                       '--seed 3'))
    s.add_argument("run", type=folder, metavar="RUN", help="the run folder of train --text")
    s.add_argument("--prompt", required=True, help="the text to continue (at least one character)")
    s.add_argument("--length", type=count(0), default=200, help="characters to generate")
    s.add_argument("--temperature", type=positive_float, default=1.0,
                   help="> 0: below 1 sharper, above 1 more random")
    s.add_argument("--seed", type=count(0), default=None, help="seed of the draws (default: "
                   "fresh randomness)")
    s.add_argument("--json", action="store_true", help="print {\"prompt\", \"text\"} as JSON")
    s.set_defaults(func=cmd_sample)


def generate(model: RNN, vocab: Any, prompt: str, length: int, temperature: float,
             rng: np.random.Generator) -> str:
    """`length` characters after `prompt`, drawn from `model` at `temperature`."""
    ids = vocab.encode(prompt)
    model.reset_state()
    y = model.predict(vocab.one_hot(ids[None, :]), stateful=True)[0, -1]     # (V,)
    out = []
    for _ in range(length):
        logits = np.log(np.maximum(y.astype(np.float64), 1e-300)) / temperature
        logits[0] = -np.inf                                 # never the unknown symbol
        p = np.exp(logits - logits.max())
        nxt = int(rng.choice(len(p), p=p / p.sum()))
        out.append(nxt)
        y = model.predict(vocab.one_hot(np.array([[nxt]])), stateful=True)[0, -1]
    model.reset_state()
    return vocab.decode(np.array(out, dtype=np.int64))


def cmd_sample(args: argparse.Namespace) -> int:
    if not args.prompt:
        raise UsageError("rnnlab sample: error: --prompt must hold at least one character")
    vocab = formats.read_vocab(Path(args.run), "sample")
    model = load_model(Path(args.run))
    if (model.n_in, model.n_out, model.output) != (len(vocab), len(vocab), "softmax") or \
            model.mapping.name != "many-to-many" or model.bidirectional:
        raise UsageError(f"rnnlab sample: error: {args.run} is not a character model of its "
                         f"{formats.VOCAB} ({len(vocab)} symbols): the model is {model!r}")
    unknown = sorted({c for c in args.prompt if c not in vocab.index})
    if unknown:
        print(f"rnnlab sample: warning: the prompt's {''.join(unknown)!r} are not in the "
              f"vocabulary; read as the unknown symbol", file=sys.stderr)
    text = generate(model, vocab, args.prompt, args.length, args.temperature,
                    np.random.default_rng(args.seed))
    if args.json:
        print(json.dumps({"prompt": args.prompt, "text": text}))
    else:
        print(args.prompt + text)
    return 0
