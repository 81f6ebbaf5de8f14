"""Optimizers and gradient clipping, with PyTorch's exact update rules.

Optimizers are built without parameters, `Adam(lr=1e-3)`, and keep their state per parameter path
("layers.0.W11"), so one optimizer object can drive any parameter tree. `step(params, grads)`
updates the arrays of `params` in place (the model's live arrays stay the same objects).
Computing gradients and applying a step stay two separate calls, so gradients can be averaged
(across workers, or clipped) in between.

    SGD       v = mu v + g;  p -= lr (g + mu v) with nesterov, else p -= lr v
    Adam      m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr/(1-b1^t) m / (sqrt(v/(1-b2^t)) + eps)
    RMSprop   s = a s + (1-a) g^2;  p -= lr g / (sqrt(s) + eps)   (with optional momentum)

weight_decay adds wd * p to g first (L2, as torch.optim does).

Binding. An optimizer's moments and step count belong to the arrays it updated: the first step
binds it to that parameter set (the very arrays, not just their names and shapes). A step on other
arrays, even of the same names and shapes (another model), raises ValueError instead of mixing
one model's moments into another's update; `reset()` drops the state and the binding, so the
object can start afresh on a new model. A state restored with load_state_dict / from_state_dict
is not bound yet: its first step checks the slots' names and shapes against the parameters, then
binds. `check_params(params)` runs the same checks without stepping (fit calls it before the
first update).
clip_grad_norm rescales all gradients together when their global L2 norm exceeds max_norm
(Pascanu, Mikolov and Bengio 2013), as torch.nn.utils.clip_grad_norm_.
"""
from __future__ import annotations

import inspect
import weakref
from typing import Any

import numpy as np

from . import _checks
from ._tree import global_norm, leaves, path_str
from ._types import Array


