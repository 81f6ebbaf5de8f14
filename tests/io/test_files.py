"""rnnlab.io's single files and folders: modes follow the umask, nothing is overwritten without
being asked, failed writes leave the old file and name the new one, stale temporaries of dead
writers are removed (live ones are not), and only regular files are read."""
import fcntl
import os
import stat
import subprocess
import sys
import textwrap
from contextlib import contextmanager

import numpy as np
import pytest

import rnnlab as rl
from rnnlab import io


@contextmanager
def umask(mask):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_modes_follow_the_umask_as_open_does(tmp_path, mask):
    with umask(mask):
        with open(tmp_path / "reference", "w"):
            pass
        io.write_json(tmp_path / "a.json", {"x": 1})
        io.write_npz(tmp_path / "a.npz", {"x": np.zeros(2)})
        rl.RNN(1, 2, 1).save(tmp_path / "m")
    want = stat.S_IMODE(os.stat(tmp_path / "reference").st_mode)
    assert want == 0o666 & ~mask
    for p in ("a.json", "a.npz", "m/params.npz", "m/config.json"):
        assert stat.S_IMODE(os.stat(tmp_path / p).st_mode) == want, p
    assert stat.S_IMODE(os.stat(tmp_path / "m").st_mode) == 0o777 & ~mask


def test_existing_files_are_replaced_only_when_asked(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("theirs")
    with pytest.raises(FileExistsError, match=r"results.json exists.*pass --force"):
        io.write_json(target, {"x": 1}, flag="--force")
    assert target.read_text() == "theirs"
    io.write_json(target, {"x": 1}, overwrite=True)
    assert io.read_json(target) == {"x": 1}
    link = tmp_path / "link.json"                          # a link is replaced, its target is not
    os.symlink(target, link)
    io.write_json(link, {"y": 2}, overwrite=True)
    assert io.read_json(target) == {"x": 1} and not os.path.islink(link)
    assert sorted(os.listdir(tmp_path)) == ["link.json", "results.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.bin"
    io.write_bytes(target, b"old")

    def boom(f):
        f.write(b"half")
        raise OSError(28, "No space left on device")
    with pytest.raises(OSError, match="No space left on device") as info:
        io.atomic_write(target, boom, overwrite=True)
    assert info.value.filename == str(target)              # the file asked for, not a temporary
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.bin"]


def test_a_full_disk_names_the_file(tmp_path):
    """A real write failure (the file size limit standing in for a full disk) names the file."""
    code = textwrap.dedent(f"""
        import resource, signal, rnnlab as rl
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            rl.RNN(2, 64, 1).save({str(tmp_path / 'm')!r})
        except OSError as err:
            print("OSError", err)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), timeout=60)
    assert "OSError" in out.stdout and str(tmp_path / "m") in out.stdout, out.stdout + out.stderr
    assert os.listdir(tmp_path) == []                      # nothing half-written stays


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "train.json"
    stale_file = tmp_path / ".train.json.rnnlab-tmp-dead01"
    stale_file.write_bytes(b"half")
    stale_dir = tmp_path / ".train.json.rnnlab-tmp-dead02"
    stale_dir.mkdir()
    (stale_dir / "x").write_bytes(b"half")
    live = tmp_path / ".train.json.rnnlab-tmp-live01"      # a writer that is still writing
    live.write_bytes(b"busy")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    other = tmp_path / ".other.rnnlab-tmp-dead03"          # another target's: not ours to judge
    other.write_bytes(b"x")
    try:
        io.write_json(target, {})
        assert sorted(os.listdir(tmp_path)) == sorted([
            "train.json", live.name, other.name])
    finally:
        os.close(fd)


def test_only_regular_files_are_read(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    os.symlink("/dev/zero", tmp_path / "zero")
    (tmp_path / "big.json").write_text(" " * 100 + "{}")
    for path, kw, match in [(tmp_path / "fifo", {}, "a FIFO"),
                            (tmp_path / "zero", {}, "a symbolic link"),
                            (tmp_path / "zero", {"follow": True}, "a character device"),
                            (tmp_path, {}, "a folder"),
                            (tmp_path / "none", {}, "is missing"),
                            (tmp_path / "big.json", {"limit": 50}, "more than the 50")]:
        with pytest.raises(rl.CheckpointError, match=match):
            io.read_json(path, **kw)


def test_data_archives_are_checked_like_checkpoints(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros(3))
    with pytest.raises(rl.CheckpointError, match=r"x.npy is a .npy file"):
        io.read_npz(tmp_path / "x.npy")
    obj = np.empty(1, dtype=object)
    np.savez(tmp_path / "o.npz", X=obj)
    with pytest.raises(rl.CheckpointError, match="never pickled"):
        io.read_npz(tmp_path / "o.npz")
    X = np.arange(6.0).reshape(2, 3)
    np.savez_compressed(tmp_path / "ok.npz", X=X, F=np.asfortranarray(X), b=np.array([True]))
    back = io.read_npz(tmp_path / "ok.npz")
    for k, v in {"X": X, "F": X, "b": np.array([True])}.items():
        np.testing.assert_array_equal(back[k], v)
    with pytest.raises(rl.CheckpointError, match="more than the 10 expected"):
        io.read_npz(tmp_path / "ok.npz", max_bytes=10)


def test_an_output_is_never_an_input(tmp_path):
    data = tmp_path / "d.npz"
    data.write_bytes(b"x")
    os.symlink(data, tmp_path / "alias.npz")
    os.link(data, tmp_path / "hard.npz")
    for out in (data, tmp_path / "alias.npz", tmp_path / "hard.npz", tmp_path / "." / "d.npz"):
        with pytest.raises(ValueError, match="is the input"):
            io.check_distinct(out, [data])
    io.check_distinct(tmp_path / "y.npz", [data])


def test_a_folder_swapped_while_read_is_never_read_mixed(tmp_path):
    """A reader that opened the folder reads that version or nothing: after a save replaced it,
    the old version's files are gone (an error, which rl.load answers by reading again), never
    the new params.npz under the old config.json."""
    a, b = rl.RNN(2, 3, 1, seed=1), rl.RNN(2, 3, 1, seed=2, output="sigmoid")
    a.save(tmp_path / "m")
    with io.Folder(tmp_path / "m") as folder:
        assert folder.read_json("config.json")["config"]["output"] == "identity"
        b.save(tmp_path / "m", overwrite=True)
        with pytest.raises(rl.CheckpointError, match="params.npz is missing"):
            folder.open("params.npz")
        assert folder.changed()
    assert rl.load(tmp_path / "m").output == "sigmoid"
