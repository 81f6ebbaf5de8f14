"""The rnnlab command, driven in-process through main([...]) at tiny sizes."""
import json

import numpy as np
import pytest

import rnnlab as rl
from rnnlab._tree import leaves
from rnnlab.cli import main

TRAIN = ["train", "--task", "parity", "--samples", "64", "--length", "4", "--hidden", "4",
         "--batch-size", "16"]


def _one_line_error(capsys, rc):
    err = capsys.readouterr().err
    assert rc == 2
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


def _params(folder):
    state = json.loads((folder / "train.json").read_text())
    return {k: v for k, v in leaves(rl.load(folder / state["checkpoint"]).params)}


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    assert "tour" in capsys.readouterr().out
    assert main([]) == 0
    assert main(["--version"]) == 0
    assert rl.__version__ in capsys.readouterr().out


def test_list_names_every_experiment(capsys):
    from rnnlab import experiments
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [l.split()[0] for l in out] == list(experiments.registry())


def test_run_writes_results_run_and_figures(tmp_path, capsys):
    out = tmp_path / "fwd"
    assert main(["run", "forward", "--quick", "--out", str(out), "--seed", "1"]) == 0
    res = json.loads((out / "results.json").read_text())
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 1 and run["quick"] and run["versions"]["numpy"] == np.__version__
    assert run["command"] == f"rnnlab run forward --quick --out {out} --seed 1"
    rows = {r[0]: r for r in res["tables"]["errors"]["rows"]}
    assert rows["sine"][1] < rows["sine"][2] and rows["echo"][1] < rows["echo"][3]  # RNN wins
    assert {"forward.png", "learning_curves.png"} <= {p.name for p in out.iterdir()}
    assert (out / "forward.png").read_bytes()[:4] == b"\x89PNG"


