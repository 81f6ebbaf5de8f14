"""The checks on user data files (refusals: test_table.py) and the model shape they imply."""
import numpy as np
import pytest

from rnnlab.cli.common import UsageError
from rnnlab.cli.data import check_arrays, infer_model_args


def test_numbers_of_every_kind_pass():
    arrays = {"X": np.ones((3, 4, 2), np.int8), "Y": np.zeros((3, 4), bool),
              "mask": np.ones((3, 4), np.uint8)}
    check_arrays(arrays, "d.npz", "train")                      # no exception
    big = np.finfo(np.float32).max
    check_arrays({"X": np.full((1, 1, 1), big, np.float64)}, "d.npz", "train")   # just fits


@pytest.mark.parametrize("Y, output, mapping, expected", [
    (np.zeros((5, 7, 3)), None, None, (2, 3, "identity", "many-to-many")),
    (np.zeros((5, 3)), None, None, (2, 3, "identity", "many-to-one")),
    (np.zeros(5), None, None, (2, 1, "identity", "many-to-one")),
    (np.array([[0, 4, 1, 0, 0, 0, 2]] * 5), "softmax", None, (2, 5, "softmax", "many-to-many")),
    (np.array([0, 1, 0, 0, 0]), "softmax", None, (2, 2, "softmax", "many-to-one")),
    (np.zeros((5, 7), bool), "softmax", None, (2, 2, "softmax", "many-to-many")),
    (np.zeros((5, 7, 1)), "sigmoid", "many-to-one", (2, 1, "sigmoid", "many-to-one")),
])
def test_the_model_shape_follows_from_Y(Y, output, mapping, expected):
    X = np.zeros((5, 7, 2))
    assert infer_model_args(X, Y, output, mapping, "d.npz") == expected


def test_negative_labels_are_refused():
    with pytest.raises(UsageError, match="d.npz: Y holds class labels .* got -2"):
        infer_model_args(np.zeros((2, 3, 1)), np.array([[0, -2, 1]] * 2), "softmax", None, "d.npz")


@pytest.mark.parametrize("arrays, match", [
    ({"X": np.zeros((0, 3, 1))}, "d.npz: X holds no sequences"),
    ({"X": np.zeros((2, 3, 1)), "Y": np.float64(1)}, "d.npz: Y must have one row per sequence"),
    ({"X": np.array([[[1e39]]])}, "d.npz: X overflows float32"),
    ({"X": np.zeros((2, 3, 1)), "mask": np.array(["a", "b"])}, "d.npz: mask must hold numbers"),
])
def test_refusals_name_the_file_and_the_array(arrays, match):
    with pytest.raises(UsageError, match=match):
        check_arrays(arrays, "d.npz", "train")
