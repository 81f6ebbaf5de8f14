"""The lecture's experiments, registered in one place.

Each experiment is a module of this package with

    NAME = "benefit"                      # what `rnnlab run NAME` takes
    TITLE = "Benefit of recurrence"        # one line for `rnnlab list` and the report
    DESCRIPTION = "..."                   # a short paragraph for the report
    def run(*, quick: bool, seed: int, progress: bool) -> Result

and is listed in MODULES below (the order of the tour). run() computes numbers only: it returns
its tables as data and its figures as Figure(draw, numbers), where draw is a function of the
experiment's module in rnnlab.plots (a new experiment's drawing code goes there, never here);
rnnlab.experiments.runner writes them (results.json, run.json, PNG figures) and the CLI and the
tour only call the runner, with the Experiment objects of registry() or select().
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Callable
from collections.abc import Iterable

# the tour's order; a module that fails to import is reported, never silently dropped
MODULES = (
    "rnnlab.experiments.forward",
    "rnnlab.experiments.text",
    "rnnlab.experiments.timeseries",
    "rnnlab.experiments.digits",
    "rnnlab.experiments.mappings",
    "rnnlab.experiments.benefit",
    "rnnlab.experiments.stability",
)


@dataclass
class Table:
    """A table as data: column names and rows of JSON-ready values (numbers, strings, None).

    Parameters
    ----------
    title : str
        The table's title.
    columns : list of str
        The column names.
    rows : list of list
        The rows: numbers, strings or None.
    note : str
        A line shown under the table.
    """
    title: str
    columns: list
    rows: list
    note: str = ""

    def as_dict(self) -> dict:
        """The table as JSON-ready data (what results.json holds).

        Returns
        -------
        dict
        """
        return {"title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows], "note": self.note}


@dataclass
class Figure:
    """A figure as data: ``draw(fig, **data)`` draws `data`, the experiment's numbers, on an
    empty matplotlib Figure; draw is a function of rnnlab.plots. Calling it draws: figure(fig).

    Parameters
    ----------
    draw : callable
        ``draw(fig, **data)``, a function of rnnlab.plots.
    data : dict
        The experiment's numbers, JSON-ready.
    caption : str
        One or two sentences under the figure in the report (also its alt text).
    """
    draw: Callable
    data: dict = field(default_factory=dict)
    caption: str = ""

    def __call__(self, fig: Any) -> Any:        # fig: an empty matplotlib Figure
        return self.draw(fig, **self.data)


@dataclass
class Claim:
    """A claim of the lecture that an experiment checks on its own numbers.

    Parameters
    ----------
    text : str
        The claim, e.g. "the RNN beats the static net on next-step prediction".
    passed : bool or None
        True / False as the numbers say; None when this run's budget cannot test it (quick
        mode): the report then says "not tested at this budget".
    evidence : str
        The numbers behind the verdict, e.g. "MSE per step: RNN 0.041, static 0.213".
    """
    text: str
    passed: bool | None
    evidence: str = ""

    def as_dict(self) -> dict:
        """The claim as JSON-ready data (what results.json holds).

        Returns
        -------
        dict
            With the keys "text", "passed" and "evidence".

        Examples
        --------
        >>> Claim("the RNN wins", True, "accuracy 0.98 vs 0.51").as_dict()
        {'text': 'the RNN wins', 'passed': True, 'evidence': 'accuracy 0.98 vs 0.51'}
        """
        return {"text": self.text, "passed": self.passed, "evidence": self.evidence}


@dataclass
class Result:
    """What an experiment returns.

    Parameters
    ----------
    tables : dict of str to Table
        name -> Table.
    figures : dict of str to Figure
        name -> Figure (or any draw(fig) that draws on an empty matplotlib Figure), saved as
        name.png.
    summary : list of tuple
        A few (label, value) pairs for the tour's summary table.
    config : dict
        The resolved settings (sizes, epochs, seeds) that reproduce the run.
    skipped : str or None
        Why the experiment could not run (a missing extra), else None.
    claims : list of Claim
        The lecture's claims this run checks, each with its verdict.
    headline : dict or None
        The RNN against its baseline on one metric, for the summary figure:
        ``{"metric": "accuracy", "rnn": 0.98, "baseline": 0.51, "higher_is_better": True,
        "rnn_label": "RNN", "baseline_label": "static net"}``, or None.
    texts : dict of str to str
        name -> generated text (samples of a language model), shown as text in the report.
    """
    tables: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    summary: list = field(default_factory=list)
    config: dict = field(default_factory=dict)
    skipped: str | None = None
    claims: list = field(default_factory=list)
    headline: dict | None = None
    texts: dict = field(default_factory=dict)


@dataclass
class Experiment:
    """One experiment of the tour: its name, title, description and run function.

    Parameters
    ----------
    name : str
        The name `rnnlab run NAME` takes.
    title : str
        One line.
    description : str
        What it shows.
    run : callable
        ``run(quick, seed, progress) -> Result``.
    """
    name: str
    title: str
    description: str
    run: Callable


def registry() -> dict:
    """name -> Experiment, in the tour's order.

    Returns
    -------
    dict of str to Experiment
    """
    out = {}
    for modname in MODULES:
        mod = import_module(modname)
        out[mod.NAME] = Experiment(mod.NAME, mod.TITLE, mod.DESCRIPTION.strip(), mod.run)
    return out


def get(name: str) -> Experiment:
    """The experiment called `name` (ValueError listing the names otherwise).

    Parameters
    ----------
    name : str
        The experiment's name.

    Returns
    -------
    Experiment

    Raises
    ------
    ValueError
        Listing the names, for an unknown one.

    Examples
    --------
    >>> get("benefit").name
    'benefit'
    """
    return select([name])[0]


def select(names: Iterable[str] | None = None) -> list:
    """The Experiments called `names` (None: all), in the tour's order, each once; ValueError
    listing the names when one is unknown.

    Parameters
    ----------
    names : list of str, optional
        The experiments; None: all.

    Returns
    -------
    list of Experiment

    Raises
    ------
    ValueError
        Listing the names, for an unknown one.

    Examples
    --------
    >>> [e.name for e in select(["stability", "forward"])]
    ['forward', 'stability']
    """
    reg = registry()
    if names is None:
        return list(reg.values())
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise ValueError(f"unknown experiment {unknown[0]!r}; choose one of {', '.join(reg)}")
    return [exp for name, exp in reg.items() if name in set(names)]