class Optimizer:
    """Base class: per-path state slots, a step counter, save and restore.

    Parameters
    ----------
    lr : float
        The learning rate, > 0.
    weight_decay : float
        L2 weight decay: wd * p is added to the gradient first (as torch.optim does).
    """
    name = "optimizer"
    slots: tuple = ()
    _bound: dict[str, weakref.ref[Array]] | None

    def __init__(self, lr: float, weight_decay: float = 0.0) -> None:
        self.lr = _checks.check_float(lr, "lr", positive=True)
        self.weight_decay = _checks.check_float(weight_decay, "weight_decay", minimum=0)
        self.t = 0
        self.state: dict = {}
        self._bound = None                 # {path: weakref to the array} once it has stepped

    def hyperparams(self) -> dict:
        """The constructor's arguments (what state_dict saves to rebuild the optimizer).

        Returns
        -------
        dict
        """
        return {"lr": self.lr, "weight_decay": self.weight_decay}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams().items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self):
        """A pickled (or copied) optimizer keeps its moments and step count but not its binding
        (weak references do not pickle): like a state restored with load_state_dict, its slots
        are checked against the parameters before its first step."""
        state = dict(self.__dict__)
        state["_bound"] = None
        return state

    def reset(self) -> None:
        """Forget the moments, the step count and the parameter set this optimizer is bound to."""
        self.t, self.state, self._bound = 0, {}, None

    def check_params(self, params: dict[str, Any]) -> None:
        """Raise ValueError unless a step on `params` may use this optimizer's state: the same
        arrays it is bound to, or (restored state, not bound yet) slots whose names and shapes
        match the parameters. Changes nothing.

        Parameters
        ----------
        params : dict
            The parameter tree (nested dicts and lists of arrays), as ``model.params``.

        Raises
        ------
        ValueError
            Naming the path or slot that does not match.
        """
        current = {path_str(path): p for path, p in leaves(params)}
        for key, p in current.items():
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"params[{key!r}] must be a float array to be updated in place, "
                                f"got {type(p).__name__}")
        if self._bound is not None:
            other = [k for k in set(current) | set(self._bound)
                     if k not in current or k not in self._bound
                     or self._bound[k]() is not current[k]]
            if other:
                raise ValueError(
                    f"this {type(self).__name__} is bound to another parameter set (it took "
                    f"{self.t} step(s) on other arrays, e.g. at {sorted(other)[0]!r}): its "
                    f"moments belong to those. Use a new optimizer for each model, or call "
                    f"optimizer.reset() to drop its state and start afresh on these parameters")
            return
        for key, slots in self.state.items():
            if key not in current:
                raise ValueError(f"optimizer state holds slots for {key!r}, which the parameters "
                                 f"do not have (they have {', '.join(sorted(current)[:6])}...)")
            if set(slots) != set(self.slots):
                raise ValueError(f"optimizer state for {key!r} holds slots {sorted(slots)}, "
                                 f"{self.name} needs {sorted(self.slots)}")
            for s, a in slots.items():
                if np.shape(a) != current[key].shape:
                    raise ValueError(f"optimizer slot {key}/{s} has shape {np.shape(a)}, the "
                                     f"parameter {key!r} has {current[key].shape}")
        missing = sorted(set(current) - set(self.state)) if self.state and self.slots else []
        if missing:
            raise ValueError(f"optimizer state has no slots for parameter {missing[0]!r} "
                             f"({len(missing)} missing): it was saved for another model")

    def step(self, params: dict[str, Any], grads: dict[str, Any]) -> None:
        """Update every leaf of `params` in place, from the leaf of `grads` at its path.

        Everything is checked before any array changes: a refused step changes nothing.

        Parameters
        ----------
        params : dict
            The parameter tree (nested dicts and lists of arrays), as ``model.params``.
        grads : dict
            Their gradients, the same tree (``loss_and_grads``'s second value).

        Raises
        ------
        ValueError
            For other arrays than the bound ones, or gradients that do not match.
        """
        self.check_params(params)
        grad_at = dict(leaves(grads))
        pairs = []
        for path, p in leaves(params):
            if path not in grad_at:
                raise ValueError(f"grads has no entry for parameter {path_str(path)!r}")
            g = grad_at[path]
            if np.shape(g) != p.shape:
                raise ValueError(f"gradient for {path_str(path)!r} has shape {np.shape(g)}, "
                                 f"parameter has {p.shape}")
            pairs.append((path_str(path), p, np.asarray(g)))
        self.t += 1
        for key, p, g in pairs:
            if self.weight_decay:
                g = g + self.weight_decay * p
            if key not in self.state:
                self.state[key] = {s: np.zeros_like(p) for s in self.slots}
            self._update(p, g, self.state[key])
        self._bound = {key: weakref.ref(p) for key, p, _ in pairs}

    def _update(self, p, g, state):
        raise NotImplementedError

    def state_dict(self) -> dict:
        """{"name", "hyperparams", "t", "slots": {"path/slot": array}}: all an optimizer needs to resume.

        Returns
        -------
        dict

        Examples
        --------
        >>> opt = Adam(lr=0.1)
        >>> opt.step({"w": np.ones(2)}, {"w": np.ones(2)})
        >>> sd = opt.state_dict()
        >>> sd["name"], sd["t"], sorted(sd["slots"])
        ('adam', 1, ['w/m', 'w/v'])
        >>> from_state_dict(sd).t
        1
        """
        slots = {f"{k}/{s}": a for k, st in self.state.items() for s, a in st.items()}
        return {"name": self.name, "hyperparams": self.hyperparams(), "t": self.t, "slots": slots}

    def load_state_dict(self, sd: dict) -> None:
        """Restore what state_dict returned (same optimizer kind). The state is checked for its
        structure here and against the parameters at the next step (or check_params).

        Parameters
        ----------
        sd : dict
            What state_dict returned.

        Raises
        ------
        ValueError, TypeError
            Naming the field of a malformed state, or another optimizer's.
        """
        _check_state(sd)
        if sd["name"] != self.name:
            raise ValueError(f"optimizer state is for {sd['name']!r}, not {self.name!r}")
        state: dict[str, dict[str, Array]] = {}
        for key, arr in sd["slots"].items():
            path, slot = key.rsplit("/", 1)
            if slot not in self.slots:
                raise ValueError(f"optimizer state slot {key!r}: {self!r} has no slot {slot!r} "
                                 f"(its slots: {', '.join(self.slots) or 'none'})")
            state.setdefault(path, {})[slot] = np.array(
                _checks.as_array(arr, f"optimizer state slot {key!r}"))
        self.t, self.state, self._bound = int(sd["t"]), state, None


