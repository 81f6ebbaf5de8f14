"""The data formats of train, eval and predict (rnnlab.cli.formats): each one trains, and what
it becomes is checked against arrays built by hand. The malformed variants are rows of
test_table.py."""
import argparse
import json
import re

import numpy as np
import pytest

import rnnlab as rl
from cli_support import params
from rnnlab.cli import formats, main

TINY = ["--hidden", "4", "--epochs", "2", "--batch-size", "8", "--quiet"]


@pytest.fixture
def series_csv(tmp_path):
    t = np.arange(60)
    table = np.c_[t, np.sin(t / 3), np.cos(t / 5)]
    path = tmp_path / "series.csv"
    path.write_text("t,a,b\n" + "".join(f"{int(r[0])},{r[1]:.6f},{r[2]:.6f}\n" for r in table))
    return path, np.round(table, 6)


def _model(run):
    state = json.loads((run / "train.json").read_text())
    return rl.load(run / state["checkpoint"]), state


def test_kind_reads_the_first_bytes_before_the_name(tmp_path):
    np.savez(tmp_path / "a.dat", X=np.zeros(1))
    np.save(tmp_path / "b.dat", np.zeros(1))
    (tmp_path / "c.npz").write_text("1,2\n")
    (tmp_path / "d.txt").write_text("1,2\n")
    assert [formats.kind(tmp_path / n) for n in ("a.dat.npz", "b.dat.npy", "c.npz", "d.txt")] \
        == ["npz", "npy", "npz", "csv"]


