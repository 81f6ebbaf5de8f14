"""Tampered checkpoints: every damaged, hostile or odd file is refused with rl.CheckpointError
naming the file. Each refusal is quick and small: it takes under a second, allocates little
(tracemalloc), never blocks on a FIFO or device, and never unpickles."""
import json
import os
import signal
import struct
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import numpy as np
import pytest

import rnnlab as rl

X = np.linspace(-1, 1, 2 * 4 * 2).reshape(2, 4, 2)
PEAK = 8 << 20                        # no refusal may allocate more than 8 MB


@pytest.fixture
def saved(tmp_path):
    """A saved Elman model with non-default weights, its folder, and the original bytes."""
    m = rl.RNN(2, 3, 1, seed=3)
    for a in m.params["layers"][0].values():
        a += np.arange(a.size, dtype=a.dtype).reshape(a.shape) / 7
    folder = tmp_path / "m"
    m.save(folder)
    return m, folder, (folder / "params.npz").read_bytes(), (folder / "config.json").read_bytes()


@contextmanager
def _deadline(seconds):
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""
    def expire(*_):
        raise TimeoutError(f"took longer than {seconds} s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _load(folder):
    """rl.load(folder), timed and its peak allocation measured: (model or error, seconds, peak)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with _deadline(5):
            result = rl.load(folder)
    except rl.CheckpointError as err:
        result = err
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def _refused(folder, match=None):
    result, seconds, peak = _load(folder)
    assert isinstance(result, rl.CheckpointError), f"loaded {result!r}"
    assert isinstance(result, ValueError)
    assert str(folder) in str(result)                  # the message names the file
    if match:
        assert match in str(result), str(result)
    assert seconds < 1 and peak < PEAK, (seconds, peak)
    return str(result)


def _same(model, back):
    from rnnlab._tree import leaves
    a, b = dict(leaves(model.params)), dict(leaves(back.params))
    return (a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype
                                         for k in a)
            and np.array_equal(model.predict(X), back.predict(X)))


def _flip_cases(data, n, seed):
    """n (position, xor mask) pairs spread over the whole file, fixed by the seed."""
    rng = np.random.default_rng(seed)
    positions = np.linspace(0, len(data) - 1, n).astype(int)
    return [(int(p), int(rng.integers(1, 256))) for p in positions]


@pytest.mark.parametrize("name", ["params.npz", "config.json"])
def test_byte_flips_are_refused_or_harmless(saved, name):
    """Flip bytes across the whole file (a few hundred positions): each is refused, or (a flip
    in a field nothing depends on, such as a timestamp) loads the very same model."""
    model, folder, params, config = saved
    data = params if name == "params.npz" else config
    refused = harmless = 0
    for pos, mask in _flip_cases(data, 300 if name == "params.npz" else 150, seed=len(name)):
        damaged = bytearray(data)
        damaged[pos] ^= mask
        (folder / name).write_bytes(bytes(damaged))
        result, seconds, peak = _load(folder)
        assert seconds < 1 and peak < PEAK, (pos, seconds, peak)
        if isinstance(result, rl.CheckpointError):
            assert str(folder) in str(result)
            refused += 1
        else:
            assert _same(model, result), f"a flip at byte {pos} changed the model silently"
            harmless += 1
    (folder / name).write_bytes(data)
    assert _same(model, rl.load(folder))
    assert refused > 0.7 * (refused + harmless)         # the CRC and the checks catch most


@pytest.mark.parametrize("name", ["params.npz", "config.json"])
def test_truncations_are_refused(saved, name):
    _, folder, params, config = saved
    data = params if name == "params.npz" else config
    for size in sorted({0, 1, 2, 21, 22, len(data) - 1, *range(0, len(data), len(data) // 40)}):
        (folder / name).write_bytes(data[:size])
        _refused(folder)


def _npz(folder, arrays, **kw):
    with zipfile.ZipFile(folder / "params.npz", "w", **kw) as z:
        for k, a in arrays.items():
            with z.open(f"{k}.npy", "w") as f:
                np.lib.format.write_array(f, np.asarray(a), allow_pickle=True)


def _arrays(model):
    from rnnlab._tree import leaves, path_str
    return {path_str(p): a.copy() for p, a in leaves(model.params)}


def test_wrong_shapes_dtypes_and_members_are_refused(saved):
    model, folder, _, _ = saved
    arrays = _arrays(model)
    for change, match in [
        ({"layers.0.W11": np.zeros((4, 4), np.float32)}, "has shape (4, 4)"),
        ({"layers.0.W11": np.zeros((3, 3), np.float64)}, "dtype float64"),
        ({"layers.0.W11": np.zeros((3, 3), ">f4")}, "dtype >f4"),
        ({"layers.0.W11": np.zeros(9, np.float32)}, "has shape (9,)"),
        ({"output.b1": np.array([np.nan], np.float32)}, "NaN or inf"),
        ({"extra": np.zeros(2)}, "unexpected ['extra']"),
    ]:
        _npz(folder, {**arrays, **change})
        _refused(folder, match)
    _npz(folder, {k: v for k, v in arrays.items() if k != "output.b1"})
    _refused(folder, "missing ['output.b1']")
    with zipfile.ZipFile(folder / "params.npz", "w") as z:    # a member that is not an array
        z.writestr("notes.txt", "hello")
    _refused(folder, "notes.txt")


def test_an_unexpected_member_is_refused_before_it_is_decompressed(saved, tmp_path):
    """An extra member that would inflate to 2 GB: refused from the zip directory alone."""
    model, folder, _, _ = saved
    _npz(folder, _arrays(model))
    with zipfile.ZipFile(folder / "params.npz", "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("bomb.npy", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(64):                        # 64 MB of zeros: a 64 KB member
                f.write(chunk)
    _refused(folder, "bomb")


def _patch_central(path, member, offset, fmt, value):
    """Overwrite a field of `member`'s central directory record (offset from its signature)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    struct.pack_into(fmt, data, pos + offset, value)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("offset, fmt, value, match", [
    (24, "<I", 0xFFFFFFF0, "declares"),                # a 4 GB uncompressed size
    (10, "<H", 12, "compression method 12"),           # bzip2
    (10, "<H", 99, "compression method 99"),           # an unknown method
    (8, "<H", 0x1, "encrypted"),                       # the encryption flag bit
])
def test_zip_directory_fields_are_refused(saved, offset, fmt, value, match):
    _, folder, _, _ = saved
    _patch_central(folder / "params.npz", "layers.0.W11.npy", offset, fmt, value)
    _refused(folder, match)