def _check_state(sd):
    """The structure of a state_dict: TypeError/ValueError naming the field that is wrong."""
    if not isinstance(sd, dict):
        raise TypeError(f"optimizer state must be a dict (from state_dict()), got "
                        f"{type(sd).__name__}")
    missing = [k for k in ("name", "hyperparams", "t", "slots") if k not in sd]
    if missing:
        raise ValueError(f"optimizer state lacks the field(s) {', '.join(map(repr, missing))}: "
                         f"it must hold name, hyperparams, t and slots (see state_dict())")
    _checks.check_choice(sd["name"], "optimizer state's name", tuple(OPTIMIZERS))
    if not isinstance(sd["hyperparams"], dict):
        raise TypeError(f"optimizer state's hyperparams must be a dict, got "
                        f"{type(sd['hyperparams']).__name__}")
    _checks.check_int(sd["t"], "optimizer state's t", minimum=0)
    if not isinstance(sd["slots"], dict):
        raise TypeError(f"optimizer state's slots must be a dict, got {type(sd['slots']).__name__}")
    for key in sd["slots"]:
        if not isinstance(key, str) or "/" not in key:
            raise ValueError(f"optimizer state's slots must be keyed 'path/slot', got {key!r}")


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    Parameters
    ----------
    lr : float
        The learning rate.
    momentum : float
        The momentum mu of ``v = mu v + g`` (0: plain SGD).
    nesterov : bool
        Nesterov momentum, ``p -= lr (g + mu v)``; needs momentum > 0.
    weight_decay : float
        L2 weight decay.

    Examples
    --------
    >>> params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -0.5])}
    >>> SGD(lr=0.1).step(params, grads)
    >>> params["w"].tolist()
    [0.95, 2.05]
    """
    name = "sgd"

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.momentum = _checks.check_float(momentum, "momentum", minimum=0)
        self.nesterov = _checks.check_bool(nesterov, "nesterov")
        if self.nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.slots = ("v",) if self.momentum else ()

    def hyperparams(self) -> dict[str, Any]:
        return dict(super().hyperparams(), momentum=self.momentum, nesterov=self.nesterov)

    def _update(self, p, g, state):
        if self.momentum:
            v = state["v"]
            if self.t == 1:
                v[...] = g                                   # torch: the buffer starts at g
            else:
                v *= self.momentum
                v += g
            g = g + self.momentum * v if self.nesterov else v
        p -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015) with bias correction, as torch.optim.Adam.

    Parameters
    ----------
    lr : float
        The learning rate.
    betas : (float, float)
        The decay rates (beta1, beta2) of the first and second moment estimates.
    eps : float
        Added to the root of the second moment, for stability.
    weight_decay : float
        L2 weight decay.

    Examples
    --------
    >>> params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -0.5])}
    >>> opt = Adam(lr=0.1)
    >>> opt.step(params, grads)        # the first step moves every entry by lr
    >>> print(np.allclose(params["w"], [0.9, 2.1]), opt.t)
    True 1
    """
    name = "adam"
    slots = ("m", "v")

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1, self.beta2 = (_checks.check_float(b, "betas", minimum=0) for b in betas)
        if not (self.beta1 < 1 and self.beta2 < 1):
            raise ValueError(f"betas must lie in [0, 1), got {tuple(betas)}")
        self.eps = _checks.check_float(eps, "eps", positive=True)

    def hyperparams(self) -> dict[str, Any]:
        return dict(super().hyperparams(), betas=[self.beta1, self.beta2], eps=self.eps)

    def _update(self, p, g, state):
        m, v = state["m"], state["v"]
        m *= self.beta1
        m += (1 - self.beta1) * g                            # first moment
        v *= self.beta2
        v += (1 - self.beta2) * (g * g)                      # second moment
        bc1 = 1 - self.beta1 ** self.t
        bc2 = 1 - self.beta2 ** self.t
        denom = np.sqrt(v)
        denom /= np.sqrt(bc2)
        denom += self.eps
        p -= (self.lr / bc1) * (m / denom)