def test_a_csv_series_trains_a_forecaster_on_its_windows(series_csv, tmp_path, capsys):
    path, table = series_csv
    out = tmp_path / "run"
    assert main(["train", "--data", str(path), "--window", "6", "--horizon", "2", "--target",
                 "b", "--columns", "a", "--val", "0.25", "--json", *TINY, "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)          # one JSON object, nothing else
    model, state = _model(out)
    assert result["epochs"] == 2 and result["loss"] == state["history"]["loss"][-1]
    assert (model.n_in, model.n_out, model.mapping.name) == (2, 1, "many-to-one")  # a, then b
    assert state["spec"]["target"] == ["b"] and state["spec"]["columns"] == ["a"]
    # the windows by hand: inputs rows i..i+5 of (a, b), target b at row i + 5 + 2
    n = 60 - 6 - 2 + 1
    X = np.stack([table[i:i + 6, 1:3] for i in range(n)])
    Y = table[np.arange(n) + 7, 2:3]
    capsys.readouterr()
    assert main(["eval", "--model", str(out), "--data", str(path), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["loss"] == pytest.approx(model.evaluate(X, Y), rel=1e-6)
    # predict: every window, the last ending at the last row, as a table of forecasts
    assert main(["predict", "--model", str(out), "--data", str(path), "--out",
                 str(tmp_path / "f.csv"), "--quiet"]) == 0
    lines = (tmp_path / "f.csv").read_text().splitlines()
    assert lines[0] == "row,b"
    rows = np.array([[float(c) for c in line.split(",")] for line in lines[1:]])
    every = np.stack([table[i:i + 6, 1:3] for i in range(60 - 6 + 1)])
    assert rows[:, 0].tolist() == list(range(7, 7 + len(every)))
    np.testing.assert_allclose(rows[:, 1], model.predict(every)[:, 0], rtol=1e-6)


def test_windows_that_cannot_fit_are_refused_before_they_are_made(series_csv, tmp_path,
                                                                    monkeypatch, capsys):
    from rnnlab import _memory
    path, _ = series_csv
    monkeypatch.setattr(_memory, "available_bytes", lambda: 3000)   # (54, 6, 3) floats: 3888 B
    ok = ["--data", str(path), "--window", "6", "--target", "a"]
    assert main(["train", *ok, *TINY, "--out", str(tmp_path / "big")]) == 2
    err = capsys.readouterr().err
    assert "the windows of" in err and "(54, 6, 3)" in err
    assert not (tmp_path / "big").exists()


def test_a_csv_run_resumes_bit_exact(series_csv, tmp_path):
    path, _ = series_csv
    common = ["--data", str(path), "--window", "4", "--target", "1", "--hidden", "4",
              "--batch-size", "8", "--quiet"]
    assert main(["train", *common, "--epochs", "3", "--out", str(tmp_path / "whole")]) == 0
    assert main(["train", *common, "--epochs", "1", "--out", str(tmp_path / "part")]) == 0
    assert main(["train", "--resume", str(tmp_path / "part"), "--epochs", "3", "--quiet"]) == 0
    a, b = params(tmp_path / "whole"), params(tmp_path / "part")
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_an_npy_pair_trains_like_the_npz_of_the_same_arrays(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 5, 2))
    Y = np.cumsum(X[..., :1], axis=1)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    assert main(["train", "--data", str(tmp_path / "X.npy"), "--targets", str(tmp_path / "Y.npy"),
                 *TINY, "--out", str(tmp_path / "a")]) == 0
    assert main(["train", "--data", str(tmp_path / "d.npz"), *TINY, "--out",
                 str(tmp_path / "b")]) == 0
    a, b = params(tmp_path / "a"), params(tmp_path / "b")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert main(["predict", "--model", str(tmp_path / "a"), "--data", str(tmp_path / "X.npy"),
                 "--out", str(tmp_path / "y.npz"), "--quiet"]) == 0
    model, _ = _model(tmp_path / "a")
    np.testing.assert_array_equal(np.load(tmp_path / "y.npz")["Y"], model.predict(X))


def test_text_trains_a_character_model_and_keeps_its_vocabulary(tmp_path):
    text = "abcabd. " * 30
    (tmp_path / "t.txt").write_text(text)
    out = tmp_path / "chars"
    assert main(["train", "--text", str(tmp_path / "t.txt"), "--window", "8", *TINY,
                 "--out", str(out)]) == 0
    vocab = formats.read_vocab(out, "test")
    assert vocab.symbols == rl.data.Vocabulary.from_text(text).symbols
    model, state = _model(out)
    assert (model.n_in, model.n_out, model.output, model.mapping.name) == \
        (len(vocab), len(vocab), "softmax", "many-to-many")
    ds = formats.read(state["spec"], vocab=vocab)
    ids = vocab.encode(text)
    n = (len(text) - 1) // 8
    np.testing.assert_array_equal(ds["X"].argmax(-1), ids[:n * 8].reshape(n, 8))
    np.testing.assert_array_equal(ds["Y"], ids[1:n * 8 + 1].reshape(n, 8))


def test_a_text_run_resumes_bit_exact_with_its_stored_vocabulary(tmp_path):
    (tmp_path / "t.txt").write_text("hello there, hello here. " * 10)
    common = ["--text", str(tmp_path / "t.txt"), "--window", "6", "--hidden", "4",
              "--batch-size", "8", "--quiet"]
    assert main(["train", *common, "--epochs", "2", "--out", str(tmp_path / "whole")]) == 0
    assert main(["train", *common, "--epochs", "1", "--out", str(tmp_path / "part")]) == 0
    assert main(["train", "--resume", str(tmp_path / "part"), "--epochs", "2", "--quiet"]) == 0
    a, b = params(tmp_path / "whole"), params(tmp_path / "part")
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_a_folder_of_text_is_its_txt_files_in_name_order(tmp_path):
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "c.md").write_text("ignored")
    assert formats.read_text_source(tmp_path, "train") == "first\nsecond"


def test_config_replays_a_run_and_the_command_line_wins(series_csv, tmp_path):
    path, _ = series_csv
    assert main(["train", "--data", str(path), "--window", "4", "--target", "a", *TINY,
                 "--out", str(tmp_path / "a")]) == 0
    assert main(["train", "--config", str(tmp_path / "a" / "train.json"), "--hidden", "3",
                 "--quiet", "--out", str(tmp_path / "b")]) == 0
    sa = json.loads((tmp_path / "a" / "train.json").read_text())["spec"]
    sb = json.loads((tmp_path / "b" / "train.json").read_text())["spec"]
    assert sb == dict(sa, hidden=3)
    assert rl.load(tmp_path / "b" / "ckpt-00002").n_hidden == 3
    # a plain JSON of the same keys, and a source on the command line replacing the config's
    (tmp_path / "c.json").write_text(json.dumps({"task": "parity", "samples": 16, "length": 3,
                                                 "hidden": 2, "epochs": 1}))
    assert main(["train", "--config", str(tmp_path / "c.json"), "--quiet",
                 "--out", str(tmp_path / "c")]) == 0
    sc = json.loads((tmp_path / "c" / "train.json").read_text())["spec"]
    assert (sc["task"], sc["samples"], sc["hidden"], sc["epochs"]) == ("parity", 16, 2, 1)


def test_quiet_prints_no_progress_and_json_only_json(series_csv, tmp_path, capsys):
    path, _ = series_csv
    args = ["train", "--data", str(path), "--window", "4", "--target", "a", "--hidden", "4",
            "--epochs", "2"]
    assert main([*args, "--quiet", "--out", str(tmp_path / "q")]) == 0
    captured = capsys.readouterr()
    assert "epoch" not in captured.err and "training" not in captured.err
    assert main([*args, "--json", "--out", str(tmp_path / "j")]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert set(json.loads(captured.out)) >= {"loss", "val_loss", "epochs", "checkpoint"}


def _subcommands():
    from rnnlab.cli import build_parser
    sub = next(a for a in build_parser()._actions if a.dest == "command")   # noqa: SLF001
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_help_shows_its_defaults_and_an_example(command, capsys):
    from rnnlab.cli import build_parser
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    parser = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    for action in parser._actions:                                        # noqa: SLF001
        if action.option_strings and not any(action.default is v
                                             for v in (None, False, argparse.SUPPRESS)):
            shown = f"(default: {action.default})"
            flat = re.sub(r"-\s+", "-", " ".join(text.split()))     # wrapped at a hyphen
            assert shown in flat, (action.dest, shown)
    examples = text.split("examples:")[1].split("exit status:")[0]
    assert f"rnnlab {command}" in examples
