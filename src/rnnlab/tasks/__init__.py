"""Data for rnnlab: generated tasks (scikit-learn's make_* style, with random_state) and real
data that ships offline. Everything loads lazily on first use.

    binary       addition, parity                    n-bit addition and XOR (benefit of recurrence)
    longterm     adding, copy_memory                 long-lag benchmarks (stability)
    text         character vocabulary, language model and fill-in-the-blank data
    timeseries   windowed forecasting on sunspots and generated series
    digits       scikit-learn's 8x8 digits as 8-step sequences (the sklearn extra)
"""
from importlib import import_module

_ATTRS = {
    "addition": "binary", "parity": "binary",
    "adding": "longterm", "copy_memory": "longterm",
}
_MODULES = ("binary", "longterm", "text", "timeseries", "digits")
__all__ = [*_ATTRS, *_MODULES]


def __getattr__(name):
    if name in _ATTRS:
        value = getattr(import_module(f"rnnlab.tasks.{_ATTRS[name]}"), name)
    elif name in _MODULES:
        value = import_module(f"rnnlab.tasks.{name}")
    else:
        raise AttributeError(f"module 'rnnlab.tasks' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
