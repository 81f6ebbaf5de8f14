"""What every command shares: the exit-status policy of main, argument types, options given once."""
import argparse
import errno
import warnings

import numpy as np
import pytest

import rnnlab as rl
from cli_support import one_line_error
from rnnlab.cli import build_parser, common, main


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "tour" in out and "RNNLAB_DEBUG=1" in out and "130" in out    # the policy, in --help
    assert main(["train", "--help"]) == 0
    assert "RNNLAB_DEBUG=1" in capsys.readouterr().out
    assert main([]) == 0
    assert main(["--version"]) == 0
    assert rl.__version__ in capsys.readouterr().out


def _command_raising(monkeypatch, exc):
    """`rnnlab list` made to raise exc (the way a bug or a library refusal would surface)."""
    from rnnlab.cli import lecture

    def boom(args):
        raise exc
    monkeypatch.setattr(lecture, "cmd_list", boom)


def test_an_unexpected_exception_is_an_internal_error_line(monkeypatch, capsys):
    monkeypatch.delenv("RNNLAB_DEBUG", raising=False)
    _command_raising(monkeypatch, IndexError("index 3 is out of bounds"))
    line = one_line_error(capsys, main(["list"]), status=1)
    assert line.startswith("rnnlab list: internal error: IndexError: index 3 is out of bounds")
    assert "RNNLAB_DEBUG=1" in line


def test_rnnlab_debug_shows_the_traceback(monkeypatch, capsys):
    _command_raising(monkeypatch, IndexError("index 3 is out of bounds"))
    monkeypatch.setenv("RNNLAB_DEBUG", "1")
    with pytest.raises(IndexError, match="index 3"):
        main(["list"])
    monkeypatch.setenv("RNNLAB_DEBUG", "0")                    # 0 (or empty) means off
    assert main(["list"]) == 1


@pytest.mark.parametrize("exc, expected", [
    (ValueError("n_hidden must be >= 1, got 0"), "rnnlab list: error: n_hidden must be >= 1, got 0"),
    (OSError(errno.ENOSPC, "No space left on device", "/x/params.npz"),
     "rnnlab list: error: /x/params.npz: No space left on device"),
    (PermissionError(errno.EACCES, "Permission denied", "/x/a", None, "/x/b"),
     "rnnlab list: error: /x/a -> /x/b: Permission denied"),
    (MemoryError(), "rnnlab list: error: out of memory"),
    (ImportError("figures need matplotlib: pip install 'rnnlab[plot]'"),
     "rnnlab list: error: figures need matplotlib: pip install 'rnnlab[plot]'"),
    (ValueError("two\nlines"), "rnnlab list: error: two lines"),
])
def test_library_and_system_refusals_are_one_line_and_exit_2(monkeypatch, capsys, exc, expected):
    monkeypatch.delenv("RNNLAB_DEBUG", raising=False)
    _command_raising(monkeypatch, exc)
    assert one_line_error(capsys, main(["list"])).startswith(expected)


def test_ctrl_c_outside_training_exits_130(monkeypatch, capsys):
    _command_raising(monkeypatch, KeyboardInterrupt())
    assert main(["list"]) == 130
    assert capsys.readouterr().err.strip() == "rnnlab list: interrupted"


def test_warnings_are_one_line_each_after_success_and_dropped_on_failure(monkeypatch, capsys):
    from rnnlab.cli import lecture

    def warn(args):
        warnings.warn("first\nsecond line", RuntimeWarning)
        warnings.warn("first\nsecond line", RuntimeWarning)        # the same: shown once
        return 0
    monkeypatch.setattr(lecture, "cmd_list", warn)
    assert main(["list"]) == 0
    assert capsys.readouterr().err.splitlines() == ["rnnlab list: warning: first second line"]

    def warn_then_fail(args):
        warnings.warn("overflow encountered in cast", RuntimeWarning)
        raise ValueError("X overflows float32")
    monkeypatch.setattr(lecture, "cmd_list", warn_then_fail)
    assert one_line_error(capsys, main(["list"])) == "rnnlab list: error: X overflows float32"


@pytest.mark.parametrize("argv, match", [
    (["train", "--task", "parity", "--task", "copy"], "argument --task: given more than once"),
    (["train", "--hidden", "4", "--hidden=5"], "argument --hidden: given more than once"),
    (["train", "--bidirectional", "--bidirectional"], "argument --bidirectional: given more"),
    (["run", "forward", "--quick", "--quick"], "argument --quick: given more than once"),
    (["train", "--task", "parity", "--resume", "."], "not allowed with argument"),
    (["train", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["train", "--hidden", "abc"], "argument --hidden: expected an integer, got 'abc'"),
    (["train", "--hidden", ""], "argument --hidden: expected an integer, got ''"),
    (["train", "--hidden", "-3"], "argument --hidden: must be >= 1, got -3"),
    (["train", "--hidden", "2.5"], "argument --hidden: expected an integer, got '2.5'"),
    (["train", "--lr", "nan"], "argument --lr: must be a finite number > 0, got nan"),
    (["train", "--lr", "inf"], "argument --lr: must be a finite number > 0, got inf"),
    (["train", "--lr", "-1"], "argument --lr: must be a finite number > 0, got -1"),
    (["train", "--val", "x"], "argument --val: expected a number, got 'x'"),
    (["train", "--out"], "argument --out: expected one argument"),
    (["eval", "--task", "parity"], "the following arguments are required: --model"),
])
def test_argument_errors_name_the_argument(tmp_path, monkeypatch, capsys, argv, match):
    monkeypatch.chdir(tmp_path)
    rc = main(argv)
    assert match in one_line_error(capsys, rc)
    assert list(tmp_path.iterdir()) == []


def test_given_records_the_options_on_the_command_line():
    args = build_parser().parse_args(["train", "--resume", ".", "--epochs=3", "--bidirectional"])
    assert common.given(args) == {"resume": "--resume", "epochs": "--epochs",
                                  "bidirectional": "--bidirectional"}
    assert args.hidden == 32 and "hidden" not in common.given(args)


def test_npz_file_says_what_the_path_is(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(3))
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "t.csv").write_text("1,2\n")
    np.savez(tmp_path / "ok.npz", X=np.zeros(2))
    checks = {"a.npy": "is a .npy file", "empty.npz": "is empty", "t.csv": "is not an .npz archive",
              "missing": "does not exist", ".": "is a folder"}
    for name, match in checks.items():
        with pytest.raises(argparse.ArgumentTypeError, match=match):
            common.npz_file(str(tmp_path / name))
    assert common.npz_file(str(tmp_path / "ok.npz")) == tmp_path / "ok.npz"
    with pytest.raises(argparse.ArgumentTypeError, match="is not a folder"):
        common.folder(str(tmp_path / "ok.npz"))


def test_npz_file_refuses_a_fifo_without_opening_it(tmp_path):
    import os
    os.mkfifo(tmp_path / "fifo.npz")                     # opening it would block forever
    with pytest.raises(argparse.ArgumentTypeError, match="is not a regular file"):
        common.npz_file(str(tmp_path / "fifo.npz"))


def test_plural():
    assert [common.plural(n, "epoch") for n in (0, 1, 2)] == ["0 epochs", "1 epoch", "2 epochs"]
