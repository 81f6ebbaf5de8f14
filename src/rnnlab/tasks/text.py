"""Character-level text: a vocabulary, the pydoc_data corpus, language-model and fill-in-the-blank
data, counting baselines and bits per character.

Vocabulary. Index 0 is UNKNOWN ("\\ufffd"), index 1 is BLANK ("\\u2581", the input symbol that
hides a character in the fill-in task), then the characters of the text it was built from, in
sorted order: V = 2 + number of distinct characters. `encode` maps a character outside the
vocabulary to UNKNOWN (errors="replace") or raises (errors="strict"); decode(encode(s)) == s
for every string s of known characters.

Corpus. The standard library's pydoc_data.topics: the help texts of Python's `help()` topics,
joined in sorted key order with a blank line between them (about 465k characters; the exact text
depends on the Python version). `split_text` cuts it into three contiguous parts, 90 / 5 / 5 %
by default: training first, then validation, then test; no window ever spans two parts.

Language model. Many-to-many, next character: input x(t) = one_hot(c(t)), target c(t+1) as a
class index. Bits per character of a model p on held-out targets c(2..N):

    bpc = -(1/(N-1)) sum_{n=2..N} log2 p(c(n) | c(1..n-1))

Counting baselines, from the training part only, with add-alpha smoothing over the V symbols
(alpha = 1: add-one, Laplace), scored on exactly the same targets as the model:

    unigram  p(c)     = (n(c) + alpha) / (N + alpha V)
    bigram   p(c | b) = (n(b, c) + alpha) / (n(b) + alpha V)

Fill in the blank. A window of T characters in which one run of L consecutive characters is
replaced by BLANK; the model reads the window and must name every hidden character. Targets are
one-hot rows at the blanked steps and all-zero rows elsewhere: with the softmax cross-entropy an
all-zero row contributes neither loss nor gradient, so only the blanks are learned.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import _checks
from .._types import Array, Seed

if TYPE_CHECKING:
    from ..model import RNN

UNKNOWN = "\ufffd"
BLANK = "\u2581"
SPECIALS = (UNKNOWN, BLANK)


class Vocab:
    """Characters <-> indices: 0 is UNKNOWN, 1 is BLANK, then `chars` in the given order.

    The special symbols are skipped where `chars` holds them.

    Parameters
    ----------
    chars : iterable of str
        The characters, in the order of their indices (from 2).
    """

    def __init__(self, chars: Iterable[str]) -> None:
        chars = [c for c in chars if c not in SPECIALS]
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise ValueError(f"chars must be single characters, got {bad[:3]!r}")
        if len(set(chars)) != len(chars):
            raise ValueError("chars must not repeat a character")
        self.symbols = list(SPECIALS) + chars
        self.index = {c: i for i, c in enumerate(self.symbols)}

    @classmethod
    def from_text(cls, text: str, min_count: int = 1) -> "Vocab":
        """The characters that occur at least `min_count` times in `text`, sorted.

        Parameters
        ----------
        text : str
            The text.
        min_count : int
            The fewest occurrences a character needs.

        Returns
        -------
        Vocab
        """
        from collections import Counter
        _checks.check_int(min_count, "min_count", minimum=1)
        return cls(sorted(c for c, n in Counter(text).items() if n >= min_count))

    def __len__(self):
        return len(self.symbols)

    def __repr__(self):
        return f"Vocab({len(self)} symbols)"

    def encode(self, text: str, errors: str = "replace") -> np.ndarray:
        """str (N chars) -> int64 indices (N,). errors="strict" raises on an unknown character.

        Parameters
        ----------
        text : str
            The text.
        errors : {"replace", "strict"}
            Unknown characters become UNKNOWN, or raise.

        Returns
        -------
        ndarray of int64, (N,)
        """
        _checks.check_choice(errors, "errors", ("replace", "strict"))
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        unk = 0 if errors == "replace" else None
        ids = [self.index.get(c, unk) for c in text]
        if errors == "strict" and None in ids:
            n = ids.index(None)
            raise ValueError(f"character {text[n]!r} at position {n} is not in the vocabulary")
        return np.array(ids, dtype=np.int64)

    def check_ids(self, ids: ArrayLike, name: str = "ids") -> np.ndarray:
        """`ids` as an integer array of indices in 0..V-1 (negative indices are refused, never
        read from the end).

        Parameters
        ----------
        ids : array_like of int
            Indices.
        name : str
            What errors call them.

        Returns
        -------
        ndarray of int
        """
        ids = _checks.as_array(ids, name)
        if ids.size and ids.dtype.kind not in "iu":
            raise ValueError(f"{name} must be integers in 0..{len(self) - 1}, got dtype "
                             f"{ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"{name} must be integers in 0..{len(self) - 1}, got values "
                             f"{ids.min()}..{ids.max()}")
        return ids.astype(np.intp)

    def decode(self, ids: ArrayLike) -> str:
        """Indices (any shape, read in order) -> str.

        Parameters
        ----------
        ids : array_like of int
            Indices.

        Returns
        -------
        str

        Examples
        --------
        >>> v = Vocab("ab")
        >>> v.decode(v.encode("abc")) == "ab" + v.symbols[0]
        True
        """
        return "".join(self.symbols[i] for i in self.check_ids(ids).ravel())

    def one_hot(self, ids: ArrayLike, dtype: DTypeLike = np.float32) -> np.ndarray:
        """Indices (...,) -> one-hot rows (..., V).

        Parameters
        ----------
        ids : array_like of int
            Indices (...,).
        dtype : numpy dtype
            The rows' dtype.

        Returns
        -------
        ndarray, (..., V)
        """
        return np.eye(len(self), dtype=dtype)[self.check_ids(ids)]


def load_corpus() -> str:
    """The help texts of pydoc_data.topics, joined in sorted key order (about 465k characters).

    Returns
    -------
    str
    """
    try:
        from pydoc_data.topics import topics
    except ImportError as err:
        raise ImportError("the text corpus comes from the standard library's pydoc_data.topics, "
                          f"which this Python installation lacks ({err})") from None
    return "\n\n".join(topics[k].strip("\n") for k in sorted(topics))


def split_text(text: str, fractions: Sequence[float] = (0.9, 0.05, 0.05)) -> tuple[str, str, str]:
    """Three contiguous parts (train, validation, test) of `text`, in this order.

    Parameters
    ----------
    text : str or sequence
        The text (or its indices).
    fractions : (float, float, float)
        The shares of the three parts.

    Returns
    -------
    train, val, test : str or sequence

    Examples
    --------
    >>> split_text("abcdefghij", (0.6, 0.2, 0.2))
    ('abcdef', 'gh', 'ij')
    """
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or (f <= 0).any() or abs(f.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {fractions}")
    n = len(text)
    a, b = int(n * f[0]), int(n * (f[0] + f[1]))
    return text[:a], text[a:b], text[b:]


def lm_windows(ids: ArrayLike, seq_len: int, *, n_windows: int | None = None,
               random_state: Seed | None = None) -> tuple[Array, Array]:
    """Next-character pairs from non-overlapping windows of `ids`.

    Returns inputs (N, T) and targets (N, T) as indices: targets[i, t] is the character that
    follows inputs[i, t] in the text. n_windows: a random subset of at most that many windows
    (kept in text order).

    Parameters
    ----------
    ids : array_like of int, (N,)
        The text as indices.
    seq_len : int
        The window length T.
    n_windows : int, optional
        Keep a random subset of at most this many windows.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    inputs, targets : ndarray of int, (N, T)

    Examples
    --------
    >>> x, y = lm_windows(np.arange(10), 4)
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2, 3], [4, 5, 6, 7]], [[1, 2, 3, 4], [5, 6, 7, 8]])
    """
    ids = _checks.as_array(ids, "ids", ndim=1)
    T = _checks.check_int(seq_len, "seq_len", minimum=1)
    if n_windows is not None:
        n_windows = _checks.check_int(n_windows, "n_windows", minimum=1)
    rng = _checks.check_random_state(random_state)
    n = (len(ids) - 1) // T
    if n < 1:
        raise ValueError(f"the text ({len(ids)} characters) is too short for seq_len={T}")
    starts = np.arange(n) * T
    if n_windows is not None and n_windows < n:
        starts = np.sort(rng.choice(starts, size=n_windows, replace=False))
    take = starts[:, None] + np.arange(T)                     # (N, T)
    return ids[take], ids[take + 1]


def streams(ids: ArrayLike, n_streams: int) -> tuple[Array, Array]:
    """The whole text as n_streams long contiguous sequences: inputs (B, L), targets (B, L).

    Every target c(n), n >= 2, is scored exactly once (up to n_streams - 1 dropped at the end).

    Parameters
    ----------
    ids : array_like of int, (N,)
        The text as indices.
    n_streams : int
        The number of sequences B.

    Returns
    -------
    inputs, targets : ndarray of int, (B, L)
    """
    ids = _checks.as_array(ids, "ids", ndim=1)
    B = _checks.check_int(n_streams, "n_streams", minimum=1)
    L = (len(ids) - 1) // B
    if L < 1:
        raise ValueError(f"the text ({len(ids)} characters) is too short for {B} streams")
    return ids[:B * L].reshape(B, L), ids[1:B * L + 1].reshape(B, L)


def unigram(train_ids: ArrayLike, n_symbols: int, alpha: float = 1.0) -> np.ndarray:
    """log2 p(c) (V,) with add-alpha smoothing: (n(c) + alpha) / (N + alpha V).

    Parameters
    ----------
    train_ids : array_like of int
        The training text as indices.
    n_symbols : int
        V.
    alpha : float
        The smoothing count.

    Returns
    -------
    ndarray, (V,)
        log2 p(c).
    """
    ids, n_symbols, alpha = _counting_args(train_ids, n_symbols, alpha)
    counts = np.bincount(ids, minlength=n_symbols).astype(float)
    return np.log2((counts + alpha) / (counts.sum() + alpha * n_symbols))


def bigram(train_ids: ArrayLike, n_symbols: int, alpha: float = 1.0) -> np.ndarray:
    """log2 p(c | b) (V, V), row b: (n(b, c) + alpha) / (n(b) + alpha V).

    Parameters
    ----------
    train_ids : array_like of int
        The training text as indices.
    n_symbols : int
        V.
    alpha : float
        The smoothing count.

    Returns
    -------
    ndarray, (V, V)
        log2 p(c | b), row b.
    """
    ids, n_symbols, alpha = _counting_args(train_ids, n_symbols, alpha)
    pair = ids[:-1] * n_symbols + ids[1:]
    counts: Array = np.bincount(pair, minlength=n_symbols ** 2).reshape(n_symbols, n_symbols)
    counts = counts.astype(float) + alpha
    return np.log2(counts / counts.sum(axis=1, keepdims=True))


def _counting_args(train_ids, n_symbols, alpha):
    """(ids, n_symbols, alpha) for the counting baselines, checked: indices in 0..V-1, alpha > 0."""
    n_symbols = _checks.check_int(n_symbols, "n_symbols", minimum=1)
    alpha = _checks.check_float(alpha, "alpha", positive=True)
    ids = _checks.as_array(train_ids, "train_ids", ndim=1)
    if ids.size and (ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= n_symbols):
        raise ValueError(f"train_ids must be integers in 0..{n_symbols - 1}, got {ids.dtype} "
                         f"values {ids.min()}..{ids.max()}")
    return ids.astype(np.intp), n_symbols, alpha


def log2_probs(model: RNN, vocab: Vocab, inputs: ArrayLike, targets: ArrayLike) -> np.ndarray:
    """log2 p(target) (B, L) that a softmax model assigns, reading inputs (B, L) from h = 0.

    Parameters
    ----------
    model : RNN
        A softmax character model over `vocab`.
    vocab : Vocab
        Its vocabulary.
    inputs, targets : ndarray of int, (B, L)
        Indices.

    Returns
    -------
    ndarray, (B, L)
    """
    p = model.predict(vocab.one_hot(inputs, model.dtype))     # (B, L, V)
    pt = np.take_along_axis(p, np.asarray(targets)[..., None], axis=-1)[..., 0]
    return np.log2(np.maximum(pt.astype(np.float64), np.finfo(np.float64).tiny))


def bpc_table(model: RNN, vocab: Vocab, train_ids: ArrayLike, heldout_ids: ArrayLike, *,
              n_streams: int = 16, alpha: float = 1.0) -> dict:
    """Bits per character on held-out text: unigram, bigram and the model, on the same targets.

    Parameters
    ----------
    model : RNN
        A softmax character model over `vocab`.
    vocab : Vocab
        Its vocabulary.
    train_ids : array_like of int
        The training text (for the n-gram baselines).
    heldout_ids : array_like of int
        The held-out text.
    n_streams : int
        The number of sequences the held-out text is read as.
    alpha : float
        The n-grams' smoothing count.

    Returns
    -------
    dict
        Bits per character by model name.
    """
    inp, tgt = streams(heldout_ids, n_streams)
    V = len(vocab)
    out = {"unigram": -unigram(train_ids, V, alpha)[tgt].mean(),
           "bigram": -bigram(train_ids, V, alpha)[inp, tgt].mean()}
    if model is not None:
        out["rnn"] = -log2_probs(model, vocab, inp, tgt).mean()
    return {k: float(v) for k, v in out.items()}


def sample(model: RNN, vocab: Vocab, prompt: str, n_chars: int, *, temperature: float = 1.0,
           random_state: Seed | None = None) -> str:
    """`n_chars` characters drawn one at a time after `prompt` (the prompt is not returned).

    p(c) ∝ p_model(c | prefix)^(1/temperature): below 1 sharper, above 1 flatter. The model reads
    the prompt once, then one character per step, carrying its state (predict with h0 and
    return_state). An empty prompt starts from a newline.

    Parameters
    ----------
    model : RNN
        A softmax character model over `vocab`.
    vocab : Vocab
        Its vocabulary.
    prompt : str
        The start.
    n_chars : int
        The number of characters drawn.
    temperature : float
        Below 1 sharper, above 1 flatter.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    str
    """
    temperature = _checks.check_float(temperature, "temperature", positive=True)
    n_chars = _checks.check_int(n_chars, "n_chars", minimum=0)
    rng = _checks.check_random_state(random_state)
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    ids = vocab.encode(prompt if prompt else "\n")
    y, state = model.predict(vocab.one_hot(ids[None], model.dtype), return_state=True)
    out = []
    for _ in range(n_chars):
        logits = np.log(np.maximum(y[0, -1].astype(np.float64), 1e-300)) / temperature
        q = np.exp(logits - logits.max())                                  # (V,)
        out.append(int(rng.choice(len(q), p=q / q.sum())))
        x = vocab.one_hot(np.array([[out[-1]]]), model.dtype)              # (1, 1, V)
        y, state = model.predict(x, h0=state, return_state=True)
    return vocab.decode(np.array(out, dtype=np.int64))


def blank_windows(ids: ArrayLike, seq_len: int, n: int, *, n_blanks: int = 1, min_blank: int = 1,
                  max_blank: int = 5, min_context: int = 4,
                  random_state: Seed | None = None) -> tuple[Array, Array, Array]:
    """Windows with blank runs, drawn at random from `ids`.

    Returns inputs (n, T) with BLANK at the hidden steps, the true characters (n, T) and the
    blank mask (n, T) bool. The window is cut into `n_blanks` equal segments, each holding one
    run of L characters, L uniform in min_blank..max_blank, with at least `min_context` visible
    characters on each side of it inside its segment.

    Parameters
    ----------
    ids : array_like of int
        The text as indices.
    seq_len : int
        The window length T.
    n : int
        The number of windows.
    n_blanks : int
        Blank runs per window.
    min_blank, max_blank : int
        The range of a run's length L.
    min_context : int
        Visible characters on each side of a run.
    random_state : None, int or numpy.random.Generator
        The generator.

    Returns
    -------
    inputs : ndarray of int, (n, T)
        BLANK at the hidden steps.
    truth : ndarray of int, (n, T)
    blanks : ndarray of bool, (n, T)
    """
    ids = _checks.as_array(ids, "ids", ndim=1)
    T = _checks.check_int(seq_len, "seq_len", minimum=1)
    n = _checks.check_int(n, "n", minimum=1)
    S = T // _checks.check_int(n_blanks, "n_blanks", minimum=1)              # segment length
    min_blank = _checks.check_int(min_blank, "min_blank", minimum=1)
    max_blank = _checks.check_int(max_blank, "max_blank", minimum=1)
    min_context = _checks.check_int(min_context, "min_context", minimum=0)
    if not 1 <= min_blank <= max_blank or max_blank + 2 * min_context > S:
        raise ValueError(f"need 1 <= min_blank <= max_blank and max_blank + 2 min_context <= "
                         f"seq_len / n_blanks; got {min_blank}, {max_blank}, {min_context}, "
                         f"{T} / {n_blanks}")
    if len(ids) < T:
        raise ValueError(f"the text ({len(ids)} characters) is shorter than seq_len={T}")
    rng = _checks.check_random_state(random_state)
    starts = rng.integers(0, len(ids) - T + 1, size=n)
    truth = ids[starts[:, None] + np.arange(T)]                          # (n, T)
    length = rng.integers(min_blank, max_blank + 1, size=(n, n_blanks, 1))
    room = S - 2 * min_context - length + 1                               # places for the run
    first = min_context + (rng.random((n, n_blanks, 1)) * room).astype(int)
    first += S * np.arange(n_blanks)[:, None]                             # (n, n_blanks, 1)
    steps = np.arange(T)
    blanks = ((steps >= first) & (steps < first + length)).any(axis=1)   # (n, T)
    return np.where(blanks, SPECIALS.index(BLANK), truth), truth, blanks  # type: ignore[return-value]  # any(axis=1) of (n, k, T) is an array


def blank_targets(vocab: Vocab, truth: ArrayLike, blanks: Array,
                  dtype: DTypeLike = np.float32) -> np.ndarray:
    """One-hot targets (n, T, V) at the blanked steps, all-zero rows elsewhere (no loss there).

    Parameters
    ----------
    vocab : Vocab
        Its vocabulary.
    truth : ndarray of int, (n, T)
        The true characters.
    blanks : ndarray of bool, (n, T)
        The hidden steps.
    dtype : numpy dtype
        The targets' dtype.

    Returns
    -------
    ndarray, (n, T, V)
    """
    return vocab.one_hot(truth, dtype) * blanks[..., None]


def fill(model: RNN, vocab: Vocab, inputs: ArrayLike) -> np.ndarray:
    """The model's most probable character at every step: (n, T) indices from inputs (n, T).

    Parameters
    ----------
    model : RNN
        A softmax character model over `vocab`.
    vocab : Vocab
        Its vocabulary.
    inputs : ndarray of int, (n, T)
        Indices, BLANK at the hidden steps.

    Returns
    -------
    ndarray of int, (n, T)
    """
    return model.predict(vocab.one_hot(inputs, model.dtype)).argmax(axis=-1)


def blank_accuracy(pred: ArrayLike, truth: ArrayLike, blanks: Array) -> tuple[float, float]:
    """(character accuracy over all blanked steps, fraction of windows whose blanks are all right).

    With one blank per window the second number is the whole-blank exact match.

    Parameters
    ----------
    pred, truth : ndarray of int, (n, T)
        Filled and true characters.
    blanks : ndarray of bool, (n, T)
        The hidden steps.

    Returns
    -------
    chars, windows : float

    Examples
    --------
    >>> b = np.array([[False, True, True]])
    >>> blank_accuracy(np.array([[7, 1, 2]]), np.array([[0, 1, 3]]), b)
    (0.5, 0.0)
    """
    right = (np.asarray(pred) == np.asarray(truth)) | ~blanks
    return float(right[blanks].mean()), float(right.all(axis=1).mean())


def fill_text(model: RNN, vocab: Vocab, text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the ranges `spans` [(start, stop), ...] hidden, then filled by the model.

    Parameters
    ----------
    model : RNN
        A softmax character model over `vocab`.
    vocab : Vocab
        Its vocabulary.
    text : str
        The text.
    spans : list of (int, int)
        The hidden ranges.

    Returns
    -------
    str
    """
    hidden = vocab.encode(text)
    for a, b in spans:
        hidden[a:b] = SPECIALS.index(BLANK)
    pred = fill(model, vocab, hidden[None])[0]
    chars = list(text)
    for a, b in spans:
        chars[a:b] = vocab.decode(pred[a:b])
    return "".join(chars)
