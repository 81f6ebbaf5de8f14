"""rnnlab._tree: parameter trees (nested dicts and lists with array leaves), their paths, maps
and the global norm."""
import numpy as np
import pytest

from rnnlab import _tree

TREE = {"output": {"b1": np.array([3.0]), "W1": np.array([[4.0]])},
        "layers": [{"W0": np.array([1.0, 2.0])}, {"f": np.zeros(2), "b": np.ones(1)}],
        "h0": ((np.array([5.0]),),)}


def test_leaves_in_a_fixed_order_with_their_paths():
    paths = [p for p, _ in _tree.leaves(TREE)]
    assert paths == [("h0", 0, 0), ("layers", 0, "W0"), ("layers", 1, "b"), ("layers", 1, "f"),
                     ("output", "W1"), ("output", "b1")]          # dict keys sorted
    assert dict(_tree.leaves(TREE))[("output", "W1")] is TREE["output"]["W1"]   # no copies
    assert _tree.path_str(("layers", 0, "W11")) == "layers.0.W11"


def test_map_tree_keeps_the_structure():
    doubled = _tree.map_tree(lambda a: 2 * a, TREE)
    assert isinstance(doubled["layers"], list) and isinstance(doubled["h0"], tuple)
    assert isinstance(doubled["h0"][0], tuple)
    for (p, a), (q, b) in zip(_tree.leaves(TREE), _tree.leaves(doubled)):
        assert p == q
        np.testing.assert_array_equal(b, 2 * a)


def test_zip_map_pairs_the_leaves():
    diff = _tree.zip_map(lambda a, b: a - b, TREE, _tree.map_tree(np.ones_like, TREE))
    np.testing.assert_array_equal(diff["layers"][0]["W0"], [0.0, 1.0])
    np.testing.assert_array_equal(diff["h0"][0][0], [4.0])


def test_global_norm_is_the_norm_of_every_entry():
    # 1 + 4 + 0 + 0 + 1 + 16 + 9 + 25 = 56
    assert _tree.global_norm(TREE) == pytest.approx(np.sqrt(56.0), rel=1e-15)
    big = {"a": np.full(4, 1e30, dtype=np.float32)}                 # squares overflow float32
    assert _tree.global_norm(big) == pytest.approx(2e30, rel=1e-6)
