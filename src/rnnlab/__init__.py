"""rnnlab: recurrent neural networks from first principles, in NumPy.

    import rnnlab as rl
    model = rl.RNN(n_in=1, n_hidden=16, n_out=1)
    history = model.fit(X, Y, epochs=20)

Subpackages and heavy pieces load lazily (PEP 562): `import rnnlab` imports NumPy and nothing else,
yet rl.RNN, rl.optim, rl.tasks, rl.analysis, rl.nn ... work as attributes.
"""
from importlib import import_module

__version__ = "0.1.0"

_ATTRS = {
    "RNN": ("rnnlab.model", "RNN"),
    "load": ("rnnlab.model", "load"),
    "gradcheck": ("rnnlab.numgrad", "gradcheck"),
    "History": ("rnnlab.train", "History"),
}
_MODULES = ("nn", "optim", "train", "mappings", "numgrad", "tasks", "analysis", "experiments",
            "plots", "checkpoint", "cli", "bench")

__all__ = ["__version__", *_ATTRS, *_MODULES]


def __getattr__(name):
    if name in _ATTRS:
        module, attr = _ATTRS[name]
        value = getattr(import_module(module), attr)
    elif name in _MODULES:
        value = import_module(f"rnnlab.{name}")
    else:
        raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
