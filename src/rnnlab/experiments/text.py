"""Text: a character-level language model and filling in blanks from both sides.

The lecture's first dynamic signal is text, whose meaning depends on what came before and on
what comes after: "The Taj ____ was commissioned by Shah Jahan in 1631 ...". The corpus is the
English help text every Python installation ships (pydoc_data.topics), split in order into 90 %
training, 5 % validation and 5 % test text.

- Language model: an Elman RNN reads one character per step and predicts the next (many-to-many,
  softmax over the vocabulary). Bits per character on the held-out text are compared with a
  unigram and a bigram counting model (add-one smoothing, counted on the training text); text is
  sampled from the trained model at three temperatures.
- Fill in the blank: windows of text with runs of 1 to 5 characters replaced by a blank symbol
  (three runs per training window, one per held-out window). A bidirectional RNN (reading left
  and right context) and a forward-only RNN of the same hidden size predict each hidden
  character; character accuracy and whole-blank exact match on held-out blanks show what the
  future context adds. Both fill the lecture's Taj Mahal sentence.
"""
from __future__ import annotations

import re
import time
from typing import Any

import numpy as np

from .. import plots
from . import Claim, Figure, Result, Table

NAME = "text"
TITLE = "Text: character language model and fill-in-the-blank"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SETTINGS = {
    True: {"lm": {"hidden": 64, "T": 48, "windows": 1500, "rounds": 6, "lr": 0.005},
           "blank": {"hidden": 64, "T": 48, "n_blanks": 3, "windows": 1500, "rounds": 6,
                     "lr": 0.005},
           "n_test_blanks": 600, "sample_chars": 160},
    False: {"lm": {"hidden": 160, "T": 64, "windows": 2000, "rounds": 16, "lr": 0.004},
            "blank": {"hidden": 96, "T": 48, "n_blanks": 3, "windows": 2500, "rounds": 14,
                      "lr": 0.005},
            "n_test_blanks": 2000, "sample_chars": 300},
}
BATCH, CLIP, MAX_BLANK, TEST_T = 32, 5.0, 5, 32
TEMPERATURES = (0.5, 0.8, 1.0)
# the check that the language model has learned words: WORDS["samples"] samples of WORDS["chars"]
# characters at WORDS["temperature"]; of their words of WORDS["letters"] or more letters, at
# least WORDS["rate"] must be words of the training text. Seed 0: the full run's model 0.43
# (single samples 0.17 .. 0.51), the quick run's 0.18, the bigram model's samples 0.05.
WORDS: dict[str, Any] = {"temperature": 0.8, "samples": 10, "chars": 300, "letters": 3, "rate": 0.3}
PROMPT = "The "
TAJ = ("The Taj Mahal was commissioned by Shah Jahan in 1631, to be built in the memory of his "
       "wife Mumtaz Mahal, who died on 17 June that year, giving birth to their 14th child, "
       "Gauhara Begum. Construction started in 1632, and the mausoleum was completed in 1643.")
TAJ_BLANKS = (("Taj ", "Mahal"), ("of ", "his"), ("completed ", "in"))   # (text before, hidden)


def _corpus():
    """(vocab, {"train", "val", "test"} -> indices) of the pydoc_data corpus."""
    from ..tasks import text as tx
    train, val, test = tx.split_text(tx.load_corpus())
    vocab = tx.Vocab.from_text(train)
    return vocab, {k: vocab.encode(s) for k, s in (("train", train), ("val", val),
                                                    ("test", test))}


def _train_rounds(model, draw, cfg, seed, progress, after_round=None):
    """Train for cfg["rounds"] rounds, each one epoch on freshly drawn data (X, Y).

    The Adam state carries over between rounds. Returns (losses per round, characters per second).
    """
    from .. import optim
    opt = optim.Adam(lr=cfg["lr"])
    losses, chars, secs = [], 0, 0.0
    for r in range(cfg["rounds"]):
        X, Y = draw(np.random.default_rng([seed, r]))
        t0 = time.perf_counter()
        hist = model.fit(X, Y, optimizer=opt, epochs=1, batch_size=BATCH, clip_norm=CLIP,
                         seed=np.random.default_rng([seed, r]), progress=progress)
        secs += time.perf_counter() - t0
        chars += X.shape[0] * X.shape[1]
        losses.append(hist.loss[-1])
        if after_round is not None:
            after_round(model)
    return losses, chars / secs


