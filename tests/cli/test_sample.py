"""`rnnlab sample`: the draws follow the softmax at the temperature, and streaming the state
one character at a time equals re-running the model on the whole prefix."""
import json

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cli import formats, main
from rnnlab.cli.sample import generate


@pytest.fixture(scope="module")
def char_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("chars")
    (d / "t.txt").write_text("the cat sat on the mat. " * 20)
    assert main(["train", "--text", str(d / "t.txt"), "--window", "8", "--hidden", "6",
                 "--epochs", "2", "--quiet", "--out", str(d / "run")]) == 0
    state = json.loads((d / "run" / "train.json").read_text())
    return d / "run", rl.load(d / "run" / state["checkpoint"]), formats.read_vocab(d / "run", "t")


def test_a_cold_sample_is_the_greedy_path_of_the_whole_prefix(char_run):
    _, model, vocab = char_run
    text = generate(model, vocab, "the", 12, 1e-6, np.random.default_rng(0))
    prefix = vocab.encode("the")
    for ch in text:                                   # re-run from scratch at every step
        probs = model.predict(vocab.one_hot(prefix[None, :]))[0, -1].copy()
        probs[0] = -1                                  # the unknown symbol is never drawn
        assert vocab.symbols[int(probs.argmax())] == ch
        prefix = np.append(prefix, vocab.index[ch])


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_first_draws_follow_the_tempered_softmax(char_run, temperature):
    _, model, vocab = char_run
    p = model.predict(vocab.one_hot(vocab.encode("the ")[None, :]))[0, -1].astype(np.float64)
    p[0] = 0
    want = p ** (1 / temperature)
    want /= want.sum()
    rng = np.random.default_rng(1)
    n = 1500
    counts = np.zeros(len(vocab))
    for _ in range(n):
        counts[vocab.index[generate(model, vocab, "the ", 1, temperature, rng)]] += 1
    # every frequency within 5 standard errors of its probability
    se = np.sqrt(want * (1 - want) / n) + 1e-9
    assert np.all(np.abs(counts / n - want) <= 5 * se + 1e-3)


def test_the_command_prints_the_prompt_and_a_seeded_continuation(char_run, capsys):
    run, model, vocab = char_run
    assert main(["sample", str(run), "--prompt", "the", "--length", "15", "--seed", "4",
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["prompt"] == "the"
    assert got["text"] == generate(model, vocab, "the", 15, 1.0, np.random.default_rng(4))
    assert len(got["text"]) == 15 and set(got["text"]) <= set(vocab.symbols[1:])
