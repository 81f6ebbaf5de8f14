"""Finite-state machines and Elman networks, both ways: compile a machine into exact weights,
and extract the machine a trained network has learned.

A Mealy machine has states 0..S-1 (starting in `start`), input symbols 0..K-1 encoded as vectors
sigma_k in {0,1}^D, next states delta(s, k) = transitions[s][k] and output bits
lambda(s, k) = outputs[s][k]: reading symbol k(t) in state s(t-1) it emits lambda(s(t-1), k(t))
and moves to s(t) = delta(s(t-1), k(t)).

compile_fsm: the output y(t) = sigmoid(W1 h(t) + b1) must depend on the state BEFORE the step and
on the symbol of the step, so h(t) encodes the pair (s(t-1), k(t)): one unit per pair,
j = s K + k, plus one clock unit z. With u = (1 + h) / 2 in {0, 1} (tanh units at +-1):

    q_s(t-1)  = 1/2 sum_{j in P_s} h_j(t-1) + |P_s|/2 h_z(t-1) + [s = start] (1 - h_z(t-1))
    m_k(x)    = sum_d (2 sigma_kd - 1) x_d - |sigma_k|
    a_sk(t)   = G (m_k(x(t)) + q_s(t-1) - 1/2),      a_z(t) = G
    y(t)      = sigmoid(G/2 sum_{j in O} h_j(t) + G (|O| - 1)/2)

P_s = {pairs (s', k') with delta(s', k') = s}, O = {pairs with output 1}, |sigma_k| = number of
ones in sigma_k. m_k(x) = 0 when x = sigma_k and <= -1 for any other 0/1 vector. For t >= 2 the
clock is on (h_z = 1) and exactly one pair unit is on, so q_s = sum_{j in P_s} u_j = [s(t-1) = s];
at t = 1 every unit is 0 (h(0) = 0) and q_s = [s = start]. So a_sk = +G/2 exactly when
s(t-1) = s and x(t) = sigma_k, and <= -G/2 otherwise; the output pre-activation is +-G/2.
(An input that is no symbol switches every pair unit off: the network then stays in a dead
state and answers 0.)

Why it cannot drift: G = 64 makes every pre-activation at least 32 in size, and tanh(32) rounds
to exactly +-1 in float32 and float64 (1 - tanh(32) ~ 2 e^-64 < 2^-53). Every weight is a small
integer times G/2 = 32 and h is in {-1, 0, 1}, x in {0, 1}, so W0 x + W11 h + b0 is an integer
computed without rounding. Each step re-thresholds the state to one of the S K + 1 exact codes,
bit for bit the same code the machine is in: nothing accumulates, at any length.

The compiler trades size for generality (S K + 1 units for any machine): the adder gets 9 units,
parity 5, where hand-made nets need 3 (thresholds a + b + c >= 1, 2, 3) and 2.

extract_automaton: run the network from h(0) = 0, cluster the visited states h(t) with k-means
(k = 1, 2, ...), make cluster c the state c + 1 (state 0 is h(0)), read delta and lambda off the
data by majority, keep the smallest k whose machine reproduces the network's output bits on
held-out inputs, and minimise it (merge states no input sequence can tell apart).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import warnings

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import _checks
from .._types import Array, Seed

if TYPE_CHECKING:
    from ..model import RNN

GAIN = 64.0           # G: every pre-activation is a multiple of G/2 = 32, |a| >= 32


@dataclass
class Automaton:
    """A Mealy machine: transitions and outputs (S, K) ints, symbols (K, D) 0/1, start state.

    Parameters
    ----------
    transitions : ndarray of int, (S, K)
        ``transitions[s, k]``: the next state from state s on symbol k.
    outputs : ndarray of int, (S, K)
        ``outputs[s, k]``: the output bit emitted then.
    symbols : ndarray, (K, D)
        The 0/1 vector that encodes each symbol.
    start : int
        The initial state.

    Examples
    --------
    >>> m = adder_machine()
    >>> X = np.array([[[1, 1], [1, 0], [0, 0]]])          # 3 + 1, least significant bit first
    >>> bits, states = m.run(X)
    >>> bits.tolist(), states.tolist()
    ([[0, 0, 1]], [[0, 1, 1, 0]])
    """
    transitions: np.ndarray
    outputs: np.ndarray
    symbols: np.ndarray
    start: int = 0

    def __post_init__(self):
        self.transitions, self.outputs, self.symbols, self.start = _check_machine(
            self.transitions, self.outputs, self.symbols, self.start)

    @property
    def n_states(self) -> int:
        """The number of states S.

        Returns
        -------
        int
        """
        return self.transitions.shape[0]

    def symbol_indices(self, X: ArrayLike) -> np.ndarray:
        """The symbol index of every step of X (B, T, D): (B, T) ints, -1 where none matches.

        Parameters
        ----------
        X : array_like, (B, T, D)
            Input sequences.

        Returns
        -------
        ndarray of int, (B, T)
        """
        X = _checks.as_array(X, "X", ndim=3)
        if X.shape[2] != self.symbols.shape[1]:
            raise ValueError(f"X must have shape (batch, steps, {self.symbols.shape[1]}) to match "
                             f"the symbols, got {X.shape}")
        match = (X[:, :, None, :] == self.symbols).all(axis=-1)          # (B, T, K)
        return np.where(match.any(axis=-1), match.argmax(axis=-1), -1)

    def run(self, X: Array) -> tuple[Array, Array]:
        """Run the machine on X (B, T, D): (output bits (B, T) int8, states (B, T + 1)).

        Parameters
        ----------
        X : array_like, (B, T, D)
            Input sequences, each step one of the symbols.

        Returns
        -------
        bits : ndarray of int8, (B, T)
            The output bit of every step.
        states : ndarray of int, (B, T + 1)
            The state before the first step and after every step.
        """
        sym = self.symbol_indices(X)
        if (sym < 0).any():
            b, t = np.argwhere(sym < 0)[0]
            raise ValueError(f"X[{b}, {t}] = {X[b, t].tolist()} is none of the machine's "
                             f"symbols {self.symbols.tolist()}")
        B, T = sym.shape
        states = np.empty((B, T + 1), dtype=np.int64)
        states[:, 0] = self.start
        out = np.empty((B, T), dtype=np.int8)
        for t in range(T):
            out[:, t] = self.outputs[states[:, t], sym[:, t]]             # lambda(s(t-1), k(t))
            states[:, t + 1] = self.transitions[states[:, t], sym[:, t]]  # delta(s(t-1), k(t))
        return out, states

    def minimize(self) -> "Automaton":
        """The equivalent machine with the fewest states: unreachable states dropped, states that
        no input sequence tells apart merged (Moore's partition refinement). Start becomes 0.

        Returns
        -------
        Automaton
        """
        order = _reachable(self.transitions, self.start)
        index = {s: i for i, s in enumerate(order)}
        trans = np.array([[index[n] for n in self.transitions[s]] for s in order])
        outs = self.outputs[order]
        block = _unique_rows(outs)
        while True:
            refined = _unique_rows(np.column_stack([block, block[trans]]))
            if refined.max() == block.max():
                break
            block = refined
        first = [int(np.flatnonzero(block == b)[0]) for b in dict.fromkeys(block.tolist())]
        rename = {int(block[s]): i for i, s in enumerate(first)}
        new_trans = np.array([[rename[int(block[n])] for n in trans[s]] for s in first])
        return Automaton(new_trans, outs[first], self.symbols, 0)

    def table(self) -> list:
        """Rows [state, symbol, next state, output], the symbol written as its bits.

        Returns
        -------
        list of list
        """
        return [[s, "".join(str(int(v)) for v in self.symbols[k]), int(self.transitions[s, k]),
                 int(self.outputs[s, k])]
                for s in range(self.n_states) for k in range(len(self.symbols))]


@dataclass
class Extraction:
    """What extract_automaton found: the minimal machine and how it was chosen.

    Parameters
    ----------
    automaton : Automaton
        The minimal machine.
    raw : Automaton
        The machine read off the clusters, before minimising.
    n_clusters : int
        The number of clusters k chosen.
    agreement : float
        The share of held-out output bits the machine reproduces.
    tried : list
        (k, agreement) for every k tried.
    centroids : ndarray, (k, H)
        The cluster centres in the hidden-state space.
    """
    automaton: Automaton          # minimised
    raw: Automaton                # one state per cluster, plus state 0 for h(0)
    n_clusters: int
    agreement: float              # fraction of held-out output bits the raw machine reproduces
    tried: list = field(default_factory=list)     # [(k, agreement)] for every k tried
    centroids: np.ndarray | None = None  # (k, H) cluster centres of the hidden states


def _check_machine(transitions: ArrayLike, outputs: ArrayLike, symbols: ArrayLike,
                   start: int) -> tuple[Array, Array, Array, int]:
    """Validated (transitions (S, K) int, outputs (S, K) int8, symbols (K, D) float, start)."""
    trans = _int_table(transitions, "transitions")
    outs = _int_table(outputs, "outputs")
    syms = _int_table(symbols, "symbols")
    S, K = trans.shape
    if outs.shape != (S, K):
        raise ValueError(f"outputs must have the shape of transitions {(S, K)} (states, "
                         f"symbols), got {outs.shape}")
    if syms.shape[0] != K:
        raise ValueError(f"symbols must hold one vector per input symbol ({K}), "
                         f"got {syms.shape[0]}")
    if trans.min() < 0 or trans.max() >= S:
        raise ValueError(f"transitions must name states 0..{S - 1}, got values "
                         f"{int(trans.min())}..{int(trans.max())}")
    for name, arr in (("outputs", outs), ("symbols", syms)):
        if arr.min() < 0 or arr.max() > 1:
            raise ValueError(f"{name} must hold only 0/1 bits")
    if len(np.unique(syms, axis=0)) != K:
        raise ValueError(f"symbols must be distinct vectors, got {syms.tolist()}")
    start = _checks.check_int(start, "start", minimum=0)
    if start >= S:
        raise ValueError(f"start must be a state 0..{S - 1}, got {start}")
    return trans.astype(np.int64), outs.astype(np.int8), syms.astype(np.float64), start


def _int_table(value, name):
    """A 2-D integer array from nested lists (rows of one length) or an array."""
    ragged = ValueError(f"{name} must be a table whose rows all have the same length")
    try:
        with warnings.catch_warnings():             # NumPy < 1.24 makes ragged rows an object
            warnings.simplefilter("ignore")         # array with a warning instead of an error
            arr = np.asarray(value)
    except ValueError:
        raise ragged from None
    if arr.dtype == object:
        raise ragged
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D table with rows of equal length, got "
                         f"shape {arr.shape}")
    if arr.dtype.kind not in "biuf" or not np.array_equal(arr, np.round(arr)):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _reachable(transitions, start):
    """States reachable from start, in breadth-first order."""
    order, seen = [start], {start}
    for s in order:
        for n in transitions[s]:
            if int(n) not in seen:
                seen.add(int(n))
                order.append(int(n))
    return order


def _unique_rows(rows):
    """Block index of every row (rows equal <-> same block)."""
    return np.unique(np.asarray(rows).reshape(len(rows), -1), axis=0,
                     return_inverse=True)[1].reshape(-1)


# -- compile a machine into an Elman network ---------------------------------------------------
def compile_fsm(transitions: ArrayLike, outputs: ArrayLike, symbols: ArrayLike, *, start: int = 0,
                dtype: DTypeLike = "float32") -> RNN:
    """An Elman rl.RNN (sigmoid output, many-to-many) that runs the Mealy machine exactly.

    transitions[s][k], outputs[s][k]: next state and output bit; symbols[k]: the vector in
    {0,1}^D that encodes symbol k. The network has S K + 1 tanh units (see the module docstring)
    and reads X (B, T, D) -> y (B, T, 1) with y(t) within 1e-13 of the machine's output bit.

    Parameters
    ----------
    transitions : array_like of int, (S, K)
        ``transitions[s][k]``: the next state.
    outputs : array_like of int, (S, K)
        ``outputs[s][k]``: the output bit.
    symbols : array_like, (K, D)
        ``symbols[k]``: the 0/1 vector of symbol k.
    start : int
        The initial state.
    dtype : {"float32", "float64"}
        The network's dtype.

    Returns
    -------
    RNN

    Examples
    --------
    >>> net = compile_fsm([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0], [1]])   # running parity
    >>> X = np.array([[[1], [1], [0], [1]]], dtype=np.float32)
    >>> (net.predict(X)[0, :, 0] > 0.5).astype(int).tolist()
    [1, 0, 0, 1]
    """
    m = Automaton(transitions, outputs, symbols, start)  # type: ignore[arg-type]  # __post_init__ checks and converts
    from ..model import RNN
    S, (K, D) = m.n_states, m.symbols.shape
    N = S * K                                                     # pair units; unit N is the clock
    model = RNN(D, N + 1, 1, output="sigmoid", dtype=dtype)
    W0, W11, b0 = _pair_weights(m)
    params = model.params["layers"][0]
    params["W0"][...], params["W11"][...], params["b0"][...] = W0, W11, b0
    on = (m.outputs.reshape(-1) == 1)                             # O: pairs with output 1
    W1 = np.zeros((1, N + 1))
    W1[0, :N][on] = GAIN / 2                                      # G/2 sum_{j in O} h_j
    model.params["output"]["W1"][...] = W1
    model.params["output"]["b1"][...] = GAIN * (on.sum() - 1) / 2
    return model


def _pair_weights(m):
    """(W0, W11, b0) of the pair units j = s K + k and the clock unit (module docstring)."""
    S, (K, D) = m.n_states, m.symbols.shape
    N, G = S * K, GAIN
    W0 = np.zeros((N + 1, D))
    W11 = np.zeros((N + 1, N + 1))
    b0 = np.zeros(N + 1)
    lands = m.transitions.reshape(-1)                             # delta of pair j
    for s in range(S):
        into = lands == s                                         # P_s
        for k in range(K):
            j = s * K + k
            W0[j] = G * (2 * m.symbols[k] - 1)                    # m_k(x): agreement with sigma_k
            W11[j, :N][into] = G / 2                              # q_s: 1/2 sum_{P_s} h
            W11[j, N] = G * (into.sum() / 2 - (s == m.start))     # |P_s|/2 h_z - [start] h_z
            b0[j] = G * (-m.symbols[k].sum() - 0.5 + (s == m.start))
    b0[N] = G                                                     # the clock: on from t = 1
    return W0, W11, b0


def adder_machine(delay: int = 0) -> Automaton:
    """Bit-serial addition: state = carry, symbol k = (a, b) = (k >> 1, k & 1), output = sum bit.

    delay = d > 0: the answer for step t comes at step t + d (zeros first), as in
    rnnlab.tasks.addition(..., delay=d); the state also holds the d answers still due.

    Parameters
    ----------
    delay : int
        The number of steps d the answer comes late.

    Returns
    -------
    Automaton
    """
    pairs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    trans = [[(a + b + c) >> 1 for a, b in pairs] for c in (0, 1)]   # carry out
    outs = [[(a + b + c) & 1 for a, b in pairs] for c in (0, 1)]     # sum bit
    return delayed(Automaton(np.array(trans), np.array(outs), np.array(pairs)), delay)


def parity_machine() -> Automaton:
    """Running XOR: state = parity so far, symbol = the bit, output = the new parity.

    Returns
    -------
    Automaton
    """
    return Automaton(np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]), np.array([[0], [1]]))


def delayed(m: Automaton, delay: int) -> Automaton:
    """The machine whose output at step t is m's output at step t - delay (0 before).

    State (s, p): s is m's state, p the queue of the `delay` answers due, oldest in bit 0;
    index s 2^d + p. Each step emits p's oldest bit and queues lambda(s, k).

    Parameters
    ----------
    m : Automaton
        The machine.
    delay : int
        The delay d.

    Returns
    -------
    Automaton
    """
    d = _checks.check_int(delay, "delay", minimum=0)
    if d == 0:
        return m
    S, K, Q = m.n_states, len(m.symbols), 2 ** d
    trans = np.empty((S * Q, K), dtype=np.int64)
    outs = np.empty((S * Q, K), dtype=np.int64)
    for s in range(S):
        for p in range(Q):
            for k in range(K):
                queued = (p >> 1) | (int(m.outputs[s, k]) << (d - 1))
                trans[s * Q + p, k] = m.transitions[s, k] * Q + queued
                outs[s * Q + p, k] = p & 1
    return Automaton(trans, outs, m.symbols, m.start * Q)


def exact_adder(delay: int = 0, dtype: DTypeLike = "float32") -> RNN:
    """A hand-set Elman net that adds bit-serially, exactly at any length (the addition task's
    encoding: X (B, n + 1 + delay, 2) -> y (B, n + 1 + delay, 1)); compiled from adder_machine.

    Parameters
    ----------
    delay : int
        The delay of the answer, as in ``rnnlab.tasks.addition(..., delay=d)``.
    dtype : {"float32", "float64"}
        The network's dtype.

    Returns
    -------
    RNN

    Examples
    --------
    >>> adder = exact_adder()
    >>> X, Y = rl.tasks.addition(4, n_bits=500, random_state=0)
    >>> print(np.array_equal(adder.predict(X) > 0.5, Y > 0.5))
    True
    """
    m = adder_machine(delay)
    return compile_fsm(m.transitions, m.outputs, m.symbols, start=m.start, dtype=dtype)


def exact_parity(dtype: DTypeLike = "float32") -> RNN:
    """A hand-set Elman net for the running parity, exact at any length:
    X (B, n, 1) -> y (B, n, 1); compiled from parity_machine.

    Parameters
    ----------
    dtype : {"float32", "float64"}
        The network's dtype.

    Returns
    -------
    RNN

    Examples
    --------
    >>> X, Y = rl.tasks.parity(4, n_bits=500, random_state=0)
    >>> print(np.array_equal(exact_parity().predict(X) > 0.5, Y > 0.5))
    True
    """
    m = parity_machine()
    return compile_fsm(m.transitions, m.outputs, m.symbols, dtype=dtype)


# -- extract the machine a trained network runs ------------------------------------------------
def hidden_states(model: RNN, X: ArrayLike) -> tuple[Array, Array]:
    """Run an Elman (or GRU) model from h(0) = 0: (states (B, T + 1, L H): every layer's h(t), t = 0..T,
    side by side; output bits (B, T): y(t) > 1/2 of the output layer applied at every step).

    Parameters
    ----------
    model : RNN
        An Elman or GRU model.
    X : array_like, (B, T, D)
        Input sequences.

    Returns
    -------
    states : ndarray, (B, T + 1, L H)
        Every layer's h(t), t = 0..T, side by side.
    bits : ndarray, (B, T)
        Whether the output at each step exceeds 1/2.
    """
    if (len(model.net.cell.STATE) != 1 or model.bidirectional or model.n_out != 1
            or model.learn_h0 or model.mapping.name != "many-to-many"):
        raise ValueError(f"extraction needs a unidirectional model whose whole state is h (an "
                         f"Elman or GRU cell; many-to-many, one output, h(0) = 0), got "
                         f"cell={model.cell!r}, bidirectional="
                         f"{model.bidirectional}, n_out={model.n_out}, learn_h0={model.learn_h0}, "
                         f"mapping={model.mapping.name!r}")
    X = _checks.as_array(X, "X", ndim=3)
    hs = np.concatenate(model.states(X), axis=-1)                  # (B, T, L H)
    hs = np.concatenate([np.zeros_like(hs[:, :1]), hs], axis=1)    # h(0) = 0 first
    bits = (model.predict(X)[:, :, 0] > 0.5).astype(np.int8)
    return np.asarray(hs, dtype=np.float64), bits


def kmeans(points: ArrayLike, n_clusters: int, *, rng: np.random.Generator, n_init: int = 4,
           max_iter: int = 100) -> tuple[Array, Array, float]:
    """Lloyd's k-means with k-means++ seeding, the best of n_init runs (explicit Generator rng).

    Parameters
    ----------
    points : ndarray, (N, H)
        The points.
    n_clusters : int
        k.
    rng : numpy.random.Generator
        The generator of the seeding.
    n_init : int
        The number of restarts; the best is kept.
    max_iter : int
        The most Lloyd iterations per restart.

    Returns
    -------
    centroids : ndarray, (k, H)
    labels : ndarray of int, (N,)
    inertia : float
        The sum of squared distances to the nearest centre.
    """
    points = np.asarray(points, dtype=np.float64)
    best = None
    for _ in range(n_init):
        centroids = _kmeans_pp(points, n_clusters, rng)
        for _ in range(max_iter):
            labels, dist = _assign(points, centroids)
            new = centroids.copy()
            for c in range(n_clusters):                      # an empty cluster keeps its centre
                if (labels == c).any():
                    new[c] = points[labels == c].mean(axis=0)
            if np.array_equal(new, centroids):
                break
            centroids = new
        labels, dist = _assign(points, centroids)
        if best is None or dist.sum() < best[2]:
            best = (centroids, labels, float(dist.sum()))
    return best  # type: ignore[return-value]  # n_init >= 1 runs set it


def _kmeans_pp(points, k, rng):
    """k-means++: each new centre drawn with probability proportional to D(x)^2."""
    centroids = [points[rng.integers(len(points))]]
    for _ in range(k - 1):
        d2 = _assign(points, np.array(centroids))[1]
        total = d2.sum()
        i = rng.integers(len(points)) if total == 0 else rng.choice(len(points), p=d2 / total)
        centroids.append(points[i])
    return np.array(centroids)


def _assign(points, centroids):
    """(labels, squared distance to the nearest centre) for every point."""
    d2 = ((points ** 2).sum(axis=1)[:, None] - 2 * points @ centroids.T
          + (centroids ** 2).sum(axis=1)[None, :])                # |p - c|^2, (N, k)
    labels = d2.argmin(axis=1)
    return labels, np.maximum(d2[np.arange(len(points)), labels], 0.0)


def _read_machine(labels, sym, bits, n_states, symbols):
    """The machine read off by majority: state 0 = h(0), cluster c = state c + 1.

    labels (B, T) clusters of h(1..T), sym (B, T) symbol indices, bits (B, T) network outputs.
    A (state, symbol) pair never seen loops to itself with output 0."""
    prev = np.concatenate([np.zeros((len(labels), 1), int), labels[:, :-1] + 1], axis=1)
    K = len(symbols)
    counts = np.zeros((n_states, K, n_states))
    np.add.at(counts, (prev, sym, labels + 1), 1)
    ones = np.zeros((n_states, K))
    np.add.at(ones, (prev, sym), bits)
    seen = counts.sum(axis=-1)
    trans = np.where(seen > 0, counts.argmax(axis=-1), np.arange(n_states)[:, None])
    return Automaton(trans, (2 * ones > seen).astype(int), symbols)


def extract_automaton(model: RNN, X: ArrayLike, X_heldout: ArrayLike | None = None, *,
                      symbols: ArrayLike | None = None, max_clusters: int = 16,
                      min_agreement: float = 1.0, n_init: int = 4, max_points: int = 5000,
                      random_state: Seed = 0) -> Extraction:
    """The finite-state machine an Elman model runs (see the module docstring).

    X (B, T, D): inputs whose visited hidden states are clustered; X_heldout: inputs on which a
    candidate machine must reproduce the network's output bits (default: half of X, drawn at
    random). symbols (K, D): the input alphabet (default: the distinct input vectors of X).
    k-means (n_init restarts) fits its centres on at most max_points of the visited states.
    Returns an Extraction for the smallest k <= max_clusters whose machine agrees on at least
    min_agreement of the held-out bits (else the best k found).

    Parameters
    ----------
    model : RNN
        A trained Elman (or GRU) model with one output bit per step.
    X : array_like, (B, T, D)
        Inputs whose visited hidden states are clustered.
    X_heldout : array_like, optional
        Inputs on which a candidate machine must reproduce the network's output bits (default:
        half of X, drawn at random).
    symbols : array_like, (K, D), optional
        The input alphabet (default: the distinct input vectors of X).
    max_clusters : int
        The largest k tried.
    min_agreement : float
        The share of held-out bits a machine must reproduce to be accepted.
    n_init : int
        k-means restarts.
    max_points : int
        k-means fits its centres on at most this many visited states.
    random_state : None, int or numpy.random.Generator
        The generator of the sampling and the seeding.

    Returns
    -------
    Extraction
        For the smallest k whose machine agrees on at least `min_agreement` of the held-out
        bits (else the best k found).

    Examples
    --------
    >>> X, _ = rl.tasks.parity(64, n_bits=12, random_state=0)
    >>> found = extract_automaton(exact_parity(), X)
    >>> found.automaton.n_states, found.agreement
    (2, 1.0)
    """

    from ..tasks.binary import check_random_state
    rng = check_random_state(random_state)
    max_clusters = _checks.check_int(max_clusters, "max_clusters", minimum=1)
    X = _checks.as_array(X, "X", ndim=3)
    if X_heldout is None:
        if len(X) < 2:
            raise ValueError(f"X must hold at least 2 sequences to split off held-out ones, "
                             f"got {len(X)}")
        order = rng.permutation(len(X))
        X, X_heldout = X[order[: len(X) // 2]], X[order[len(X) // 2:]]
    if symbols is None:
        symbols = np.unique(X.reshape(-1, X.shape[-1]), axis=0)
    probe = Automaton(np.zeros((1, len(symbols)), int), np.zeros((1, len(symbols)), int), symbols)  # type: ignore[arg-type]
    sym = probe.symbol_indices(X)
    if (sym < 0).any():
        raise ValueError("X holds input vectors that are none of the given symbols")
    hs, bits = hidden_states(model, X)
    _, held_bits = hidden_states(model, X_heldout)
    points = hs[:, 1:].reshape(-1, hs.shape[-1])                   # (B T, L H)
    fit = points[rng.permutation(len(points))[:max_points]]         # centres from a sample
    best, tried = None, []
    for k in range(1, max_clusters + 1):
        centroids = kmeans(fit, k, rng=rng, n_init=n_init)[0]
        labels = _assign(points, centroids)[0]
        raw = _read_machine(labels.reshape(sym.shape), sym, bits, k + 1, probe.symbols)
        agreement = float((raw.run(X_heldout)[0] == held_bits).mean())
        tried.append((k, agreement))
        if best is None or agreement > best.agreement:
            best = Extraction(raw.minimize(), raw, k, agreement, tried, centroids)
        if agreement >= min_agreement:
            break
    return best  # type: ignore[return-value]  # max_clusters >= 1 sets it