def _language_model(vocab, ids, cfg, seed, progress):
    """Train the LM; returns (model, validation bpc per round, chars/s)."""
    from .. import RNN
    from ..tasks import text as tx
    c = cfg["lm"]
    model = RNN(len(vocab), c["hidden"], len(vocab), output="softmax", seed=seed)
    val_in, val_tgt = tx.streams(ids["val"], 16)
    curve = []

    def draw(rng):
        offset = int(rng.integers(c["T"]))
        X, Y = tx.lm_windows(ids["train"][offset:], c["T"], n_windows=c["windows"],
                             random_state=rng)
        return vocab.one_hot(X), Y

    def after_round(m):
        curve.append(float(-tx.log2_probs(m, vocab, val_in, val_tgt).mean()))

    _, speed = _train_rounds(model, draw, c, seed, progress, after_round)
    return model, curve, speed


def _bpc_table(model, vocab, ids, curve, speed, cfg):
    from ..tasks import text as tx
    val = tx.bpc_table(model, vocab, ids["train"], ids["val"])
    test = tx.bpc_table(model, vocab, ids["train"], ids["test"])
    rows = [["unigram (add-one)", val["unigram"], test["unigram"], len(vocab) - 1, None],
            ["bigram (add-one)", val["bigram"], test["bigram"], len(vocab) * (len(vocab) - 1),
             None],
            [f"Elman RNN, H = {model.n_hidden}", val["rnn"], test["rnn"], model.n_params,
             round(speed)]]
    c = cfg["lm"]
    note = (f"Vocabulary of {len(vocab)} symbols (2 special); {len(ids['train'])} training, "
            f"{len(ids['val'])} validation, {len(ids['test'])} test characters. The RNN trained "
            f"for {c['rounds']} rounds of {c['windows']} windows of {c['T']} characters (Adam lr "
            f"{c['lr']}, batch {BATCH}, clip {CLIP}); held-out text is read as 16 long streams. "
            f"Validation bpc after each round: {', '.join(f'{b:.3f}' for b in curve)}.")
    return Table("Bits per character on held-out text (lower is better)",
                 ["model", "validation bpc", "test bpc", "free parameters",
                  "training speed (chars/s)"], rows, note), val, test


def _blank_models(vocab, ids, cfg, seed, progress):
    """Train the bidirectional and the forward-only blank fillers: {name: (model, speed)}."""
    from .. import RNN
    from ..tasks import text as tx
    c = cfg["blank"]

    def draw(rng):
        X, truth, blanks = tx.blank_windows(ids["train"], c["T"], c["windows"],
                                            n_blanks=c["n_blanks"], max_blank=MAX_BLANK,
                                            random_state=rng)
        return vocab.one_hot(X), tx.blank_targets(vocab, truth, blanks)

    out = {}
    for name, bi in (("bidirectional", True), ("forward only", False)):
        model = RNN(len(vocab), c["hidden"], len(vocab), output="softmax", bidirectional=bi,
                    seed=seed)
        _, speed = _train_rounds(model, draw, c, seed, progress)
        out[name] = (model, speed)
    return out


def _blank_tables(models, vocab, ids, cfg, seed):
    """The accuracy table, exact match per blank length, and the held-out set's size."""
    from ..tasks import text as tx
    c = cfg["blank"]
    X, truth, blanks = tx.blank_windows(ids["test"], TEST_T, cfg["n_test_blanks"],
                                        max_blank=MAX_BLANK, random_state=[seed, 10 ** 6])
    lengths = blanks.sum(axis=1)
    common = np.bincount(ids["train"], minlength=len(vocab)).argmax()
    rows = [[f"most frequent character ({vocab.symbols[common]!r})", None, None,
             *tx.blank_accuracy(np.full_like(truth, common), truth, blanks), None]]
    by_length = {}
    for name, (model, speed) in models.items():
        pred = tx.fill(model, vocab, X)
        rows.append([name, model.n_hidden, model.n_params, *tx.blank_accuracy(pred, truth, blanks),
                     round(speed)])
        by_length[name] = [tx.blank_accuracy(pred[lengths == L], truth[lengths == L],
                                             blanks[lengths == L])[1]
                           for L in range(1, MAX_BLANK + 1)]
    note = (f"{cfg['n_test_blanks']} held-out windows of {TEST_T} characters from the test text, "
            f"one blank of 1-{MAX_BLANK} characters each, at least 4 visible characters on each "
            f"side. Both RNNs: H = {c['hidden']} per direction, trained for {c['rounds']} rounds "
            f"of {c['windows']} fresh windows of {c['T']} characters from the training text with "
            f"{c['n_blanks']} blanks each, Adam lr {c['lr']}.")
    table = Table("Fill in the blank on held-out text",
                  ["model", "hidden units", "parameters", "character accuracy", "exact match",
                   "training speed (chars/s)"], rows, note)
    return table, by_length


