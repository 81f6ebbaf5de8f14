"""Compiled time loops (numba; the `fast` extra), one module per cell, with the same arrays and
results as the NumPy loops of nn/<cell>.py. Imported only when rnnlab.nn.backend selects them;
nothing here is imported by `import rnnlab`."""
