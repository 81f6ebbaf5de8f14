"""Analysis of trained and hand-built RNNs: numbers only (figures live in rnnlab.plots).

    automata     compile_fsm, exact_adder, exact_parity, extract_automaton
    stability    spectral radius, impulse responses, gradient norms through time, Jacobian products
"""
from importlib import import_module

_ATTRS = {
    "compile_fsm": "automata", "exact_adder": "automata", "exact_parity": "automata",
    "extract_automaton": "automata",
}
_MODULES = ("automata", "stability")
__all__ = [*_ATTRS, *_MODULES]


def __getattr__(name):
    if name in _ATTRS:
        value = getattr(import_module(f"rnnlab.analysis.{_ATTRS[name]}"), name)
    elif name in _MODULES:
        value = import_module(f"rnnlab.analysis.{name}")
    else:
        raise AttributeError(f"module 'rnnlab.analysis' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