def _bracket(text, spans):
    """`text` with each span shown as [...], newlines as \u23ce (for a one-line table cell)."""
    out, at = [], 0
    for a, b in spans:
        out += [text[at:a], "[", text[a:b], "]"]
        at = b
    return "".join(out + [text[at:]]).replace("\n", "\u23ce")


def _taj_table(models, vocab):
    """The lecture's sentence with three blanks, filled by both models."""
    from ..tasks import text as tx
    spans = []
    for before, word in TAJ_BLANKS:
        start = TAJ.index(before + word) + len(before)
        spans.append((start, start + len(word)))
    hidden = list(TAJ)
    for a, b in spans:
        hidden[a:b] = "_" * (b - a)
    rows = [["with blanks", _bracket("".join(hidden), spans)]]
    for name, (model, _) in models.items():
        rows.append([name, _bracket(tx.fill_text(model, vocab, TAJ, spans), spans)])
    rows.append(["original", _bracket(TAJ, spans)])
    return Table("The lecture's example: fill the blanks from context", ["", "text"], rows,
                 "Each _ is one hidden character, fed to the models as the blank symbol; "
                 "[...] marks the blanks and what fills them (\u23ce: a newline).")


def word_rate(texts: list[str], known: set[str], letters: int = 1) -> float:
    """The fraction of the words (runs of letters) of at least `letters` letters in `texts` that
    are in the set `known` (lower case): how many sampled "words" are words at all.

    Parameters
    ----------
    texts : list of str
        The sampled texts.
    known : set of str
        The known words, lower case.
    letters : int
        The shortest word counted.

    Returns
    -------
    float
        The fraction, from 0 to 1.

    Examples
    --------
    >>> word_rate(["The cat zqx", "a dog"], {"the", "cat", "dog", "a"}, letters=2)
    0.75
    """
    words = [w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t) if len(w) >= letters]
    return sum(w in known for w in words) / len(words) if words else 0.0


def _word_check(lm, vocab, ids, seed):
    """(RNN rate, bigram rate): word_rate of WORDS["samples"] samples of the language model and
    of the add-one bigram model, both at WORDS["temperature"]."""
    from ..tasks import text as tx
    known = set(re.findall(r"[a-z]+", vocab.decode(ids["train"]).lower()))
    n, chars, temp = WORDS["samples"], WORDS["chars"], WORDS["temperature"]
    rnn = [tx.sample(lm, vocab, PROMPT, chars, temperature=temp, random_state=[seed, 100 + k])
           for k in range(n)]
    logp = tx.bigram(ids["train"], len(vocab)) * np.log(2) / temp          # (V, V)
    rng, c, out = np.random.default_rng([seed, 200]), vocab.encode(PROMPT)[-1], []
    for _ in range(n * chars):
        q = np.exp(logp[c] - logp[c].max())
        c = int(rng.choice(len(q), p=q / q.sum()))
        out.append(c)
    return (word_rate(rnn, known, WORDS["letters"]),
            word_rate([vocab.decode(np.array(out, dtype=np.int64))], known, WORDS["letters"]))


def claims(test_bpc: dict[str, float], blank_rows: list[list[Any]],
           words: tuple[float, float], *, quick: bool) -> list[Claim]:
    """The lecture's claims checked on the numbers.

    Parameters
    ----------
    test_bpc : dict of str to float
        The test bits per character: {"bigram", "rnn", ...}.
    blank_rows : list of list
        The fill-in-the-blank table's rows [model, hidden, parameters, character accuracy,
        exact match, speed].
    words : tuple of float
        (RNN, bigram) word rates of samples (_word_check).
    quick : bool
        The run's budget, too small to make the samples words (not tested).

    Returns
    -------
    list of Claim
        Each with its verdict and the numbers behind it.
    """
    blanks = {r[0]: r for r in blank_rows}
    bi, fwd = blanks["bidirectional"], blanks["forward only"]
    out = [Claim("Text is a dynamic signal: a character RNN, whose state carries everything read "
                 "so far, predicts held-out text better than a bigram model, which sees one "
                 "previous character (lower bits per character)",
                 test_bpc["rnn"] < test_bpc["bigram"],
                 f"test bpc: RNN {test_bpc['rnn']:.3f}, bigram {test_bpc['bigram']:.3f}"),
           Claim("Context comes from both sides (\"The Taj ____ was ...\"): a bidirectional RNN "
                 "fills more held-out blanks exactly than a forward-only RNN of the same size",
                 bi[4] > fwd[4],
                 f"exact match: bidirectional {bi[4]:.3f}, forward only {fwd[4]:.3f} (character "
                 f"accuracy {bi[3]:.3f} and {fwd[3]:.3f})")]
    text = (f"Reading characters, the language model has learned words: sampled at temperature "
            f"{WORDS['temperature']}, at least {WORDS['rate']:.0%} of its words of "
            f"{WORDS['letters']} or more letters are words of the training text")
    evidence = (f"{words[0]:.0%} of the words in {WORDS['samples']} samples of "
                f"{WORDS['chars']} characters (the bigram model's samples: {words[1]:.0%})")
    if quick:
        out.append(Claim(text, None, "quick mode: after its short training the model's samples "
                                     "are still mostly gibberish: " + evidence + "; the full run "
                                     "trains a larger model longer"))
    else:
        out.append(Claim(text, words[0] >= WORDS["rate"], evidence))
    return out


