"""Type stub of rnnlab.plots: the names its __init__ loads lazily (PEP 562), spelled out
for type checkers and IDEs. Keep it in step with the attach() call there (tests/test_typing.py).
"""
from . import (
    base as base,
    benefit as benefit,
    digits as digits,
    forward as forward,
    mappings as mappings,
    stability as stability,
    summary as summary,
    text as text,
    timeseries as timeseries,
)
from .base import (
    available as available,
    curves as curves,
    heatmap as heatmap,
    learning_curves as learning_curves,
    require as require,
)

__all__ = ["available", "base", "benefit", "curves", "digits", "forward", "heatmap",
           "learning_curves", "mappings", "require", "stability", "summary", "text",
           "timeseries"]
