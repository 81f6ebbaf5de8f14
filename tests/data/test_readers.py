"""rnnlab.data.readers: CSV, .npy, .npz and text files, and every malformed variant."""
import os

import numpy as np
import pytest

from rnnlab.data import read_csv, read_npy, read_npz, read_text


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def test_csv_with_header_picks_columns_by_name_and_index(tmp_path):
    values = np.random.default_rng(0).standard_normal((5, 3))
    p = tmp_path / "t.csv"
    np.savetxt(p, values, delimiter=",", header="a,b,c", comments="", fmt="%.17g")
    got, names = read_csv(p)
    np.testing.assert_array_equal(got, values)
    assert names == ["a", "b", "c"]
    got, names = read_csv(p, columns=["c", 0])
    np.testing.assert_array_equal(got, values[:, [2, 0]])
    assert names == ["c", "a"]


def test_csv_without_header_is_inferred(tmp_path):
    p = _write(tmp_path, "n.csv", "1,2\n3,4\n")
    got, names = read_csv(p)
    assert got.tolist() == [[1, 2], [3, 4]] and names == ["0", "1"]
    got, _ = read_csv(p, header=True)              # the first row read as names
    assert got.tolist() == [[3, 4]]


@pytest.mark.parametrize("text, kwargs, words", [
    ("a,b\n1,\n", {}, "row 2, column 'b': missing value"),
    ("a,b\n1,NaN\n", {}, "row 2, column 'b': missing value"),
    ("a,b\n1,2\n3\n", {}, "row 3: 1 cells, expected 2"),
    ("a,b\n1,x\n", {}, "row 2, column 'b': 'x' is not a number"),
    ("a,b\n1,inf\n", {}, "'inf' is not finite"),
    ("a,b\n1,1e999\n", {}, "'1e999' is not finite"),
    ("", {}, "is empty"),
    ("a,b\n", {}, "has a header but no data rows"),
    ("a,b\n1,2\n", {"columns": ["c"]}, "has no column 'c'; its columns are 'a', 'b'"),
    ("a,b\n1,2\n", {"columns": [5]}, "column index 5 is out of range"),
    (b"a,b\n1,\x002\n", {}, "binary file (a NUL byte at offset 6)"),
    (b"a,b\n1,\xff\n", {}, "not utf-8 text (byte offset 6)"),
])
def test_malformed_csv_is_refused_with_row_and_column(tmp_path, text, kwargs, words):
    p = _write(tmp_path, "bad.csv", text)
    with pytest.raises(ValueError) as err:
        read_csv(p, **kwargs)
    assert str(p) in str(err.value) and words in str(err.value)


def test_npy_and_npz(tmp_path):
    a = np.arange(6.0).reshape(2, 3)
    np.save(tmp_path / "a.npy", a)
    np.savez(tmp_path / "b.npz", X=a, Y=a[:, 0])
    np.testing.assert_array_equal(read_npy(tmp_path / "a.npy"), a)
    z = read_npz(tmp_path / "b.npz", names=["Y"])
    assert list(z) == ["Y"] and z["Y"].tolist() == [0.0, 3.0]
    with pytest.raises(ValueError, match="is an .npy file, not an .npz archive"):
        read_npz(tmp_path / "a.npy")
    with pytest.raises(ValueError, match="is an .npz archive, not an .npy file"):
        read_npy(tmp_path / "b.npz")
    with pytest.raises(ValueError, match="has no array 'mask' \\(it has X, Y\\)"):
        read_npz(tmp_path / "b.npz", names=["mask"])


def test_pickled_objects_are_never_loaded(tmp_path):
    marker = tmp_path / "ran"

    class Boom:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    np.save(tmp_path / "o.npy", np.array([Boom()], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a readable .npy file"):
        read_npy(tmp_path / "o.npy")
    assert not marker.exists()


@pytest.mark.parametrize("reader", [read_csv, read_npy, read_npz, read_text])
def test_only_regular_files_are_read(tmp_path, reader):
    with pytest.raises(FileNotFoundError, match="no such file"):
        reader(tmp_path / "absent")
    with pytest.raises(ValueError, match="is a folder"):
        reader(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)                                 # reading it would block forever
    with pytest.raises(ValueError, match="not a regular file"):
        reader(fifo)


def test_text(tmp_path):
    assert read_text(_write(tmp_path, "t.txt", "héllo\n")) == "héllo\n"
