"""What every mapping shares: the network value it runs, the checks of inputs and targets, the
output layer, and the aligned many-to-many mapping that the others refine.

A mapping never reads a model's attributes: it is given a `Net`, an explicit value holding the
cell module, the live parameters and the sizes and options the computation needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import _checks
from ..nn import dense, stack
from .._types import Array


@dataclass(frozen=True)
class Net:
    """The network a mapping runs: the cell module (rnnlab.nn.elman, lstm or gru), the live
    parameter tree (params["layers"], ["output"], maybe ["decoder"]) and what the computation
    needs to know. RNN.net builds one; analysis code may build its own.

    Parameters
    ----------
    cell : module
        The cell module (rnnlab.nn.elman, lstm or gru).
    params : dict
        The live parameter tree.
    n_in, n_hidden, n_out : int
        D, H and K.
    n_layers : int
        The number of layers.
    bidirectional : bool
        Whether layers run both ways.
    activation : str
        The Elman activation.
    output : str
        The output function.
    loss : str or callable
        The loss.
    dtype : numpy dtype
        The parameters' dtype.
    """
    cell: ModuleType
    params: dict
    n_in: int
    n_hidden: int
    n_out: int
    n_layers: int
    bidirectional: bool
    activation: str
    output: str
    loss: object                                   # a loss name, or a callable
    dtype: np.dtype


def time_major(arr: Array) -> Array:
    """(B, T, ...) <-> (T, B, ...) as a view.

    Parameters
    ----------
    arr : ndarray
        (B, T, ...) or (T, B, ...).

    Returns
    -------
    ndarray
        The view with the first two axes swapped.

    Examples
    --------
    >>> time_major(np.zeros((2, 5, 3))).shape
    (5, 2, 3)
    """
    return arr.swapaxes(0, 1)


# -- checks shared by the mappings ---------------------------------------------------------------
def sequence_inputs(net: Net, X: ArrayLike, mask: ArrayLike | None,
                    mapping: str) -> tuple[Array, Array | None]:
    """X (B, T, D), mask (B, T) -> time-major x (T, B, D) in the net's dtype and mask (T, B).

    Parameters
    ----------
    net : Net
        The network.
    X : array_like, (B, T, D)
        Inputs.
    mask : array_like of bool, (B, T) or None
        The real steps.
    mapping : str
        The mapping's name, for error messages.

    Returns
    -------
    x : ndarray, (T, B, D)
    mask : ndarray of bool, (T, B) or None
    """
    X = _checks.as_array(X, "X", ndim=3, dtype=net.dtype)
    B, T, D = X.shape
    if D != net.n_in:
        raise ValueError(f"X must have shape (batch, steps, {net.n_in}) for mapping={mapping!r}, "
                         f"got {X.shape}: its last axis must match n_in={net.n_in}")
    if B == 0 or T == 0:
        raise ValueError(f"X must hold at least one sequence of at least one step, got {X.shape}")
    x = np.ascontiguousarray(time_major(X))
    if mask is None:
        return x, None
    return x, np.ascontiguousarray(time_major(_checks.as_mask(mask, "mask", (B, T))))


def vector_inputs(net: Net, X: ArrayLike, mapping: str) -> Array:
    """X (B, D) for the mappings that read one vector per sample, in the net's dtype.

    Parameters
    ----------
    net : Net
        The network.
    X : array_like, (B, D)
        Inputs.
    mapping : str
        The mapping's name, for error messages.

    Returns
    -------
    ndarray, (B, D)
    """
    X = _checks.as_array(X, "X", ndim=2, dtype=net.dtype)
    if X.shape[1] != net.n_in or X.shape[0] == 0:
        raise ValueError(f"X must have shape (batch, {net.n_in}) for mapping={mapping!r}, "
                         f"got {X.shape}")
    return X


def check_target(net: Net, Y: ArrayLike, lead: tuple[int | None, ...], mapping: str,
                 name: str = "Y") -> Array:
    """Y of shape lead + (K,) in the net's dtype, or class indices (int or bool) of shape `lead`
    for cross-entropy.

    Parameters
    ----------
    net : Net
        The network.
    Y : array_like
        Targets.
    lead : tuple of int
        The leading shape, e.g. (B, T).
    mapping : str
        The mapping's name, for error messages.
    name : str
        What errors call Y.

    Returns
    -------
    ndarray
    """
    Y = _checks.as_array(Y, name)
    K = net.n_out
    if net.loss == "cross_entropy" and Y.dtype.kind in "iub" and Y.shape == lead:
        Y = Y.astype(np.intp, copy=False)          # bool labels are the classes 0 and 1
        if Y.size and (Y.min() < 0 or Y.max() >= K):
            raise ValueError(f"{name} holds class indices that must lie in 0..{K - 1}, "
                             f"got {int(Y.min())}..{int(Y.max())}")
        return Y
    if Y.shape != lead + (K,):
        also = f" or class indices of shape {lead}" if net.loss == "cross_entropy" else ""
        raise ValueError(f"{name} must have shape {lead + (K,)}{also} for mapping={mapping!r}, "
                         f"got {Y.shape}")
    return _checks.as_array(Y, name, dtype=net.dtype)


def target_steps(Y: ArrayLike, mapping: str, free_shape: bool = False) -> int:
    """T_out = Y.shape[1] for the mappings whose output length comes from the target.
    free_shape: a custom loss reads Y, which then needs only a steps axis (any rank >= 2).

    Parameters
    ----------
    Y : array_like
        Targets.
    mapping : str
        The mapping's name, for error messages.
    free_shape : bool
        Only a steps axis is required (a custom loss).

    Returns
    -------
    int
        T_out.
    """
    Y = _checks.as_array(Y, "Y")
    labels = Y.ndim == 2 and Y.dtype.kind in "iub"             # (batch, steps) class indices
    if not (Y.ndim == 3 or labels or (free_shape and Y.ndim >= 2)):
        raise ValueError(f"Y must have shape (batch, steps, K) for mapping={mapping!r} (or "
                         f"(batch, steps) class indices for cross-entropy), got {Y.shape}"
                         + (": it has no steps axis (one output per sample is "
                            "mapping='one-to-one')" if Y.ndim == 2 else ""))
    if Y.shape[1] == 0:
        raise ValueError(f"Y must have at least one step for mapping={mapping!r}, got shape "
                         f"{Y.shape}")
    return Y.shape[1]


def require_steps(n_steps: int | None, mapping: str) -> int:
    """The output length of a mapping that takes it from the target or predict(n_steps=).

    Parameters
    ----------
    n_steps : int or None
        The output length.
    mapping : str
        The mapping's name, for error messages.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When it is missing.
    """
    if n_steps is None:
        raise ValueError(f"mapping={mapping!r} needs the number of output steps: "
                         f"predict(X, n_steps=T), or a target Y of shape (batch, T, K)")
    return _checks.check_int(n_steps, "n_steps", minimum=1)


# -- the output layer ----------------------------------------------------------------------------
def output(net: Net, hsel: Any) -> Array:
    """a = W1 h + b1, or the lecture's fusion W1_f h_f + b1_f + W1_b h_b + b1_b.

    Parameters
    ----------
    net : Net
        The network.
    hsel : ndarray or tuple
        The top layer's selected states (h_f, h_b when bidirectional).

    Returns
    -------
    ndarray
        a.
    """
    out = net.params["output"]
    if net.bidirectional:
        return dense.linear(out["f"], hsel[0]) + dense.linear(out["b"], hsel[1])
    return dense.linear(out, hsel)


def output_backward(net: Net, hsel: Any, da: Array) -> tuple[Any, Any]:
    """(grads of the output layer, dL/d(hsel)).

    Parameters
    ----------
    net : Net
        The network.
    hsel : ndarray or tuple
        As for `output`.
    da : ndarray
        dL/da.

    Returns
    -------
    grads : dict
    dhsel : ndarray or tuple
    """
    out = net.params["output"]
    if net.bidirectional:
        gf, dhf = dense.linear_backward(out["f"], hsel[0], da)
        gb, dhb = dense.linear_backward(out["b"], hsel[1], da)
        return {"f": gf, "b": gb}, (dhf, dhb)
    return dense.linear_backward(out, hsel, da)


def run_opts(net: Net) -> dict[str, Any]:
    """The keyword arguments every cell call takes from the net.

    Parameters
    ----------
    net : Net
        The network.

    Returns
    -------
    dict
    """
    return {"activation": net.activation}


# -- the aligned mapping, the base of the others ---------------------------------------------------
class ManyToMany:
    """Aligned: y(t) answers x(t) at every step. The base of the other mappings."""
    name = "many-to-many"
    streams = True                                 # can carry state across predict calls
    returns_state = True                           # its final state continues the sequence
    takes_n_steps = False                          # the output length comes from X
    states_take_n_steps = False                    # the stack runs over the steps of X
    first_answer = 0                               # the first step whose output is compared

    def n_steps(self, Y: ArrayLike, free_shape: bool = False) -> int | None:
        """The output length this mapping takes from the target Y (None: from X).

        Parameters
        ----------
        Y : array_like
            The targets.
        free_shape : bool
            A custom loss reads Y (any rank).

        Returns
        -------
        int or None
        """
        return None                                # T comes from X

    def answer_steps(self, x_steps: int, n_steps: int | None = None) -> int:
        """How many steps of each sequence answer (enter the loss) when no mask removes any.

        Parameters
        ----------
        x_steps : int
            The steps the stack runs.
        n_steps : int, optional
            The output length, for the mappings that take one.

        Returns
        -------
        int
        """
        return x_steps - self.first_answer

    def inputs(self, net: Net, X: ArrayLike, mask: ArrayLike | None,
               n_steps: int | None = None) -> tuple[Array, Array | None]:
        """The user's X (and mask) in the time-major layout the stack runs on.

        Parameters
        ----------
        net : Net
            The network.
        X : array_like
            The user's inputs.
        mask : array_like of bool or None
            The user's mask (B, T).
        n_steps : int, optional
            The output length, for the mappings that take one.

        Returns
        -------
        x : ndarray
        mask : ndarray of bool or None
        """
        return sequence_inputs(net, X, mask, self.name)

    def targets(self, net: Net, Y: ArrayLike, mask: Array | None, x_shape: tuple[int, ...],
                n_steps: int | None = None) -> tuple[Array, Array | None]:
        """Y (B, T, K) -> (time-major target, loss mask (T, B) or None).

        Parameters
        ----------
        net : Net
            The network.
        Y : array_like
            The user's targets.
        mask : ndarray of bool or None
            The time-major mask.
        x_shape : tuple of int
            The time-major input's shape.
        n_steps : int, optional
            The output length, for the mappings that take one.

        Returns
        -------
        target : ndarray
        loss_mask : ndarray of bool, (T, B) or None
        """
        if callable(net.loss):                     # a custom loss sees Y exactly as given
            return _checks.as_array(Y, "Y"), mask
        T, B = x_shape[0], x_shape[1]
        return time_major(check_target(net, Y, (B, T), self.name)), mask

    # -- training: everything backward needs is kept ------------------------------------------
    def forward(self, net: Net, x: Array, mask: Array | None, h0: list[Any] | None,
                n_steps: int | None = None,
                target: Array | None = None) -> tuple[Array, dict[str, Any]]:
        """(a, ctx): output pre-activations at the answering steps, and what backward needs.

        Parameters
        ----------
        net : Net
            The network.
        x : ndarray, (T, B, D)
            Time-major inputs, as `inputs` made them.
        mask : ndarray of bool, (T, B) or None
            The real steps.
        h0 : list or None
            Initial states, one per layer.
        n_steps : int, optional
            The output length, for the mappings that take one.
        target : ndarray, optional
            The targets a teacher-forced decoder reads.

        Returns
        -------
        a : ndarray
        ctx : dict
        """
        outs, caches = stack.forward(net.cell, net.params["layers"], x, h0, mask=mask,
                                     bidirectional=net.bidirectional, **run_opts(net))
        hsel = self.select(outs[-1], net.bidirectional)
        return output(net, hsel), {"top": outs[-1], "hsel": hsel, "caches": caches}

    def backward(self, net: Net, ctx: dict[str, Any],
                 da: Array) -> tuple[dict[str, Any], Array, list[Any]]:
        """(grads {"layers", "output"}, dx time-major, dh0 per layer).

        Parameters
        ----------
        net : Net
            The network.
        ctx : dict
            What forward kept.
        da : ndarray
            dL/da at the answering steps.

        Returns
        -------
        grads : dict
        dx : ndarray
            Time-major.
        dh0 : list
        """
        g_out, dsel = output_backward(net, ctx["hsel"], da)
        dtop, dfinal = self.select_backward(dsel, ctx["top"], net)
        g_layers, dx, dh0 = stack.backward(net.cell, net.params["layers"], ctx["caches"],
                                           dtop, dfinal, bidirectional=net.bidirectional)
        return {"layers": g_layers, "output": g_out}, dx, dh0

    def final_states(self, net: Net, ctx: dict[str, Any]) -> list[Any]:
        """The state after each layer's last visited step, in the layout h0 takes.

        Parameters
        ----------
        net : Net
            The network.
        ctx : dict
            What forward kept.

        Returns
        -------
        list
        """
        return stack.final_states(net.cell, ctx["caches"], net.bidirectional)

    def top_state_grads(self, net: Net, ctx: dict[str, Any],
                        da: Array) -> Array | tuple[Array, ...]:
        """dL/dh(t) of the top layer (T, B, H), wired as backward wires it: the output layer,
        this mapping's routing of the selected states, then the cell's state_grads. One array,
        or a tuple (forward, backward direction).

        Parameters
        ----------
        net : Net
            The network.
        ctx : dict
            What forward kept.
        da : ndarray
            dL/da at the answering steps.

        Returns
        -------
        ndarray or tuple
        """
        _, dsel = output_backward(net, ctx["hsel"], da)
        dtop, dfinal = self.select_backward(dsel, ctx["top"], net)
        params, cache = net.params["layers"][-1], ctx["caches"][-1]
        dstate = None if dfinal is None else dfinal[-1]
        if not net.bidirectional:
            return net.cell.state_grads(params, cache, dtop, dstate)
        return tuple(net.cell.state_grads(params[d], cache[d], None if dtop is None else dtop[i],
                                          None if dstate is None else dstate[d])
                     for i, d in enumerate(stack.DIRECTIONS))

    def select(self, top: Any, bidirectional: bool) -> Any:
        """The top layer's states at the steps that answer (all of them here).

        Parameters
        ----------
        top : ndarray or tuple
            The top layer's states (h_f, h_b when bidirectional).
        bidirectional : bool
            Whether there are two directions.

        Returns
        -------
        ndarray or tuple
        """
        return top

    def select_backward(self, dsel: Any, top: Any, net: Net) -> tuple[Any, list[Any] | None]:
        """The gradient of the top layer's states from the gradient of the selected ones.

        Parameters
        ----------
        dsel : ndarray or tuple
            dL/d(selected states).
        top : ndarray or tuple
            The top layer's states.
        net : Net
            The network.

        Returns
        -------
        dtop : ndarray or tuple
        dfinal : list or None
            The gradient of the final states, where the selection reads them.
        """
        return dsel, None

    # -- inference: no backward buffers ---------------------------------------------------------
    def infer(self, net: Net, x: Array, mask: Array | None, h0: list[Any] | None,
              n_steps: int | None = None) -> tuple[Array, list[Any] | None]:
        """(a, final states) without the backward's buffers: the outputs at the answering steps
        are computed chunk by chunk as the stack emits its top layer's states.

        Parameters
        ----------
        net : Net
            The network.
        x : ndarray, (T, B, D)
            Time-major inputs, as `inputs` made them.
        mask : ndarray of bool, (T, B) or None
            The real steps.
        h0 : list or None
            Initial states, one per layer.
        n_steps : int, optional
            The output length, for the mappings that take one.

        Returns
        -------
        a : ndarray
        final : list
            The final states.
        """
        T, B = x.shape[:2]
        first = self.first_answer
        a = np.empty((T - first, B, net.n_out), dtype=net.dtype)

        def emit(t0, outs):
            top = outs[-1]
            n = (top[0] if net.bidirectional else top).shape[0]
            s = max(first - t0, 0)
            if s < n:
                hsel = (top[0][s:], top[1][s:]) if net.bidirectional else top[s:]
                a[t0 + s - first:t0 + n - first] = output(net, hsel)
        finals = stack.infer(net.cell, net.params["layers"], x, h0, mask=mask,
                             bidirectional=net.bidirectional, emit=emit, **run_opts(net))
        return a, finals

    # -- layouts --------------------------------------------------------------------------------
    def to_user(self, arr: Array) -> Array:
        """Outputs (or their gradient, or the loss mask) in the user's batch-first layout.

        Parameters
        ----------
        arr : ndarray
            Time-major.

        Returns
        -------
        ndarray
            Batch-first.
        """
        return time_major(arr)

    from_user = to_user

    def input_grad(self, dx: Array, x_user_shape: tuple[int, ...],
                   mask: ArrayLike | None = None) -> Array:
        """dL/dX in the user's layout from the time-major dL/dx (mask: the user's, (B, T)).

        Parameters
        ----------
        dx : ndarray
            Time-major dL/dx.
        x_user_shape : tuple of int
            The shape of the user's X.
        mask : array_like of bool, optional
            The user's mask (B, T).

        Returns
        -------
        ndarray
            dL/dX, the shape of X.
        """
        return np.ascontiguousarray(time_major(dx))
