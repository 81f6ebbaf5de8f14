"""The benefit-of-recurrence experiment: a short training run generalises from 8 to 64 bits, a
tiny run of the experiment fills its tables with what the issue asks for, and its seeds give the
same tables whether they run here or on 1 or 2 Dask workers."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.experiments import benefit

TINY = dict(seeds=2, n_train=1000, train_bits=8, hidden=8, epochs=15, lr=0.03, lengths=(8, 64),
            n_test=20, mlp_bits=(4, 6), mlp_hidden=16, mlp_steps=200, mlp_heldout=50,
            mlp_lr=0.01, exact_bits=2000, long_bits=200)


@pytest.mark.training
def test_training_on_8_bits_generalises_to_64_bits():
    """Every one of 8 seeds added all 100 test pairs of 64 bits exactly (a robust setting)."""
    X, Y = rl.tasks.addition(1000, 8, random_state=0)
    model = rl.RNN(2, 8, 1, output="sigmoid", seed=0)
    model.fit(X, Y, lr=0.03, epochs=15, batch_size=32, seed=0)
    Xt, Yt = rl.tasks.addition(100, 64, random_state=1)
    a, b, s = rl.tasks.binary.decode_addition(Xt, (model.predict(Xt) > 0.5).astype(np.float32))
    assert all(int(x) + int(y) == int(z) for x, y, z in zip(a, b, s))   # every sum exact


@pytest.fixture(scope="module")
def result():
    return benefit.run_with(dict(TINY), seed=0)


def test_rnn_tables_cover_every_seed_and_length(result):
    exact, bits = result.tables["rnn_exact"], result.tables["rnn_bits"]
    assert exact.columns[3:5] == ["8 bits", "64 bits"]
    assert [r[:2] for r in exact.rows] == [["addition", 0], ["addition", 1],
                                            ["parity", 0], ["parity", 1]]
    for e, b in zip(exact.rows, bits.rows):
        assert all(0 <= v <= 1 for v in e[3:5] + b[2:4])
        assert all(pe <= pb for pe, pb in zip(e[3:5], b[2:4]))   # a right sequence has right bits
        assert e[5] == ("yes" if min(e[3:5]) == 1.0 else "NO")
    gen = {r[0]: r for r in result.tables["generalisation"].rows}
    for task in ("addition", "parity"):
        ok = sum(r[5] == "yes" for r in exact.rows if r[0] == task)
        assert gen[task][1:4] == [2, ok, ok / 2]


def test_mlp_table_shows_input_space_and_fixed_size(result):
    rows = result.tables["mlp"].rows
    assert [(r[0], r[1]) for r in rows] == [("addition", 4), ("addition", 6),
                                            ("parity", 4), ("parity", 6)]
    spaces = {("addition", 4): 256, ("addition", 6): 4096, ("parity", 4): 16, ("parity", 6): 64}
    for r in rows:
        assert r[2] == spaces[(r[0], r[1])]
        assert r[3] + r[4] <= r[2]                             # distinct examples
        assert r[8] == "ValueError"                      # the message once, in the note
        assert r[6] <= r[7] if r[0] == "addition" else r[6] == r[7]   # parity: one bit


def test_mlp_table_states_the_shared_reason_once(result):
    note = result.tables["mlp"].note
    assert note.count("ValueError") == 1 and "mapping='one-to-one'" in note
    assert "X must have shape (batch, 6) for mapping='one-to-one', got (1, 12)" in note  # parity 6


def test_shared_reason_keeps_rows_that_differ():
    rows = [["addition", 4, "ValueError: X must have shape (batch, 8)"],
            ["addition", 8, "accepted (unexpected)"]]
    assert benefit._shared_reason(rows) == (rows, "")


def test_exact_and_extracted_machines(result):
    for row in result.tables["exact"].rows:
        assert row[3] == 2000 and row[5] == 1.0 and row[7] < 1e-6
    # every tiny adder generalises, and so does parity's seed 0; the machine of each network
    # that generalised minimises to 2 states that reproduce the network on held-out inputs and
    # solve the task itself at 200 bits
    general = {(r[0], r[1]): r[5] == "yes" for r in result.tables["rnn_exact"].rows}
    assert general[("addition", 0)] and general[("addition", 1)] and general[("parity", 0)]
    for row in result.tables["extraction"].rows:
        if general[(row[0], row[1])]:
            assert row[3] == 1.0 and row[4] == 2 and row[5] == 1.0
    carry = [[0, "00", 0, 0], [0, "01", 0, 1], [0, "10", 0, 1], [0, "11", 1, 0],
             [1, "00", 0, 1], [1, "01", 1, 0], [1, "10", 1, 0], [1, "11", 1, 1]]
    assert result.tables["automaton"].rows == carry


def test_each_seed_is_a_run_of_its_own(result):
    """seed_run(config, seed) alone gives that seed's rows: no run depends on the ones before."""
    config = dict({k: TINY[k] for k in benefit.SEED_KEYS}, task="parity", test_seed=0)
    alone = benefit.seed_run(config, 1)
    row = next(r for r in result.tables["rnn_exact"].rows if r[:2] == ["parity", 1])
    assert row[2:-1] == [alone["loss"], *alone["exact"]]
    ext = next(r for r in result.tables["extraction"].rows if r[:2] == ["parity", 1])
    assert ext[2:] == [alone["extraction"]["n_clusters"], alone["extraction"]["agreement"],
                       len(alone["extraction"]["automaton"]["transitions"]),
                       alone["machine_exact"]]


