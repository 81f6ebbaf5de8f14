"""Helpers shared by the command-line tests (tests/cli/)."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import rnnlab as rl
from rnnlab._tree import leaves

SRC = str(Path(rl.__file__).resolve().parents[1])        # the sources under test

TRAIN = ["train", "--task", "parity", "--samples", "64", "--length", "4", "--hidden", "4",
         "--batch-size", "16"]


def one_line_error(capsys, rc, status=2):
    """The one line a failed command printed on stderr (asserting the status and no traceback)."""
    err = capsys.readouterr().err
    assert rc == status, err
    assert "Traceback" not in err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


def params(folder):
    """The parameters of a training folder's current checkpoint, by path."""
    state = json.loads((Path(folder) / "train.json").read_text())
    return {k: v for k, v in leaves(rl.load(Path(folder) / state["checkpoint"]).params)}


def env():
    """The environment for `python -m rnnlab` in a child: these sources first on the path."""
    e = dict(os.environ)
    e["PYTHONPATH"] = SRC + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("RNNLAB_DEBUG", None)
    return e


def run(args, cwd=None, timeout=60):
    """`python -m rnnlab ARGS` in a child process: CompletedProcess with text output."""
    return subprocess.run([sys.executable, "-m", "rnnlab", *args], capture_output=True,
                          text=True, cwd=cwd, env=env(), timeout=timeout)


def snapshot(root):
    """{relative path: (kind, mode, size, mtime_ns, sha256)} of everything under root (links
    not followed; folders: kind and mode): what a command must leave unchanged outside its
    output."""
    out = {}
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = None
            if p.is_file() and not p.is_symlink():
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
            kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
            if kind == "dir":                  # its entries speak for it (its mtime changes
                out[str(p.relative_to(root))] = (kind, st.st_mode)     # when an output appears)
            else:
                out[str(p.relative_to(root))] = (kind, st.st_mode, st.st_size, st.st_mtime_ns,
                                                 digest)
    return out
