"""The plan of a sweep: grids, seeds, targets and the runs' ids (no Dask needed)."""
import hashlib

import pytest

import sweep_targets as targets
from rnnlab.sweeps import plan as planmod

FN = planmod.Target("f", targets.noisy)


# -- the plan (no Dask) ---------------------------------------------------------------------------

def test_a_dict_grid_is_the_cartesian_product_in_key_order():
    configs = planmod.settings({"a": [1, 2], "b": ["x", "y", "z"]}, FN)
    assert configs == [{"a": a, "b": b} for a in (1, 2) for b in "xyz"]


def test_a_list_grid_is_taken_as_it_is_and_seeds_vary_fastest():
    runs = planmod.plan([{"a": 3}, {"a": 1, "b": True}], [5, 2], FN)
    assert [(r.config, r.seed) for r in runs] == [({"a": 3}, 5), ({"a": 3}, 2),
                                                  ({"a": 1, "b": True}, 5),
                                                  ({"a": 1, "b": True}, 2)]


def test_run_ids_hash_the_canonical_json_of_config_and_seed():
    text = '{"config":{"a":1,"b":"x"},"seed":3}'              # keys sorted, no spaces
    assert planmod.run_id({"b": "x", "a": 1}, 3) == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert planmod.run_id({"a": 1}, 0) != planmod.run_id({"a": 1.0 + 1e-12}, 0)
    assert planmod.run_id({"a": 1}, 0) != planmod.run_id({"a": 1}, 1)


@pytest.mark.parametrize("grid, exc, words", [
    ({}, ValueError, "empty"),
    ([], ValueError, "empty"),
    ({"a": []}, ValueError, "grid['a']: empty"),
    ({"a": 3}, TypeError, "grid['a']: expected a list"),
    ({"a": [object()]}, TypeError, "grid['a']: values must be"),
    ([{"a": 1}, {"a": 1}], ValueError, "more than once"),
    ("a=1", TypeError, "dict of lists or a list of dicts"),
])
def test_a_bad_grid_is_refused_naming_the_parameter(grid, exc, words):
    with pytest.raises(exc, match=words.replace("[", r"\[").replace("]", r"\]")):
        planmod.settings(grid, FN)


def test_an_experiment_takes_only_quick_and_seeds():
    exp = planmod.resolve_target("forward")
    assert exp.is_experiment
    assert planmod.settings(None, exp) == [{"quick": False}]
    assert planmod.settings({"quick": [True]}, exp) == [{"quick": True}]
    with pytest.raises(ValueError, match="unknown parameter 'lr' for experiment 'forward'"):
        planmod.settings({"lr": [0.1]}, exp)
    with pytest.raises(ValueError, match="unknown experiment 'nosuch'"):
        planmod.resolve_target("nosuch")


@pytest.mark.parametrize("text, seeds", [("0-3", [0, 1, 2, 3]), ("4", [4]),
                                         ("0-1,7,9-10", [0, 1, 7, 9, 10])])
def test_seed_ranges(text, seeds):
    assert planmod.parse_seeds(text) == seeds


@pytest.mark.parametrize("seeds, exc", [("3-1", ValueError), ("a", ValueError),
                                        ("1,1", ValueError), ("-2", ValueError)])
def test_bad_seeds_are_refused(seeds, exc):
    with pytest.raises(exc, match="seeds"):
        planmod.parse_seeds(seeds)
