"""Machines compiled into Elman weights (exact at any length) and machines extracted back out."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.analysis import automata

CARRY_TABLE = [  # state = carry, input ab, next carry, sum bit: written out by hand
    [0, "00", 0, 0], [0, "01", 0, 1], [0, "10", 0, 1], [0, "11", 1, 0],
    [1, "00", 0, 1], [1, "01", 1, 0], [1, "10", 1, 0], [1, "11", 1, 1],
]


def simulate(transitions, outputs, symbols, X, start=0):
    """The machine run directly, one sequence and one step at a time: output bits (B, T)."""
    out = np.zeros(X.shape[:2], dtype=int)
    for b in range(X.shape[0]):
        state = start
        for t in range(X.shape[1]):
            k = [list(s) for s in symbols].index(list(X[b, t]))
            out[b, t] = outputs[state][k]
            state = transitions[state][k]
    return out


@pytest.mark.parametrize("build, task", [
    (rl.analysis.exact_adder, lambda: rl.tasks.addition(1, 100_000, random_state=1)),
    (rl.analysis.exact_parity, lambda: rl.tasks.parity(1, 100_000, random_state=2)),
])
def test_exact_constructions_at_100000_bits(build, task):
    model = build()
    assert model.dtype == np.float32 and model.output == "sigmoid"
    X, Y = task()
    y = model.predict(X)
    assert np.abs(y - Y).max() < 1e-6                     # every bit, within 1e-6 of 0 or 1


def test_exact_adder_state_never_drifts():
    """h(t) is bit for bit the code of the pair (carry before the step, input): +1 on that unit
    and the clock, -1 elsewhere, at every one of 100,000 steps."""
    X, _ = rl.tasks.addition(1, 100_000, random_state=3)
    hs, _ = automata.hidden_states(automata.exact_adder(), X)
    carry = np.zeros(X.shape[1], dtype=int)               # carry before each step, by hand
    a, b = X[0, :, 0].astype(int), X[0, :, 1].astype(int)
    for t in range(1, X.shape[1]):
        carry[t] = (a[t - 1] + b[t - 1] + carry[t - 1]) >= 2
    want = -np.ones((X.shape[1], 9))
    want[np.arange(X.shape[1]), carry * 4 + a * 2 + b] = 1
    want[:, 8] = 1
    np.testing.assert_array_equal(hs[0, 1:], want)
    assert not hs[0, 0].any()                             # h(0) = 0


def test_exact_adder_float64_and_small_numbers():
    model = rl.analysis.exact_adder(dtype="float64")
    X, Y = rl.tasks.binary.encode_addition([3, 255, 0], [5, 1, 0], 8)   # 8, 256, 0
    np.testing.assert_array_equal(model.predict(X) > 0.5, Y > 0.5)
    assert model.params["layers"][0]["W0"].dtype == np.float64


def test_delayed_adder_matches_the_delayed_task():
    X, Y = rl.tasks.addition(4, 2000, random_state=4, delay=2)
    y = rl.analysis.exact_adder(delay=2).predict(X)
    assert np.abs(y - Y).max() < 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_machine_compiles_exactly(seed):
    rng = np.random.default_rng(seed)
    S, K, D = 5, 3, 4
    symbols = rng.permutation(2 ** D)[:K][:, None] >> np.arange(D) & 1    # K distinct vectors
    transitions = rng.integers(0, S, size=(S, K)).tolist()
    outputs = rng.integers(0, 2, size=(S, K)).tolist()
    start = int(rng.integers(S))
    model = rl.analysis.compile_fsm(transitions, outputs, symbols.tolist(), start=start)
    X = symbols[rng.integers(0, K, size=(6, 3000))].astype(np.float32)   # (6, 3000, D)
    want = simulate(transitions, outputs, symbols, X, start)
    np.testing.assert_array_equal(model.predict(X)[:, :, 0] > 0.5, want == 1)
    m = automata.Automaton(transitions, outputs, symbols, start)
    np.testing.assert_array_equal(m.run(X)[0], want)


def test_minimize_merges_copies_and_drops_unreachable():
    # parity with two copies of each state (0/2 even, 1/3 odd) and an unreachable state 4
    trans = [[0, 3], [1, 2], [2, 1], [3, 0], [4, 4]]
    outs = [[0, 1], [1, 0], [0, 1], [1, 0], [1, 1]]
    m = automata.Automaton(trans, outs, [[0], [1]]).minimize()
    assert m.n_states == 2
    np.testing.assert_array_equal(m.transitions, [[0, 1], [1, 0]])
    np.testing.assert_array_equal(m.outputs, [[0, 1], [1, 0]])


def test_kmeans_finds_separated_blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    truth = rng.integers(0, 3, size=300)
    points = centres[truth] + 0.1 * rng.standard_normal((300, 2))
    c, labels, _ = automata.kmeans(points, 3, rng=np.random.default_rng(1))
    for k in range(3):                                   # each blob is one cluster
        assert len(set(labels[truth == k])) == 1
    assert len(set(labels)) == 3
    assert np.abs(np.sort(c, axis=0) - np.sort(centres, axis=0)).max() < 0.1


@pytest.mark.parametrize("build, task, table", [
    (rl.analysis.exact_adder, rl.tasks.addition, CARRY_TABLE),
    (rl.analysis.exact_parity, rl.tasks.parity,
     [[0, "0", 0, 0], [0, "1", 1, 1], [1, "0", 1, 1], [1, "1", 0, 0]]),
])
def test_extraction_recovers_two_states_from_exact_nets(build, task, table):
    X, _ = task(300, 8, random_state=5)
    found = rl.analysis.extract_automaton(build(), X, random_state=0)
    assert found.agreement == 1.0
    assert found.automaton.n_states == 2
    assert found.automaton.table() == table


@pytest.mark.training
def test_extraction_from_a_trained_adder():
    """8 of 8 seeds gave the 2-state carry machine with agreement 1.0."""
    X, Y = rl.tasks.addition(1000, 8, random_state=10)
    model = rl.RNN(2, 8, 1, output="sigmoid", seed=0)
    model.fit(X, Y, lr=0.03, epochs=15, batch_size=32, seed=0)
    Xc, _ = rl.tasks.addition(200, 8, random_state=11)
    Xh, _ = rl.tasks.addition(200, 16, random_state=12)
    found = rl.analysis.extract_automaton(model, Xc, Xh, random_state=0)
    assert found.agreement == 1.0 and found.automaton.n_states == 2
    assert found.automaton.table() == CARRY_TABLE
    X_long, Y_long = rl.tasks.addition(20, 500, random_state=13)      # the task itself, longer
    np.testing.assert_array_equal(found.automaton.run(X_long)[0], Y_long[:, :, 0])


@pytest.mark.parametrize("args, match", [
    (([[0, 1], [1]], [[0, 1], [1, 0]], [[0], [1]]), "transitions must be a table"),
    (([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0, 0], [1]]), "symbols must be a table"),
    (([[0, 2], [1, 0]], [[0, 1], [1, 0]], [[0], [1]]), r"transitions must name states 0..1, got"),
    (([[0, -1], [1, 0]], [[0, 1], [1, 0]], [[0], [1]]), "transitions must name states"),
    (([[0, 1], [1, 0]], [[0, 1]], [[0], [1]]), "outputs must have the shape of transitions"),
    (([[0, 1], [1, 0]], [[0, 2], [1, 0]], [[0], [1]]), "outputs must hold only 0/1"),
    (([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0], [2]]), "symbols must hold only 0/1"),
    (([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[1], [1]]), "symbols must be distinct"),
    (([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0], [1], [1]]), "one vector per input symbol"),
])
def test_compile_fsm_rejects_bad_machines(args, match):
    with pytest.raises(ValueError, match=match):
        rl.analysis.compile_fsm(*args)


def test_bad_start_types_and_inputs():
    with pytest.raises(ValueError, match="start must be a state 0..1, got 2"):
        rl.analysis.compile_fsm([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0], [1]], start=2)
    with pytest.raises(TypeError, match="transitions must hold integers"):
        rl.analysis.compile_fsm([[0, 0.5], [1, 0]], [[0, 1], [1, 0]], [[0], [1]])
    with pytest.raises(ValueError, match="none of the machine's symbols"):
        automata.parity_machine().run(np.array([[[0.0], [0.5]]]))
    with pytest.raises(ValueError, match=r"X must have shape \(batch, steps, 2\)"):
        automata.adder_machine().run(np.zeros((1, 3, 1)))
    with pytest.raises(ValueError, match="needs a unidirectional model.*bidirectional=True"):
        rl.analysis.extract_automaton(rl.RNN(1, 4, 1, bidirectional=True),
                                      np.zeros((4, 3, 1)))
    with pytest.raises(ValueError, match="whole state is h.*cell='lstm'"):
        rl.analysis.extract_automaton(rl.RNN(2, 4, 1, cell="lstm"), np.zeros((4, 3, 2)))
