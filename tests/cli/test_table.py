"""Every subcommand under missing, malformed and hostile arguments and files.

Each row must end with exit status 2 and one line on stderr that says what is wrong (the row's
`match`; status 1 and its internal-error line would mean a bug: test_common.py checks that
line); never a traceback; and nothing outside the command's output folder is created, changed or deleted (the
whole tree of files is compared before and after, with sizes, mtimes and hashes). Most rows run
in-process through main(argv); a few run as `python -m rnnlab` in a child process.

Placeholders in a row: {w} the shared folder of prepared files (read-only for every command),
{o} an output path of the row's own. The memory available is pinned to 4 GiB, so the rows that
ask for too much are refused the same way on any machine.
"""
import json
import os
import shutil
import zipfile

import numpy as np
import pytest

import rnnlab as rl
from cli_support import TRAIN, run, snapshot
from rnnlab import _memory
from rnnlab.cli import main

GIB = 1 << 30


def _flag_encrypted(src, dst):
    """A copy of the zip `src` whose central directory marks every member as encrypted."""
    raw = bytearray(src.read_bytes())
    i = raw.find(b"PK\x01\x02")
    while i >= 0:
        raw[i + 8] |= 1
        i = raw.find(b"PK\x01\x02", i + 4)
    dst.write_bytes(bytes(raw))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The prepared files: good and broken data, a run, a model, broken model folders."""
    w = tmp_path_factory.mktemp("world")
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 5, 1))
    np.savez(w / "good.npz", X=X, Y=np.cumsum(X, 1))
    np.save(w / "x.npy", X)
    (w / "data.csv").write_text("1,2,3\n4,5,6\n")
    (w / "empty.npz").write_bytes(b"")
    good = (w / "good.npz").read_bytes()
    (w / "trunc.npz").write_bytes(good[:len(good) // 2])
    (w / "garbage.npz").write_bytes(rng.integers(0, 256, 300, dtype=np.uint8).tobytes())
    (w / "pk-garbage.npz").write_bytes(b"PK\x03\x04" + bytes(200))
    _flag_encrypted(w / "good.npz", w / "encrypted.npz")
    np.savez(w / "object.npz", X=np.array([[1], "a"], dtype=object), Y=np.zeros(2))
    arrays = {"scalarY": dict(X=X, Y=np.float64(1)), "oneD": dict(X=np.zeros(8), Y=np.zeros(8)),
              "strY": dict(X=X, Y=np.array(["a"] * 8)), "complex": dict(X=X + 1j, Y=X),
              "nan": dict(X=np.where(X > 1, np.nan, X), Y=X), "inf": dict(X=X, Y=np.full_like(X, np.inf)),
              "overflow": dict(X=X * 1e39, Y=X), "emptyX": dict(X=np.zeros((0, 5, 1)), Y=np.zeros((0, 5, 1))),
              "nosteps": dict(X=np.zeros((8, 0, 1)), Y=np.zeros((8, 0, 1))),
              "noY": dict(X=X), "fewerY": dict(X=X, Y=X[:5]),
              "badmask": dict(X=X, Y=X, mask=np.full((8, 5), 2)),
              "biglabel": dict(X=X, Y=np.full((8, 5), 10 ** 9))}
    for name, a in arrays.items():
        np.savez(w / f"{name}.npz", **a)
    (w / "dir.npz").mkdir()
    os.mkfifo(w / "fifo.npz")
    os.symlink("/dev/zero", w / "zero.npz")
    (w / "afile").write_text("a file, not a folder\n")
    (w / "plain").mkdir()
    (w / "plain" / "notes.txt").write_text("not a run\n")
    assert main(TRAIN + ["--epochs", "1", "--out", str(w / "run")]) == 0
    model = rl.RNN(1, 3, 1, seed=0)
    model.save(w / "model")
    model.save(w / "nested")
    depth = 100_000
    (w / "nested" / "config.json").write_text("[" * depth + "]" * depth)
    model.save(w / "damaged")
    _flag_encrypted(w / "model" / "params.npz", w / "damaged" / "params.npz")
    model.save(w / "badrun" / "ckpt-00001")
    rl.RNN(1, 3, 1, mapping="one-to-many").save(w / "one-to-many")
    (w / "badrun" / "train.json").write_text('{"checkpoint": ')
    _format_files(w, X)
    return w


def _format_files(w, X):
    """CSV series, .npy pairs, text and configs, good and malformed, and two runs trained on
    them (a forecaster on series.csv, a character model on book.txt)."""
    (w / "series.csv").write_text("t,a,b\n" + "".join(
        f"{i},{np.sin(i / 3):.4f},{np.cos(i / 4):.4f}\n" for i in range(40)))
    (w / "nan.csv").write_text("t,a\n1,0.5\n2,nan\n3,0.1\n")
    (w / "blank.csv").write_text("t,a\n1,0.5\n2,\n3,0.1\n")
    (w / "ragged.csv").write_text("t,a,b\n1,0.5,1\n2,3\n3,0.1,2\n")
    (w / "word.csv").write_text("t,a\n1,0.5\n2,abc\n3,0.1\n")
    (w / "empty.csv").write_bytes(b"")
    (w / "blanklines.csv").write_text("\n \n")
    (w / "headeronly.csv").write_text("t,a\n")
    (w / "binary.csv").write_bytes(b"t,a\n1,\x00\x01\n")
    (w / "short.csv").write_text("a\n1\n2\n")
    (w / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (w / "binary.txt").write_bytes(bytes(range(256)))
    (w / "empty.txt").write_text("")
    (w / "tiny.txt").write_text("ab")
    (w / "book.txt").write_text("abc abd abe. " * 20)
    (w / "notxt").mkdir()
    (w / "notxt" / "a.md").write_text("not a .txt file")
    np.save(w / "y.npy", np.cumsum(X, 1))
    np.save(w / "y5.npy", X[:5])
    np.save(w / "obj.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    (w / "text.npy").write_text("not numpy")
    (w / "cfg-list.json").write_text("[1]")
    (w / "cfg-key.json").write_text('{"task": "parity", "colour": 1}')
    (w / "cfg-bad.json").write_text('{"task": "parity", "hidden": 0}')
    (w / "cfg-broken.json").write_text('{"task": ')
    assert main(["train", "--text", str(w / "book.txt"), "--window", "8", "--hidden", "4",
                 "--epochs", "1", "--quiet", "--out", str(w / "chars")]) == 0
    assert main(["train", "--data", str(w / "series.csv"), "--window", "5", "--target", "a",
                 "--columns", "a,b", "--hidden", "4", "--epochs", "1", "--quiet",
                 "--out", str(w / "fc")]) == 0
    for name, change in (("badwindow", {"window": 0}), ("badtarget", {"target": "a"})):
        shutil.copytree(w / "fc", w / name)
        doc = json.loads((w / name / "train.json").read_text())
        doc["spec"].update(change)
        (w / name / "train.json").write_text(json.dumps(doc))


T = "train"
ROWS = [
    # -- the top level ------------------------------------------------------------------------
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["--frobnicate"], 2, "unrecognized arguments: --frobnicate"),
    (["list", "extra"], 2, "unrecognized arguments: extra"),
    # -- train: arguments ---------------------------------------------------------------------
    ([T], 2, "give --task TASK, --data FILE or --text FILE"),
    ([T, "--task", "parity"], 2, "--out DIR is required"),
    ([T, "--task", "sudoku", "--out", "{o}"], 2, "unknown task 'sudoku'"),
    ([T, "--task", "parity", "--cell", "rnn", "--out", "{o}"], 2, "invalid choice: 'rnn'"),
    ([T, "--task", "parity", "--task", "copy", "--out", "{o}"], 2, "--task: given more than once"),
    ([T, "--task", "parity", "--out", "{o}", "--out", "{o}"], 2, "--out: given more than once"),
    ([T, "--task", "parity", "--data", "{w}/good.npz", "--out", "{o}"], 2, "not allowed with"),
    ([T, "--task", "parity", "--frobnicate", "--out", "{o}"], 2, "unrecognized arguments"),
    ([T, "--task", "parity", "--hidden", "0", "--out", "{o}"], 2, "--hidden: must be >= 1, got 0"),
    ([T, "--task", "parity", "--hidden", "-5", "--out", "{o}"], 2, "--hidden: must be >= 1"),
    ([T, "--task", "parity", "--hidden", "1e3", "--out", "{o}"], 2, "--hidden: expected an integer"),
    ([T, "--task", "parity", "--hidden", "four", "--out", "{o}"], 2, "--hidden: expected an integer"),
    ([T, "--task", "parity", "--epochs", "-1", "--out", "{o}"], 2, "--epochs: must be >= 0"),
    ([T, "--task", "parity", "--batch-size", "0", "--out", "{o}"], 2, "--batch-size: must be >= 1"),
    ([T, "--task", "parity", "--samples", "0", "--out", "{o}"], 2, "--samples: must be >= 1"),
    ([T, "--task", "parity", "--length", "0", "--out", "{o}"], 2, "--length: must be >= 1"),
    ([T, "--task", "adding", "--length", "1", "--out", "{o}"], 2, "task adding with --length 1"),
    ([T, "--task", "parity", "--lr", "0", "--out", "{o}"], 2, "--lr: must be a finite number > 0"),
    ([T, "--task", "parity", "--lr", "nan", "--out", "{o}"], 2, "--lr: must be a finite number"),
    ([T, "--task", "parity", "--clip=-inf", "--out", "{o}"], 2, "--clip: must be a finite"),
    ([T, "--task", "parity", "--clip", "-1", "--out", "{o}"], 2, "--clip: must be a finite"),
    ([T, "--task", "parity", "--val", "1", "--out", "{o}"], 2, "--val: must lie in [0, 1)"),
    ([T, "--task", "parity", "--seed", "-1", "--out", "{o}"], 2, "--seed: must be >= 0"),
    ([T, "--task", "parity", "--output", "softmax", "--out", "{o}"], 2,
     "--output applies to --data only, not to --task"),
    ([T, "--task", "parity", "--mapping", "many-to-one", "--out", "{o}"], 2, "--mapping applies"),
    ([T, "--data", "{w}/good.npz", "--samples", "3", "--length", "2", "--out", "{o}"], 2,
     "--samples and --length apply to --task only"),
    ([T, "--task", "parity", "--samples", "1", "--val", "0.9", "--out", "{o}"], 2,
     "leaves no training sequence"),
    # -- train: sizes that cannot fit (4 GiB available) ----------------------------------------
    ([T, "--task", "parity", "--hidden", "100000", "--out", "{o}"], 2, "--hidden 100000"),
    ([T, "--task", "parity", "--hidden", str(10 ** 15), "--out", "{o}"], 2, "more than the 4.0 GB"),
    ([T, "--task", "parity", "--layers", str(10 ** 9), "--out", "{o}"], 2, "--layers 1000000000"),
    ([T, "--task", "parity", "--samples", str(10 ** 9), "--out", "{o}"], 2,
     "task parity with --samples 1000000000"),
    ([T, "--task", "parity", "--samples", "2", "--length", str(10 ** 9), "--out", "{o}"], 2,
     "--length 1000000000"),
    ([T, "--task", "copy", "--hidden", "4000", "--batch-size", "2000", "--out", "{o}"], 2,
     "on batches of 1800 sequences of 40 steps"),
    ([T, "--data", "{w}/biglabel.npz", "--output", "softmax", "--out", "{o}"], 2,
     "1000000001 outputs"),
    # -- train: data files --------------------------------------------------------------------
    ([T, "--data", "{w}/missing.npz", "--out", "{o}"], 2, "missing.npz does not exist"),
    ([T, "--data", "{w}/dir.npz", "--out", "{o}"], 2, "dir.npz is a folder"),
    ([T, "--data", "{w}/" + "n" * 5000, "--out", "{o}"], 2, "File name too long"),
    ([T, "--data", "{w}/fifo.npz", "--out", "{o}"], 2, "fifo.npz is not a regular file"),
    ([T, "--data", "{w}/zero.npz", "--out", "{o}"], 2, "zero.npz is not a regular file"),
    ([T, "--data", "{w}/x.npy", "--out", "{o}"], 2, "x.npy is a .npy file"),
    ([T, "--data", "{w}/data.csv", "--out", "{o}"], 2, "data.csv is a CSV file: give --window N"),
    ([T, "--data", "{w}/empty.npz", "--out", "{o}"], 2, "empty.npz is empty"),
    ([T, "--data", "{w}/garbage.npz", "--out", "{o}"], 2, "garbage.npz is not an .npz archive"),
    ([T, "--data", "{w}/trunc.npz", "--out", "{o}"], 2, "trunc.npz"),
    ([T, "--data", "{w}/pk-garbage.npz", "--out", "{o}"], 2, "pk-garbage.npz"),
    ([T, "--data", "{w}/encrypted.npz", "--out", "{o}"], 2, "encrypted.npz: member X.npy is encrypted"),
    ([T, "--data", "{w}/object.npz", "--out", "{o}"], 2, "object.npz"),
    ([T, "--data", "{w}/scalarY.npz", "--out", "{o}"], 2, "Y must have one row per sequence"),
    ([T, "--data", "{w}/oneD.npz", "--out", "{o}"], 2, "X must have shape (batch, steps, features)"),
    ([T, "--data", "{w}/strY.npz", "--out", "{o}"], 2, "strY.npz: Y has dtype <U1"),
    ([T, "--data", "{w}/complex.npz", "--out", "{o}"], 2, "X must hold numbers"),
    ([T, "--data", "{w}/nan.npz", "--out", "{o}"], 2, "X contains"),
    ([T, "--data", "{w}/inf.npz", "--out", "{o}"], 2, "Y contains"),
    ([T, "--data", "{w}/overflow.npz", "--out", "{o}"], 2, "X overflows float32"),
    ([T, "--data", "{w}/emptyX.npz", "--out", "{o}"], 2, "emptyX.npz: X holds no sequences"),
    ([T, "--data", "{w}/nosteps.npz", "--out", "{o}"], 2, "X must have at least one step"),
    ([T, "--data", "{w}/noY.npz", "--out", "{o}"], 2, "missing Y"),
    ([T, "--data", "{w}/fewerY.npz", "--out", "{o}"], 2, "the same number of sequences, got X 8, Y 5"),
    ([T, "--data", "{w}/badmask.npz", "--out", "{o}"], 2, "mask"),
    ([T, "--data", "{w}/good.npz", "--out", "{w}/afile/sub"], 2, "afile"),
    ([T, "--task", "parity", "--out", "{w}/run"], 2, "already holds a run"),
    # -- train: CSV series, .npy pairs, text (formats.py) ------------------------------------
    ([T, "--data", "{w}/series.csv", "--window", "5", "--target", "nope", "--out", "{o}"], 2,
     "series.csv has no column 'nope'"),
    ([T, "--data", "{w}/series.csv", "--window", "5", "--target", "a", "--columns", "a,zz", "--out", "{o}"], 2,
     "series.csv has no column 'zz'"),
    ([T, "--data", "{w}/series.csv", "--window", "5", "--target", "7", "--out", "{o}"], 2,
     "series.csv has 3 columns; --target index 7 is out of range"),
    ([T, "--data", "{w}/series.csv", "--window", "5", "--target", "a,", "--out", "{o}"], 2,
     "--target: expected column names or indices"),
    ([T, "--data", "{w}/nan.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "nan.csv, row 3, column 'a': missing value 'nan'"),
    ([T, "--data", "{w}/blank.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "blank.csv, row 3, column 'a': missing value ''"),
    ([T, "--data", "{w}/ragged.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "ragged.csv, row 3: 2 cells, expected 3"),
    ([T, "--data", "{w}/word.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "word.csv, row 3, column 'a': 'abc' is not a number"),
    ([T, "--data", "{w}/empty.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2, "empty.csv is empty"),
    ([T, "--data", "{w}/blanklines.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "blanklines.csv is empty: no rows"),
    ([T, "--data", "{w}/headeronly.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "headeronly.csv has a header but no data rows"),
    ([T, "--data", "{w}/binary.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "binary.csv is a binary file (a NUL byte at offset 6), not CSV"),
    ([T, "--data", "{w}/short.csv", "--window", "5", "--target", "a", "--out", "{o}"], 2,
     "short.csv: series has 2 steps; windows of length=5 with horizon=1 need at least 6"),
    ([T, "--data", "{w}/good.npz", "--targets", "{w}/y.npy", "--out", "{o}"], 2,
     "--targets applies to other data than a .npz file"),
    ([T, "--data", "{w}/good.npz", "--window", "3", "--out", "{o}"], 2,
     "--window applies to other data than a .npz file"),
    ([T, "--task", "parity", "--horizon", "3", "--out", "{o}"], 2,
     "--horizon applies to other data than --task"),
    ([T, "--data", "{w}/x.npy", "--out", "{o}"], 2, "x.npy is a .npy file (one array): give the "
     "targets as a second one with --targets Y.npy"),
    ([T, "--data", "{w}/x.npy", "--targets", "{w}/y5.npy", "--out", "{o}"], 2,
     "the same number of sequences, got X 8, Y 5"),
    ([T, "--data", "{w}/x.npy", "--targets", "{w}/missing.npy", "--out", "{o}"], 2,
     "missing.npy does not exist"),
    ([T, "--data", "{w}/obj.npy", "--targets", "{w}/y.npy", "--out", "{o}"], 2,
     "obj.npy is not a readable .npy file"),
    ([T, "--data", "{w}/text.npy", "--targets", "{w}/y.npy", "--out", "{o}"], 2,
     "text.npy is not a readable .npy file"),
    ([T, "--text", "{w}/binary.txt", "--out", "{o}"], 2,
     "binary.txt is a binary file (a NUL byte at offset 0), not text"),
    ([T, "--text", "{w}/latin1.txt", "--out", "{o}"], 2, "latin1.txt is not utf-8 text (byte "
     "offset 3)"),
    ([T, "--text", "{w}/empty.txt", "--out", "{o}"], 2, "empty.txt holds 0 characters; "
     "sequences of --window 32 need at least 33"),
    ([T, "--text", "{w}/tiny.txt", "--window", "8", "--out", "{o}"], 2, "tiny.txt holds 2 "
     "characters"),
    ([T, "--text", "{w}/notxt", "--out", "{o}"], 2, "notxt holds no .txt file"),
    ([T, "--text", "{w}/missing.txt", "--out", "{o}"], 2, "missing.txt does not exist"),
    ([T, "--text", "{w}/book.txt", "--output", "softmax", "--out", "{o}"], 2,
     "--output applies to --data only, not to --text"),
    ([T, "--text", "{w}/book.txt", "--target", "a", "--out", "{o}"], 2,
     "--target applies to other data than --text"),
    ([T, "--text", "{w}/book.txt", "--data", "{w}/good.npz", "--out", "{o}"], 2,
     "not allowed with argument --text"),
    # -- train --config -----------------------------------------------------------------------
    ([T, "--config", "{w}/missing.json", "--out", "{o}"], 2, "missing.json"),
    ([T, "--config", "{w}/cfg-list.json", "--out", "{o}"], 2, "cfg-list.json must hold a JSON "
     "object"),
    ([T, "--config", "{w}/cfg-key.json", "--out", "{o}"], 2, "cfg-key.json: 'colour' is not a "
     "train option"),
    ([T, "--config", "{w}/cfg-bad.json", "--out", "{o}"], 2, "cfg-bad.json: argument --hidden: "
     "must be >= 1, got 0"),
    ([T, "--config", "{w}/cfg-broken.json", "--out", "{o}"], 2, "cfg-broken.json"),
    ([T, "--config", "{w}/run/train.json"], 2, "--out DIR is required"),
    ([T, "--config", "{w}/run/train.json", "--task", "parity", "--out", "{w}/run"], 2,
     "already holds a run"),
    # -- train --resume -----------------------------------------------------------------------
    ([T, "--resume", "{w}/plain"], 2, "holds no run to resume"),
    ([T, "--resume", "{w}/missing"], 2, "missing does not exist"),
    ([T, "--resume", "{w}/good.npz"], 2, "good.npz is not a folder"),
    ([T, "--resume", "{w}/run", "--lr", "0.1"], 2, "only --epochs may change, not --lr"),
    ([T, "--resume", "{w}/run", "--epochs", "x"], 2, "--epochs: expected an integer"),
    ([T, "--resume", "{w}/badrun"], 2, "train.json"),
    ([T, "--resume", "{w}/badwindow"], 2, "train.json: spec: 'window' must be an integer >= 1 "
     "or null, got 0"),
    ([T, "--resume", "{w}/badtarget"], 2, "train.json: spec: 'target' must be a list of column "
     "names or null, got 'a'"),
    (["eval", "--model", "{w}/badwindow", "--data", "{w}/series.csv"], 2, "'window' must be"),
    # -- eval ---------------------------------------------------------------------------------
    (["eval"], 2, "required"),
    (["eval", "--model", "{w}/run"], 2, "one of the arguments --task --data --text is required"),
    (["eval", "--model", "{w}/missing", "--task", "parity"], 2, "missing does not exist"),
    (["eval", "--model", "{w}/good.npz", "--task", "parity"], 2, "good.npz is not a folder"),
    (["eval", "--model", "{w}/plain", "--task", "parity"], 2, "plain is not a saved model"),
    (["eval", "--model", "{w}/nested", "--task", "parity"], 2, "config.json is nested too deeply"),
    (["eval", "--model", "{w}/damaged", "--task", "parity"], 2, "params.npz: member layers.0.W0.npy is"),
    (["eval", "--model", "{w}/badrun", "--task", "parity"], 2, "train.json"),
    (["eval", "--model", "{w}/run", "--task", "addition"], 2, "has 2 input features, the model "
     "takes 1"),
    (["eval", "--model", "{w}/run", "--task", "parity", "--samples", str(10 ** 10)], 2,
     "--samples 10000000000"),
    (["eval", "--model", "{w}/run", "--data", "{w}/good.npz", "--samples", "3"], 2,
     "--samples applies to --task only, not to --data"),
    (["eval", "--model", "{w}/run", "--data", "{w}/good.npz", "--seed", "3"], 2,
     "--seed applies to --task only"),
    (["eval", "--model", "{w}/run", "--data", "{w}/x.npy"], 2, "is a .npy file"),
    (["eval", "--model", "{w}/run", "--data", "{w}/scalarY.npz"], 2, "Y must have one row"),
    (["eval", "--model", "{w}/run", "--data", "{w}/oneD.npz"], 2, "does not fit the model"),
    (["eval", "--model", "{w}/run", "--data", "{w}/noY.npz"], 2, "missing Y"),
    (["eval", "--model", "{w}/run", "--data", "{w}/overflow.npz"], 2, "X overflows float32"),
    (["eval", "--model", "{w}/model", "--data", "{w}/badmask.npz"], 2, "mask"),
    (["eval", "--model", "{w}/run", "--task", "parity", "--window", "3"], 2,
     "--window applies to other data than --task"),
    (["eval", "--model", "{w}/run", "--text", "{w}/book.txt"], 2, "run holds no vocab.json: "
     "it is not a character model"),
    (["eval", "--model", "{w}/chars", "--text", "{w}/binary.txt"], 2, "binary.txt is a binary"),
    (["eval", "--model", "{w}/fc", "--data", "{w}/ragged.csv"], 2, "ragged.csv, row 3: 2 cells"),
    (["eval", "--model", "{w}/fc", "--data", "{w}/nan.csv"], 2, "nan.csv has no column 'b'"),
    (["eval", "--model", "{w}/fc", "--data", "{w}/series.csv", "--target", "b,zz"], 2,
     "series.csv has no column 'zz'"),
    (["eval", "--model", "{w}/fc", "--data", "{w}/series.csv", "--columns", "t,a,b"], 2,
     "does not fit the model"),
    # -- predict ------------------------------------------------------------------------------
    (["predict", "--model", "{w}/run", "--data", "{w}/good.npz"], 2, "required: --out"),
    (["predict", "--model", "{w}/fc", "--data", "{w}/ragged.csv", "--out", "{o}"], 2,
     "ragged.csv, row 3: 2 cells, expected 3"),
    (["predict", "--model", "{w}/fc", "--data", "{w}/binary.csv", "--out", "{o}"], 2,
     "binary.csv is a binary file"),
    (["predict", "--model", "{w}/fc", "--data", "{w}/short.csv", "--out", "{o}"], 2,
     "short.csv has no column 'b'"),
    (["predict", "--model", "{w}/run", "--data", "{w}/x.npy", "--targets", "{w}/y.npy", "--out",
      "{o}"], 2, "unrecognized arguments: --targets"),
    (["predict", "--model", "{w}/run", "--data", "{w}/data.csv", "--out", "{o}"], 2,
     "data.csv is a CSV file: give --window N and --target COLUMN"),
    (["predict", "--model", "{w}/plain", "--data", "{w}/good.npz", "--out", "{o}"], 2,
     "not a saved model"),
    (["predict", "--model", "{w}/run", "--data", "{w}/complex.npz", "--out", "{o}"], 2,
     "X must hold numbers"),
    (["predict", "--model", "{w}/run", "--data", "{w}/oneD.npz", "--out", "{o}"], 2,
     "does not fit the model"),
    (["predict", "--model", "{w}/run", "--data", "{w}/good.npz", "--out", "{o}", "--steps", "0"],
     2, "--steps: must be >= 1"),
    (["predict", "--model", "{w}/run", "--data", "{w}/good.npz", "--out", "{o}", "--steps", "4"],
     2, "--steps applies to one-to-many and seq2seq models; this one (many-to-many)"),
    (["predict", "--model", "{w}/one-to-many", "--data", "{w}/good.npz", "--out", "{o}"], 2,
     "needs --steps N"),
    (["predict", "--model", "{w}/one-to-many", "--data", "{w}/good.npz", "--out", "{o}",
      "--steps", str(10 ** 12)], 2, "(8, 1000000000000, 1)"),
    (["predict", "--model", "{w}/run", "--data", "{w}/good.npz", "--out", "{w}/missing/y.npz"],
     2, "does not exist"),
    # -- run, tour, list, bench ---------------------------------------------------------------
    (["run"], 2, "required: experiment"),
    (["run", "nonsense"], 2, "unknown experiment 'nonsense'"),
    (["run", ""], 2, "unknown experiment ''"),
    (["run", "forward", "--seed", "-1"], 2, "--seed: must be >= 0"),
    (["run", "forward", "--out", "{w}/afile/sub"], 2, "afile"),
    (["tour", "--only", ""], 2, "--only: expected experiment names"),
    (["tour", "--only", ","], 2, "--only: expected experiment names"),
    (["tour", "--only", "nonsense"], 2, "unknown experiment 'nonsense'"),
    (["tour", "--only", "forward", "--only", "mappings"], 2, "--only: given more than once"),
    (["tour", "--seed", "x"], 2, "--seed: expected an integer"),
    # -- docs-results (the page is only written when everything was read) ------------------------
    (["docs-results", "{w}/missing"], 2, "missing does not exist"),
    (["docs-results", "{w}/afile"], 2, "afile is not a folder"),
    (["docs-results", "{w}/plain", "--page", "{w}/nope.md"], 2, "--page: "),
    (["docs-results", "{w}/plain", "--page", "{w}/tiny.txt"], 2, "holds no experiment results"),
    (["bench", "--cell", "rnn"], 2, "invalid choice: 'rnn'"),
    (["bench", "--rounds", "0"], 2, "--rounds: must be >= 1"),
    # -- export, import (refused before any optional extra is needed) ---------------------------
    (["export", "{w}/run", "--to", "xyz", "--out", "{o}"], 2, "unknown format --to 'xyz'"),
    (["export", "{w}/plain", "--to", "onnx", "--out", "{o}"], 2, "plain is not a saved model"),
    (["import", "{w}/good.npz", "--out", "{o}"], 2, "required: --cell"),
    # -- sample -------------------------------------------------------------------------------
    (["sample", "{w}/chars"], 2, "required: --prompt"),
    (["sample", "{w}/missing", "--prompt", "a"], 2, "missing does not exist"),
    (["sample", "{w}/run", "--prompt", "a"], 2, "run holds no vocab.json"),
    (["sample", "{w}/chars", "--prompt", ""], 2, "--prompt must hold at least one character"),
    (["sample", "{w}/chars", "--prompt", "a", "--temperature", "0"], 2,
     "--temperature: must be a finite number > 0, got 0"),
    (["sample", "{w}/chars", "--prompt", "a", "--temperature", "-1"], 2, "--temperature"),
    (["sample", "{w}/chars", "--prompt", "a", "--length", "-1"], 2, "--length: must be >= 0"),
    (["import", "{w}/good.npz", "--cell", "rnn", "--out", "{o}"], 2, "invalid choice: 'rnn'"),
    # -- sweep (no cluster starts for any of these) ---------------------------------------------
    (["sweep", "benefit"], 2, "required: --out"),
    (["sweep", "nosuch", "--out", "{o}"], 2, "unknown experiment 'nosuch'"),
    (["sweep", "benefit", "--grid", "lr=0.1", "--out", "{o}"], 2, "unknown parameter 'lr'"),
    (["sweep", "benefit", "--grid", "quick=", "--out", "{o}"], 2, "--grid quick has an empty"),
    (["sweep", "benefit", "--seeds", "9-1", "--out", "{o}"], 2, "--seeds: empty range"),
    (["sweep", "{w}/data.csv:f", "--out", "{o}"], 2, "cannot import module"),
]


def _check(rc, err, status, match):
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert rc == status, err
    assert match in lines[0]


def _argv(row, world, out):
    return [a.replace("{w}", str(world)).replace("{o}", str(out)) for a in row]


@pytest.mark.parametrize("row, status, match", ROWS, ids=[" ".join(r[0])[:60] for r in ROWS])
def test_bad_input_is_one_line_and_touches_nothing(world, tmp_path, monkeypatch, capsys, row,
                                                   status, match):
    monkeypatch.delenv("RNNLAB_DEBUG", raising=False)
    monkeypatch.setattr(_memory, "available_bytes", lambda: 4 * GIB)
    monkeypatch.chdir(tmp_path)                      # default output folders would land here
    before = snapshot(world)
    rc = main(_argv(row, world, tmp_path / "out"))
    _check(rc, capsys.readouterr().err, status, match)
    assert snapshot(world) == before
    assert list(tmp_path.iterdir()) == []            # not even an empty output folder


SUBPROCESS_ROWS = [
    (["run", "nonsense"], 2, "unknown experiment 'nonsense'"),
    ([T, "--data", "{w}/x.npy", "--out", "{o}"], 2, "x.npy is a .npy file"),
    ([T, "--data", "{w}/scalarY.npz", "--out", "{o}"], 2, "Y must have one row per sequence"),
    (["eval", "--model", "{w}/nested", "--task", "parity"], 2, "config.json is nested too deeply"),
    ([T, "--data", "{w}/encrypted.npz", "--out", "{o}"], 2, "encrypted.npz: member X.npy is encrypted"),
    (["tour", "--only", ""], 2, "--only: expected experiment names"),
    ([T, "--data", "{w}/nan.csv", "--window", "1", "--target", "a", "--out", "{o}"], 2,
     "nan.csv, row 3, column 'a': missing value 'nan'"),
]


def test_the_same_through_python_dash_m(world, tmp_path):
    """A real process: the entry point, stderr as the user sees it, the exit status."""
    before = snapshot(world)
    for row, status, match in SUBPROCESS_ROWS:
        done = run(_argv(row, world, tmp_path / "out"), cwd=tmp_path)
        _check(done.returncode, done.stderr, status, match)
        assert done.stdout == ""
    assert snapshot(world) == before
    assert list(tmp_path.iterdir()) == []


def test_the_table_covers_every_subcommand():
    from rnnlab.cli import build_parser
    sub = next(a for a in build_parser()._actions if a.dest == "command")   # noqa: SLF001
    commands = set(sub.choices) - {"list"}
    assert commands <= {r[0][0] for r in ROWS}