def _table_dicts(res):
    return {name: t.as_dict() for name, t in res.tables.items()}


def test_the_same_tables_on_1_and_2_workers(pools, result):
    one = benefit.run_with(dict(TINY), seed=0, pool=pools[1])
    two = benefit.run_with(dict(TINY), seed=0, pool=pools[2])
    assert _table_dicts(one) == _table_dicts(two)                  # bit for bit
    assert _table_dicts(one).keys() == _table_dicts(result).keys()
    assert one.figures["hidden_states_pca"].data["pca"]["parity"][0].tolist() == \
        two.figures["hidden_states_pca"].data["pca"]["parity"][0].tolist()


def test_without_dask_the_seeds_run_here(without_dask, result):
    assert _table_dicts(benefit.run_with(dict(TINY), seed=0)) == _table_dicts(result)


def test_figures_draw(result):
    plt = pytest.importorskip("matplotlib.pyplot")
    assert set(result.figures) == {"accuracy_vs_length", "hidden_states_pca", "automaton"}
    assert "state 1 is the carry" in result.figures["automaton"].caption   # 2 exact states
    for draw in result.figures.values():
        assert len(draw.caption) > 40
        fig = plt.figure()
        draw(fig)
        assert fig.axes
        plt.close(fig)


def test_module_interface():
    assert benefit.NAME == "benefit" and benefit.TITLE and benefit.DESCRIPTION.strip()
    assert set(benefit.SETTINGS["full"]) == set(TINY)
    assert benefit.SETTINGS["full"]["seeds"] >= 5
    assert benefit.SETTINGS["full"]["lengths"] == (8, 16, 64, 256, 1024, 10000)


def _tables(add_ok=5, par_ok=3, mlp_add=0.0, mlp_par=0.49, exact=1.0, states=2,
            other="ValueError"):
    """Synthetic tables of the shapes the experiment writes: 5 seeds per task, lengths 8 and 16,
    MLPs at n = 4 and 16."""
    from rnnlab.experiments import Table
    rnn = [[task, s, 0.01, 1.0, 1.0 if s < ok else 0.2, "yes" if s < ok else "NO"]
           for task, ok in (("addition", add_ok), ("parity", par_ok)) for s in range(5)]
    gen = [["addition", 5, add_ok, add_ok / 5, "-"], ["parity", 5, par_ok, par_ok / 5, "-"]]
    cols = ["task", "n", "input space", "train examples", "held-out examples", "train exact",
            "held-out exact", "held-out per bit", "applied to a 2n-bit input"]
    mlp = [["addition", 4, 256, 192, 64, 1.0, 1.0, 1.0, other],
           ["addition", 16, 2 ** 32, 2000, 500, 0.01, mlp_add, 0.6, other],
           ["parity", 4, 16, 12, 4, 1.0, 0.5, 0.5, other],
           ["parity", 16, 2 ** 16, 2000, 500, 0.56, mlp_par, mlp_par, other]]
    extraction = [[task, s, 8, 1.0, states if task == "addition" else 2, 1.0]
                  for task in ("addition", "parity") for s in range(5)]
    return {"rnn_exact": Table("", ["task", "seed", "loss", "8 bits", "16 bits", "exact"], rnn),
            "generalisation": Table("", ["task", "seeds", "ok", "fraction", "failing"], gen),
            "mlp": Table("", cols, mlp),
            "exact": Table("", [], [["exact_adder", 9, 118, 100, 2, exact, exact, 0.0],
                                    ["exact_parity", 5, 41, 100, 2, 1.0, 1.0, 0.0]]),
            "extraction": Table("", [], extraction)}


CFG = dict(train_bits=8, lengths=(8, 16), exact_bits=100, long_bits=50)


@pytest.mark.parametrize("kw, verdicts", [
    ({}, [True, True, True, True, True, True]),
    (dict(add_ok=2), [False, True, True, True, True, True]),      # 2/5 adders: not most
    (dict(par_ok=1), [True, False, True, True, True, True]),      # 1/5: not a third
    (dict(other="accepted (unexpected)"), [True, True, False, True, True, True]),
    (dict(mlp_add=0.9), [True, True, True, False, True, True]),   # an MLP that generalised
    (dict(mlp_par=0.9), [True, True, True, False, True, True]),
    (dict(exact=0.5), [True, True, True, True, False, True]),
    (dict(states=3), [True, True, True, True, True, False]),      # not the carry machine
    (dict(add_ok=0), [False, True, True, True, True, False]),     # no exact adder to read
])
def test_claims_follow_the_numbers(kw, verdicts):
    got = benefit.claims(_tables(**kw), CFG)
    assert [c.passed for c in got] == verdicts
    assert all(c.text and c.evidence for c in got)


def test_headline_compares_at_the_mlps_largest_n():
    h = benefit.headline(_tables(add_ok=4, mlp_add=0.05))
    assert h["metric"] == "exact accuracy, 16-bit addition (held out)"
    assert (h["rnn"], h["baseline"], h["higher_is_better"]) == \
        (pytest.approx((4 * 1.0 + 0.2) / 5), 0.05, True)


def test_claims_of_the_tiny_run(result):
    """Seed 0's tiny run: every network generalises (test_exact_and_extracted_machines)."""
    assert [c.passed for c in result.claims][:2] == [True, True]
    assert result.claims[2].passed and result.claims[4].passed and result.claims[5].passed
