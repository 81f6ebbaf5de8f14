"""The three recipes of docs/data.md ("Your own data"), run as written on small files this test
writes, with fewer epochs and hidden units: each shell line through rnnlab.cli.main in-process,
each Python block exec'd in the same folder; then what they computed is checked against an
independent computation."""
import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cli import main

SECTION = (Path(__file__).resolve().parents[2] / "docs" / "data.md").read_text()
RECIPES = {m.group(1): m.group(2) for m in
           re.finditer(r"## Recipe: (.*?)\n(.*?)(?=\n## |\Z)", SECTION, re.S)}


def _blocks(title):
    """[(language, code)] of a recipe, in order."""
    body = next(v for k, v in RECIPES.items() if k.startswith(title))
    return re.findall(r"```(sh|py)\n(.*?)```", body, re.S)


def _run(title, tmp_path, monkeypatch, capsys):
    """Run a recipe; return (the namespace of its Python blocks, what its commands printed)."""
    monkeypatch.chdir(tmp_path)
    ns, printed = {}, []
    for lang, code in _blocks(title):
        if lang == "py":
            exec(compile(code, "docs/data.md", "exec"), ns)
            continue
        for line in code.strip().splitlines():
            line = re.sub(r"--epochs \d+", "--epochs 2", line)
            line = re.sub(r"--hidden \d+", "--hidden 6", line)
            argv = shlex.split(line)
            assert argv[0] == "rnnlab"
            capsys.readouterr()
            assert main(argv[1:]) == 0, capsys.readouterr().err
            printed.append(capsys.readouterr().out)
    return ns, printed


def test_there_are_three_recipes():
    assert len(RECIPES) == 3
    assert all(any(lang == "sh" for lang, _ in _blocks(t)) for t in RECIPES)


def test_the_csv_forecast_recipe(tmp_path, monkeypatch, capsys):
    t = np.arange(80)
    value = np.round(np.sin(t / 4) + 0.1 * np.cos(t / 1.7), 5)
    (tmp_path / "series.csv").write_text("month,value\n" + "".join(
        f"m{i},{v}\n" for i, v in zip(t, value)))
    ns, _ = _run("forecast a CSV", tmp_path, monkeypatch, capsys)
    state = json.loads((tmp_path / "runs/series/train.json").read_text())
    model = rl.load(tmp_path / "runs/series" / state["checkpoint"])
    X = np.lib.stride_tricks.sliding_window_view(value, 24)[..., None]   # every window
    forecast = model.predict(X)[:, 0]                   # window i forecasts row i + 24
    rows = np.arange(24, 24 + len(X))
    held = (rows < 80) & (rows >= 72)
    assert ns["rnn"] == pytest.approx(np.mean((forecast[held] - value[rows[held]]) ** 2), rel=1e-5)
    assert ns["persistence"] == pytest.approx(np.mean((value[rows[held] - 1]
                                                       - value[rows[held]]) ** 2), rel=1e-9)


def test_the_text_recipe(tmp_path, monkeypatch, capsys):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("The cat sat on the mat. " * 12)
    (tmp_path / "texts" / "b.txt").write_text("The dog ate the log. " * 12)
    ns, printed = _run("a character model", tmp_path, monkeypatch, capsys)
    sample = printed[1][:-1]                            # print's newline
    assert sample.startswith("The ") and len(sample) == 4 + 300
    assert set(sample) <= set("The cat sat on the mat. The dog ate the log.\n")
    vocab = rl.data.Vocabulary.from_text(
        (tmp_path / "texts/a.txt").read_text() + "\n" + (tmp_path / "texts/b.txt").read_text())
    assert ns["vocab"].symbols == vocab.symbols
    state = json.loads((tmp_path / "runs/chars/train.json").read_text())
    model = rl.load(tmp_path / "runs/chars" / state["checkpoint"])
    x = np.eye(len(vocab))[vocab.encode("The ")][None]
    np.testing.assert_allclose(ns["p"], model.predict(x)[0, -1], rtol=1e-6)


def test_the_ragged_recipe(tmp_path, monkeypatch, capsys):
    ns, printed = _run("classify ragged", tmp_path, monkeypatch, capsys)
    state = json.loads((tmp_path / "runs/ragged/train.json").read_text())
    model = rl.load(tmp_path / "runs/ragged" / state["checkpoint"])
    assert (model.mapping.name, model.output, model.n_out) == ("many-to-one", "softmax", 2)
    # eval's accuracy is the masked model's, computed here from the ragged sequences one by one
    right = [int(model.predict(s[None])[0].argmax() == y) for s, y in zip(ns["seqs"], ns["labels"])]
    shown = dict(line.split() for line in printed[1].splitlines())
    assert float(shown["accuracy"]) == pytest.approx(np.mean(right), abs=1e-6)