def headline(test_bpc: dict[str, float]) -> dict[str, Any]:
    """The RNN language model against the bigram, for the tour's summary figure.

    Parameters
    ----------
    test_bpc : dict of str to float
        The test bits per character: {"bigram", "rnn", ...}.

    Returns
    -------
    dict
        A Result's headline: "metric", "rnn", "baseline", "higher_is_better" and the labels.
    """
    return {"metric": "test bits per character", "rnn": test_bpc["rnn"],
            "baseline": test_bpc["bigram"], "higher_is_better": False,
            "rnn_label": "Elman RNN", "baseline_label": "bigram (add-one)"}


def run(*, quick: bool, seed: int, progress: bool) -> Result:
    """The language model and the fill-in-the-blank models at the tour's settings
    (SETTINGS[quick]; see run_with).

    Parameters
    ----------
    quick : bool
        The short budget (``rnnlab tour --quick``).
    seed : int
        The seed of every random draw.
    progress : bool
        Whether training shows its progress.

    Returns
    -------
    Result
        Its tables, figures, claims and headline.
    """
    return run_with(SETTINGS[quick], seed=seed, progress=progress, quick=quick)


def run_with(cfg: dict[str, Any], *, seed: int, progress: bool = False,
             quick: bool = True) -> Result:
    """The experiment with explicit settings.

    Parameters
    ----------
    cfg : dict
        The settings, of the shape of SETTINGS[quick].
    seed : int
        The seed of every random draw.
    progress : bool
        Whether training shows its progress.
    quick : bool
        Whether the budget is too small to test the claims that need a well-trained model (see
        claims()).

    Returns
    -------
    Result
        Its tables, figures, claims and headline.
    """
    from ..tasks import text as tx
    try:
        vocab, ids = _corpus()
    except ImportError as err:                  # a Python without pydoc_data
        return Result(skipped=f"skipped: {err}")
    lm, curve, speed = _language_model(vocab, ids, cfg, seed, progress)
    bpc, val_bpc, test_bpc = _bpc_table(lm, vocab, ids, curve, speed, cfg)
    texts = {f"temperature {t}": PROMPT + tx.sample(lm, vocab, PROMPT, cfg["sample_chars"],
                                                    temperature=t, random_state=[seed, i])
             for i, t in enumerate(TEMPERATURES)}
    words = _word_check(lm, vocab, ids, seed)
    models = _blank_models(vocab, ids, cfg, seed, progress)
    blanks, by_length = _blank_tables(models, vocab, ids, cfg, seed)
    tables = {"bpc": bpc, "blanks": blanks, "taj_mahal": _taj_table(models, vocab)}
    figures = {"bpc_curve": Figure(plots.text.bpc_curve, {
                   "curve": curve, "unigram": val_bpc["unigram"], "bigram": val_bpc["bigram"]},
                   caption="Bits per character of the language model on the validation text "
                           "after each training round, against the unigram and bigram counting "
                           "models. Below the bigram line, the RNN uses more than the previous "
                           "character."),
               "blanks": Figure(plots.text.blanks, {"by_length": by_length},
                                caption="Held-out blanks filled exactly, by the blank's length, "
                                        "for the bidirectional and the forward-only RNN; the "
                                        "gap between their bars is what the right-hand "
                                        "context adds.")}
    acc = {r[0]: r for r in blanks.rows}
    summary = [("test bpc RNN", test_bpc["rnn"]), ("test bpc bigram", test_bpc["bigram"]),
               ("blank exact match bidirectional", acc["bidirectional"][4]),
               ("blank exact match forward", acc["forward only"][4])]
    config = {"seed": seed, "batch_size": BATCH, "clip_norm": CLIP, "max_blank": MAX_BLANK,
              "split": "pydoc_data.topics, sorted keys, 90/5/5 % in order", **cfg}
    return Result(tables=tables, figures=figures, summary=summary, config=config,
                  claims=claims(test_bpc, blanks.rows, words, quick=quick),
                  headline=headline(test_bpc), texts=texts)

