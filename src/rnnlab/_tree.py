"""Parameter trees: nested dicts and lists whose leaves are arrays.

A path names one leaf, e.g. ("layers", 0, "W11"); its string form joins the parts with dots,
"layers.0.W11". Optimizers key their state by these strings and checkpoints store arrays under them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def leaves(tree, prefix=()):
    """Yield (path, array) for every array leaf of `tree`, in a fixed order (dict keys sorted)."""
    if isinstance(tree, dict):
        for key in sorted(tree):
            yield from leaves(tree[key], prefix + (key,))
    elif isinstance(tree, (list, tuple)):
        for i, sub in enumerate(tree):
            yield from leaves(sub, prefix + (i,))
    else:
        yield prefix, tree


def path_str(path: Sequence[str | int]) -> str:
    """("layers", 0, "W11") -> "layers.0.W11"."""
    return ".".join(str(p) for p in path)


def map_tree(fn, tree):
    """A tree of the same structure with fn applied to every leaf."""
    if isinstance(tree, dict):
        return {k: map_tree(fn, v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(map_tree(fn, v) for v in tree)
    return fn(tree)


def zip_map(fn, a, b):
    """fn(leaf_a, leaf_b) over two trees of the same structure."""
    if isinstance(a, dict):
        return {k: zip_map(fn, a[k], b[k]) for k in a}
    if isinstance(a, (list, tuple)):
        return type(a)(zip_map(fn, x, y) for x, y in zip(a, b))
    return fn(a, b)


def global_norm(tree: Any) -> float:
    """sqrt of the sum of squares of every entry of every leaf (as float64)."""
    total = 0.0
    for _, g in leaves(tree):
        total += float(np.sum(np.square(g, dtype=np.float64)))
    return float(np.sqrt(total))
