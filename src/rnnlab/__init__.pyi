"""Type stub of rnnlab: the names its __init__ loads lazily (PEP 562), spelled out
for type checkers and IDEs. Keep it in step with the attach() call there (tests/test_typing.py).
"""
from . import (
    analysis as analysis,
    bench as bench,
    callbacks as callbacks,
    cli as cli,
    data as data,
    experiments as experiments,
    interop as interop,
    io as io,
    mappings as mappings,
    metrics as metrics,
    nn as nn,
    numgrad as numgrad,
    optim as optim,
    plots as plots,
    sklearn as sklearn,
    sweeps as sweeps,
    tasks as tasks,
    train as train,
)
from ._malloc import tune_malloc as tune_malloc
from .io import CheckpointError as CheckpointError
from .model import RNN as RNN, load as load
from .nn.backend import get_backend as get_backend, set_backend as set_backend
from .numgrad import gradcheck as gradcheck
from .sweeps import sweep as sweep
from .train import History as History

__version__: str

__all__ = ["__version__", "CheckpointError", "History", "RNN", "analysis", "bench", "callbacks",
           "cli", "data", "experiments", "get_backend", "gradcheck", "interop", "io", "load",
           "mappings", "metrics", "nn", "numgrad", "optim", "plots", "set_backend", "sklearn",
           "sweep", "sweeps", "tasks", "train", "tune_malloc"]
