"""Type stub of rnnlab.analysis: the names its __init__ loads lazily (PEP 562), spelled out
for type checkers and IDEs. Keep it in step with the attach() call there (tests/test_typing.py).
"""
from . import automata as automata, stability as stability
from .automata import (
    compile_fsm as compile_fsm,
    exact_adder as exact_adder,
    exact_parity as exact_parity,
    extract_automaton as extract_automaton,
)

__all__ = ["automata", "compile_fsm", "exact_adder", "exact_parity", "extract_automaton",
           "stability"]