class RMSprop(Optimizer):
    """RMSprop (Tieleman and Hinton 2012), as torch.optim.RMSprop (not centered).

    Parameters
    ----------
    lr : float
        The learning rate.
    alpha : float
        The decay rate of the mean square s.
    eps : float
        Added to the root of s, for stability.
    momentum : float
        Momentum on the scaled step (0: none).
    weight_decay : float
        L2 weight decay.
    """
    name = "rmsprop"

    def __init__(self, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.alpha = _checks.check_float(alpha, "alpha", minimum=0)
        self.eps = _checks.check_float(eps, "eps", positive=True)
        self.momentum = _checks.check_float(momentum, "momentum", minimum=0)
        self.slots = ("s", "buf") if self.momentum else ("s",)

    def hyperparams(self) -> dict[str, Any]:
        return dict(super().hyperparams(), alpha=self.alpha, eps=self.eps, momentum=self.momentum)

    def _update(self, p, g, state):
        s = state["s"]
        s *= self.alpha
        s += (1 - self.alpha) * (g * g)
        avg = np.sqrt(s)
        avg += self.eps
        if self.momentum:
            buf = state["buf"]
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * (g / avg)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(optimizer: Optimizer | str, **kwargs: Any) -> Optimizer:
    """An optimizer object from an object (returned as is) or a name.

    Parameters
    ----------
    optimizer : Optimizer or {"adam", "sgd", "rmsprop"}
        An optimizer (returned as it is) or the name of one.
    **kwargs
        The hyperparameters of a named optimizer.

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> get("adam", lr=0.01)
    Adam(lr=0.01, ...)
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()](**kwargs)
    raise ValueError(f"optimizer must be an rnnlab.optim optimizer or one of "
                     f"{', '.join(OPTIMIZERS)}; got {optimizer!r}")


def from_state_dict(sd: dict) -> Optimizer:
    """A new optimizer restored from state_dict() output.

    Parameters
    ----------
    sd : dict
        What ``Optimizer.state_dict()`` returned.

    Returns
    -------
    Optimizer
        Of the saved class, hyperparameters, step count and moments; bound to parameters at its
        first step.

    Raises
    ------
    ValueError, TypeError
        Naming the field of a malformed state.
    """
    _check_state(sd)
    hp = dict(sd["hyperparams"])
    if "betas" in hp and isinstance(hp["betas"], list):
        hp["betas"] = tuple(hp["betas"])
    cls = OPTIMIZERS[sd["name"]]
    allowed = set(inspect.signature(cls).parameters)
    unknown = sorted(set(hp) - allowed)
    if unknown:
        raise ValueError(f"optimizer state's hyperparams hold {', '.join(map(repr, unknown))}, "
                         f"which {cls.__name__} does not take ({', '.join(sorted(allowed))})")
    opt = cls(**hp)
    opt.load_state_dict(sd)
    return opt


def clip_grad_norm(grads: dict[str, Any], max_norm: float) -> float:
    """Scale every gradient by max_norm / norm when the global L2 norm exceeds max_norm.

    Works in place on the arrays of `grads` (as ``torch.nn.utils.clip_grad_norm_`` does).

    Parameters
    ----------
    grads : dict
        A gradient tree (nested dicts and lists of arrays), as ``loss_and_grads`` returns it.
    max_norm : float
        The largest global L2 norm let through.

    Returns
    -------
    float
        The global norm before clipping.

    Examples
    --------
    >>> g = {"W": np.array([3.0, 4.0])}
    >>> clip_grad_norm(g, max_norm=1.0), np.round(g["W"], 3).tolist()
    (5.0, [0.6, 0.8])
    """
    max_norm = _checks.check_float(max_norm, "max_norm", positive=True)
    norm = global_norm(grads)
    coef = max_norm / (norm + 1e-6)
    if coef < 1:
        for _, g in leaves(grads):
            g *= np.asarray(coef, dtype=g.dtype)
    return norm