def test_a_huge_declared_shape_is_refused_without_allocating(saved):
    """The config says n_hidden=12000 (a 1.7 GB model), the arrays are tiny; or the .npy header
    declares a huge array: refused from the headers, nothing allocated."""
    model, folder, _, config = saved
    doc = json.loads(config)
    for h in (12000, 10 ** 6, 10 ** 12):
        doc["config"]["n_hidden"] = h
        (folder / "config.json").write_text(json.dumps(doc))
        _refused(folder)
    (folder / "config.json").write_bytes(config)
    data = bytearray((folder / "params.npz").read_bytes())
    old = b"'shape': (3, 3)"
    i = data.find(old)
    data[i:i + len(old)] = b"'shape': (9**9,)"[:len(old)].ljust(len(old))
    (folder / "params.npz").write_bytes(bytes(data))
    _refused(folder)


def test_pickles_are_never_executed(saved, tmp_path):
    """An object array whose unpickling would create a file: refused from its header."""
    model, folder, _, _ = saved
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    obj = np.empty(1, dtype=object)
    obj[0] = Evil()
    _npz(folder, {**_arrays(model), "output.b1": obj})
    _refused(folder, "never pickled")
    assert not marker.exists()


def test_files_that_are_not_regular_are_refused_without_blocking(saved, tmp_path):
    import shutil
    model, folder, params, config = saved
    other = tmp_path / "other.json"
    other.write_bytes(config)
    for name, make in [
        ("params.npz", os.mkfifo),
        ("config.json", os.mkfifo),
        ("params.npz", lambda p: os.symlink("/dev/zero", p)),
        ("config.json", lambda p: os.symlink("/dev/zero", p)),
        ("config.json", lambda p: os.symlink("/dev/urandom", p)),
        ("config.json", lambda p: os.symlink(other, p)),          # links are not followed
        ("config.json", lambda p: os.symlink(tmp_path / "nothing", p)),
        ("params.npz", os.mkdir),
        ("params.npz", lambda p: None),                            # missing
    ]:
        shutil.rmtree(folder)
        folder.mkdir()
        (folder / "params.npz").write_bytes(params)
        (folder / "config.json").write_bytes(config)
        (folder / name).unlink()
        make(folder / name)
        _refused(folder, name)
    os.mkfifo(tmp_path / "fifo")                                  # the folder itself
    _refused(tmp_path / "fifo")
    _refused(tmp_path / "does-not-exist")
    os.symlink("/dev/zero", tmp_path / "zero")
    _refused(tmp_path / "zero")


@pytest.mark.parametrize("text, match", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (b"\xff\xfe{}", "not UTF-8"),
    ("{oops", "not valid JSON"),
    (" " * (2 << 20), "more than"),                      # a size limit: 1 MiB
    (json.dumps({"format": "other"}), "not an rnnlab model"),
    (json.dumps({"format": "rnnlab-model", "version": 99, "config": {}}), "format version 99"),
    (json.dumps({"format": "rnnlab-model", "version": True, "config": {}}), "format version True"),
    (json.dumps({"format": "rnnlab-model", "version": 1, "config": []}), "not an rnnlab model"),
    (json.dumps({"format": "rnnlab-model", "version": 1,
                 "config": {"n_in": 2, "n_hidden": 3, "n_out": 1, "cell": "nope"}}),
     "invalid configuration"),
    (json.dumps({"format": "rnnlab-model", "version": 1,
                 "config": {"n_in": 2, "n_hidden": 3, "n_out": 1, "evil": 1}}),
     "invalid configuration"),
    (json.dumps({"format": "rnnlab-model", "version": 1,
                 "config": {"n_in": "2", "n_hidden": 3, "n_out": 1}}), "invalid configuration"),
])
def test_bad_configurations_are_refused(saved, text, match):
    _, folder, _, _ = saved
    (folder / "config.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    _refused(folder, match)


def test_the_error_is_exported_and_a_value_error():
    assert issubclass(rl.CheckpointError, ValueError)
    assert rl.CheckpointError is rl.io.CheckpointError
