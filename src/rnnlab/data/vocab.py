"""Vocabularies of characters or words, with an unknown symbol."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import _checks
from .._types import Array

UNKNOWN = "<unk>"
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class Vocabulary:
    """Symbols (characters or words) <-> indices; index 0 is the unknown symbol.

    Parameters
    ----------
    symbols : list of str
        The known symbols, in index order from 1 (no repeats; the unknown symbol is added).
    level : {"char", "word"}
        How text is split: into characters, or into words and punctuation marks.

    Examples
    --------
    >>> v = Vocabulary.from_text("abba cab", level="char")
    >>> v.decode(v.encode("abz"))
    'ab<unk>'
    """

    def __init__(self, symbols: Iterable[str], level: str = "char") -> None:
        self.level = _checks.check_choice(level, "level", ("char", "word"))
        symbols = list(symbols)
        bad = [s for s in symbols if not isinstance(s, str) or not s
               or (level == "char" and len(s) != 1)]
        if bad:
            what = "single characters" if level == "char" else "non-empty strings"
            raise ValueError(f"symbols must be {what}, got {bad[:3]!r}")
        if UNKNOWN in symbols or len(set(symbols)) != len(symbols):
            raise ValueError(f"symbols must not repeat a symbol or contain {UNKNOWN!r}")
        self.symbols = [UNKNOWN] + symbols
        self.index = {s: i for i, s in enumerate(self.symbols)}

    @classmethod
    def from_text(cls, text: str, level: str = "char", min_count: int = 1,
                  max_size: int | None = None) -> "Vocabulary":
        """The symbols of `text` that occur at least `min_count` times, most frequent first (ties
        in first-occurrence order), at most `max_size` of them (the unknown symbol excluded).

        Parameters
        ----------
        text : str
            The text.
        level : {"char", "word"}
            Characters, or words and punctuation marks.
        min_count : int
            The fewest occurrences a symbol needs.
        max_size : int, optional
            The most symbols kept.

        Returns
        -------
        Vocabulary
        """
        _checks.check_choice(level, "level", ("char", "word"))
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        _checks.check_int(min_count, "min_count", minimum=1)
        if max_size is not None:
            _checks.check_int(max_size, "max_size", minimum=1)
        counts = Counter(tokenize(text, level))
        kept = [s for s, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= min_count]
        return cls(kept[:max_size], level=level)

    def __len__(self):
        return len(self.symbols)

    def __repr__(self):
        return f"Vocabulary({len(self)} {self.level} symbols incl. {UNKNOWN})"

    def encode(self, text: str | Sequence[str], errors: str = "replace") -> np.ndarray:
        """Text (or a list of symbols) -> int64 indices; unknown symbols -> 0, or a ValueError
        naming the symbol and its position when errors="strict".

        Parameters
        ----------
        text : str or list of str
            The text, or its symbols.
        errors : {"replace", "strict"}
            Unknown symbols become 0, or raise.

        Returns
        -------
        ndarray of int64

        Raises
        ------
        ValueError
            With ``errors="strict"``, naming an unknown symbol and its position.
        """
        _checks.check_choice(errors, "errors", ("replace", "strict"))
        if isinstance(text, str):
            tokens = tokenize(text, self.level)
        elif isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
            tokens = list(text)
        else:
            raise TypeError(f"text must be a str or a list of str, got {type(text).__name__}")
        ids = np.fromiter((self.index.get(t, 0) for t in tokens), dtype=np.int64,
                          count=len(tokens))
        if errors == "strict" and (ids == 0).any():
            n = int(np.argmax(ids == 0))
            raise ValueError(f"symbol {tokens[n]!r} at position {n} is not in the vocabulary")
        return ids

    def decode(self, ids: ArrayLike) -> str:
        """Indices -> text (words joined by spaces).

        Parameters
        ----------
        ids : array_like of int
            Indices.

        Returns
        -------
        str
        """
        ids = self._ids(ids)
        sep = "" if self.level == "char" else " "
        return sep.join(self.symbols[i] for i in ids.ravel())

    def one_hot(self, ids: ArrayLike, dtype: DTypeLike = np.float32) -> np.ndarray:
        """Indices (any shape) -> one-hot vectors (shape + (len(self),)).

        Parameters
        ----------
        ids : array_like of int
            Indices, any shape.
        dtype : numpy dtype
            The vectors' dtype.

        Returns
        -------
        ndarray
            shape + (len(self),).

        Examples
        --------
        >>> Vocabulary(["a", "b"]).one_hot([2, 0]).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
        """
        ids = self._ids(ids)
        return np.eye(len(self), dtype=dtype)[ids]

    def _ids(self, ids: ArrayLike) -> Array:
        arr = np.asarray(ids)
        if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
            raise TypeError(f"ids must be integers, got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
        if arr.size and (arr.min() < 0 or arr.max() >= len(self)):
            bad = arr[(arr < 0) | (arr >= len(self))].ravel()[0]
            raise ValueError(f"ids must lie in 0..{len(self) - 1}, got {bad}")
        return arr


def tokenize(text: str, level: str = "char") -> list:
    """Characters of `text`, or its words and punctuation marks (level="word").

    Parameters
    ----------
    text : str
        The text.
    level : {"char", "word"}
        Characters, or words and punctuation marks.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("Hi, you.", level="word")
    ['Hi', ',', 'you', '.']
    """

    _checks.check_choice(level, "level", ("char", "word"))
    return list(text) if level == "char" else _WORD.findall(text)