def test_tour_writes_the_report(tmp_path, capsys):
    out = tmp_path / "tour"
    assert main(["tour", "--quick", "--only", "forward,mappings", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "report.html" in printed and "| forward | ok |" in printed
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert "## Summary" in md and "| mappings | ok |" in md and "Git commit" in md
    assert "next input, delayed" in md                      # the mappings table made it in
    assert html.count("data:image/png;base64,") >= 8          # figures embedded
    assert (out / "mappings" / "results.json").exists()
    assert main(["tour", "--quick", "--only", "forward", "--out", str(out)]) == 2   # never overwrite


def test_bench_prints_a_table(capsys):
    assert main(["bench", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "| B | T | H |" in out
    ratio_rows = [l for l in out.splitlines() if l.startswith("| 1 |") or l.startswith("| 32 |")]
    assert len(ratio_rows) == 2
    for r in ratio_rows:                              # measured times on both sides, a ratio
        cells = [c.strip() for c in r.split("|")]
        ours, theirs, ratio = float(cells[5]), float(cells[6]), float(cells[7])
        assert ours > 0 and theirs > 0 and ratio == pytest.approx(ours / theirs, abs=0.01, rel=0.05)


def test_train_eval_predict(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(TRAIN + ["--epochs", "2", "--out", str(out)]) == 0
    state = json.loads((out / "train.json").read_text())
    assert state["epoch"] == 2 and len(state["history"]["loss"]) == 2
    assert [p.name for p in out.glob("ckpt-*")] == [state["checkpoint"]]
    capsys.readouterr()
    assert main(["eval", "--model", str(out), "--task", "parity", "--length", "4"]) == 0
    printed = capsys.readouterr().out
    assert "loss" in printed and "accuracy" in printed
    X = np.random.default_rng(0).integers(0, 2, size=(5, 4, 1)).astype(float)
    np.savez(tmp_path / "x.npz", X=X)
    assert main(["predict", "--model", str(out), "--data", str(tmp_path / "x.npz"),
                 "--out", str(tmp_path / "y.npz")]) == 0
    with np.load(tmp_path / "y.npz") as z:
        np.testing.assert_allclose(z["Y"], rl.load(out / state["checkpoint"]).predict(X))


def test_train_on_user_data_and_eval_on_it(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6, 2))
    np.savez(tmp_path / "d.npz", X=X, Y=X.sum(1))               # many-to-one from Y's shape
    out = tmp_path / "r"
    assert main(["train", "--data", str(tmp_path / "d.npz"), "--epochs", "1", "--hidden", "4",
                 "--out", str(out)]) == 0
    model = rl.load(out / json.loads((out / "train.json").read_text())["checkpoint"])
    assert model.mapping.name == "many-to-one" and model.n_in == 2
    assert main(["eval", "--model", str(out), "--data", str(tmp_path / "d.npz")]) == 0
    assert "mse" in capsys.readouterr().out


def test_resume_ends_with_the_parameters_of_an_uninterrupted_run(tmp_path):
    full, part = tmp_path / "full", tmp_path / "part"
    assert main(TRAIN + ["--epochs", "4", "--out", str(full)]) == 0
    assert main(TRAIN + ["--epochs", "2", "--out", str(part)]) == 0
    assert main(["train", "--resume", str(part), "--epochs", "4"]) == 0
    a, b = _params(full), _params(part)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    hist_a = json.loads((full / "train.json").read_text())["history"]["loss"]
    hist_b = json.loads((part / "train.json").read_text())["history"]["loss"]
    assert hist_a == hist_b


def test_ctrl_c_keeps_the_last_epoch_and_resumes_exactly(tmp_path, monkeypatch, capsys):
    full, cut = tmp_path / "full", tmp_path / "cut"
    assert main(TRAIN + ["--epochs", "4", "--out", str(full)]) == 0
    calls = {"n": 0}
    real_step = rl.optim.Adam.step

    def step_then_interrupt(self, params, grads):
        calls["n"] += 1
        if calls["n"] == 9:                       # mid-epoch 3 (4 batches per epoch)
            raise KeyboardInterrupt
        real_step(self, params, grads)

    monkeypatch.setattr(rl.optim.Adam, "step", step_then_interrupt)
    assert main(TRAIN + ["--epochs", "4", "--out", str(cut)]) == 130
    assert "rnnlab train --resume" in capsys.readouterr().err
    assert json.loads((cut / "train.json").read_text())["epoch"] == 2
    monkeypatch.setattr(rl.optim.Adam, "step", real_step)
    assert main(["train", "--resume", str(cut)]) == 0
    a, b = _params(full), _params(cut)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def _bad_npz(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    np.savez(tmp_path / "noy.npz", X=np.zeros((2, 3, 1)))
    (tmp_path / "afile").write_text("x")
    return tmp_path


@pytest.mark.parametrize("argv,match", [
    (["run", "nonsense"], "unknown experiment 'nonsense'"),
    (["tour", "--only", "nonsense"], "unknown experiment 'nonsense'"),
    (["train", "--task", "sudoku", "--out", "{t}/o"], "unknown task 'sudoku'"),
    (["train", "--task", "parity", "--cell", "rnn", "--out", "{t}/o"], "invalid choice: 'rnn'"),
    (["train", "--task", "parity", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["train", "--task", "parity"], "--out DIR is required"),
    (["train", "--data", "{t}/missing.npz", "--out", "{t}/o"], "does not exist"),
    (["train", "--data", "{t}/bad.npz", "--out", "{t}/o"], "is not an .npz archive"),
    (["train", "--data", "{t}/noy.npz", "--out", "{t}/o"], "missing Y"),
    (["train", "--resume", "{t}"], "holds no run to resume"),
    (["train", "--task", "parity", "--samples", "8", "--length", "2", "--epochs", "1",
      "--out", "{t}/afile/sub"], "cannot write to"),
    (["eval", "--model", "{t}/nomodel", "--task", "parity"], "does not exist"),
    (["predict", "--model", "{t}/nomodel", "--data", "{t}/noy.npz", "--out", "{t}/y.npz"],
     "does not exist"),
    (["run", "forward", "--out", "{t}/afile/sub"], "cannot write to"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, match):
    _bad_npz(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    rc = main([a.replace("{t}", str(tmp_path)) for a in argv])
    assert match in _one_line_error(capsys, rc)
    assert sorted(p.name for p in tmp_path.iterdir()) == before          # nothing half-written


def test_checkpoint_that_does_not_fit_the_task(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    rc = main(["eval", "--model", str(out), "--task", "addition"])
    assert "task addition has 2 input features, the model takes 1" in _one_line_error(capsys, rc)
    state = json.loads((out / "train.json").read_text())
    np.savez(out / state["checkpoint"] / "params.npz", junk=np.zeros(1))
    rc = main(["eval", "--model", str(out), "--task", "parity"])
    assert "does not match the model's configuration" in _one_line_error(capsys, rc)


def test_python_dash_m(tmp_path):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "rnnlab", "run", "nonsense"], capture_output=True,
                         text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("extra,data,match", [
    (["--batch-size", "0"], None, "argument --batch-size: must be >= 1, got 0"),
    (["--val", "1.5"], None, "argument --val: must lie in [0, 1), got 1.5"),
    (["--seed", "-1"], None, "argument --seed: must be >= 0, got -1"),
    (["--clip", "0"], None, "argument --clip: must be a finite number > 0"),
    ([], dict(X=np.full((4, 3, 1), np.nan), Y=np.zeros((4, 3, 1))), "contains 12 NaN or inf"),
    ([], dict(X=np.zeros((4, 3, 1)), Y=np.zeros((5, 3, 1))), "the same number of sequences"),
    ([], dict(X=np.zeros((4, 3, 1)), Y=np.zeros((4, 3, 1)), mask=np.ones((4, 2))),
     "mask must have shape (4, 3)"),
])
def test_bad_training_input_writes_nothing(tmp_path, capsys, extra, data, match):
    out = tmp_path / "o"
    if data is None:
        argv = TRAIN + extra + ["--out", str(out)]
    else:
        np.savez(tmp_path / "d.npz", **data)
        argv = ["train", "--data", str(tmp_path / "d.npz"), "--out", str(out)] + extra
    rc = main(argv)
    assert match in _one_line_error(capsys, rc)
    assert not out.exists()


def test_resume_takes_only_epochs(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(TRAIN + ["--epochs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    rc = main(["train", "--resume", str(out), "--lr", "0.5"])
    assert "only --epochs may change, not --lr" in _one_line_error(capsys, rc)


def test_eval_ignores_padded_steps(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 5, 1))
    mask = np.ones((6, 5), bool)
    mask[:, 3:] = False
    Y = np.cumsum(X, axis=1)
    Y_bad = np.where(mask[:, :, None], Y, 1e6)             # garbage where padded
    np.savez(tmp_path / "a.npz", X=X, Y=Y, mask=mask)
    np.savez(tmp_path / "b.npz", X=X, Y=Y_bad, mask=mask)
    out = tmp_path / "r"
    assert main(["train", "--data", str(tmp_path / "a.npz"), "--epochs", "1", "--hidden", "3",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    results = []
    for f in ("a.npz", "b.npz"):
        assert main(["eval", "--model", str(out), "--data", str(tmp_path / f)]) == 0
        results.append(capsys.readouterr().out)
    assert results[0] == results[1]
