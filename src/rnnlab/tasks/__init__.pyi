"""Type stub of rnnlab.tasks: the names its __init__ loads lazily (PEP 562), spelled out
for type checkers and IDEs. Keep it in step with the attach() call there (tests/test_typing.py).
"""
from . import (
    binary as binary,
    catalog as catalog,
    digits as digits,
    longterm as longterm,
    text as text,
    timeseries as timeseries,
)
from .binary import addition as addition, parity as parity
from .longterm import adding as adding, copy_memory as copy_memory

__all__ = ["adding", "addition", "binary", "catalog", "copy_memory", "digits", "longterm",
           "parity", "text", "timeseries"]
