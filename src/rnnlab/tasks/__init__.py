"""Data for rnnlab: generated tasks (scikit-learn's make_* style, with random_state) and real
data that ships offline. Everything loads lazily on first use.

    binary       addition, parity                    n-bit addition and XOR (benefit of recurrence)
    longterm     adding, copy_memory                 long-lag benchmarks (stability)
    text         character vocabulary, language model and fill-in-the-blank data
    timeseries   windowed forecasting on sunspots and generated series
    digits       scikit-learn's 8x8 digits as 8-step sequences (the sklearn extra)
"""
from .._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "addition": "binary", "parity": "binary",
    "adding": "longterm", "copy_memory": "longterm",
}, ("binary", "longterm", "text", "timeseries", "digits", "catalog"))
