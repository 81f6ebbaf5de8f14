"""Analysis of trained and hand-built RNNs: numbers only (figures live in rnnlab.plots).

    automata     compile_fsm, exact_adder, exact_parity, extract_automaton
    stability    spectral radius, impulse responses, gradient norms through time, Jacobian products
"""
from .._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "compile_fsm": "automata", "exact_adder": "automata", "exact_parity": "automata",
    "extract_automaton": "automata",
}, ("automata", "stability"))
