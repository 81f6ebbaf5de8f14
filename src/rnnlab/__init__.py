"""rnnlab: recurrent neural networks from first principles, in NumPy.

    import rnnlab as rl
    model = rl.RNN(n_in=1, n_hidden=16, n_out=1)
    history = model.fit(X, Y, epochs=20)

Subpackages and heavy pieces load lazily (PEP 562): `import rnnlab` imports NumPy and nothing else,
yet rl.RNN, rl.optim, rl.tasks, rl.analysis, rl.nn ... work as attributes.
"""
from ._lazy import attach

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = attach(__name__, {
    "RNN": "model", "load": "model", "gradcheck": "numgrad", "History": "train",
    "tune_malloc": "_malloc", "CheckpointError": "io", "set_backend": "nn.backend",
    "get_backend": "nn.backend", "sweep": "sweeps",
}, ("nn", "optim", "train", "mappings", "numgrad", "tasks", "analysis", "experiments", "plots",
    "data", "callbacks", "metrics", "io", "cli", "bench", "interop", "sklearn", "sweeps"))
__all__ = ["__version__", *__all__]
