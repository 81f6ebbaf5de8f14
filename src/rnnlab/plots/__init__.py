"""Figures with matplotlib (the `plot` extra: pip install 'rnnlab[plot]'), Agg backend.

Figures only: nothing here trains, measures or imports the experiments; every function draws
numbers it is given. matplotlib is imported inside the functions, so `import rnnlab.plots` works
without it and a drawing function raises ImportError naming the extra.

    base         require(), available(), and the generic pieces: curves, learning_curves, heatmap
    forward      the forward pass through time and the training losses (experiment `forward`)
    text         bits per character, fill-in-the-blank accuracy (`text`)
    timeseries   forecasts against the truth (`timeseries`)
    digits       the confusion matrix and example images (`digits`)
    mappings     the unrolled diagram of a sequence mapping (`mappings`)
    benefit      accuracy against length, hidden states, extracted machines (`benefit`)
    stability    impulse and gradient norms against the lag, learning curves (`stability`)
    summary      the RNN against its baseline in every experiment (the report's summary)

A figure of an experiment is a function draw(fig, **numbers) of the experiment family's module:
it draws on an empty matplotlib Figure and sets its size when the default does not fit. The
experiment returns it with its numbers as rnnlab.experiments.Figure(draw, numbers); the runner
saves it as PNG. A new experiment's figures go into a new module here, named like the experiment.
"""
from .._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "require": "base", "available": "base", "curves": "base", "learning_curves": "base",
    "heatmap": "base",
}, ("base", "forward", "text", "timeseries", "digits", "mappings", "benefit", "stability",
    "summary"))
