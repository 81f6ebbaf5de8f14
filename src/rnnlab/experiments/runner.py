"""Running experiments and writing what they return: results.json, run.json, PNG figures, and
the report (report.md and report.html with the figures embedded; rnnlab.experiments.report).

    run_experiment(exp, out_dir=...)   one Experiment (rnnlab.experiments.get / select): its files
    run_one(exp, out_dir)              `rnnlab run`: those files and the report of that one, in
                                       out_dir itself
    tour(out_dir)                      every experiment (or `experiments=`, `only=`), each in
                                       out_dir/<name>/, and the report in out_dir
    summary_table(docs)                one row per experiment: status, seconds, claims, headline
    write_report(out_dir, docs, meta, summary)

A tour computes the versions and the git state once (provenance()) and builds the summary once;
run_experiment takes them from the tour, or computes them itself when it runs alone. Figures are
drawn by rnnlab.plots (Result.figures) and saved here. Every file is written under a temporary
name and renamed into place, so an interrupted run never leaves a half-written file behind.
"""
from __future__ import annotations

import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TextIO

import numpy as np

from .. import __version__, plots
from .. import io
from . import Experiment, Figure, Result, get, select
from .report import summary_table, write_report
from .._types import StrPath
from .parallel import RunPool, takes_pool


def jsonable(obj: Any) -> Any:
    """json.dumps default: NumPy scalars and arrays as Python numbers and lists.

    Parameters
    ----------
    obj : object
        A value json cannot write by itself.

    Returns
    -------
    object
        A NumPy scalar as a Python number, an array as a list, a Path as a str.

    Raises
    ------
    TypeError
        For any other value.

    Examples
    --------
    >>> jsonable(np.float32(0.5)), jsonable(np.arange(3))
    (0.5, [0, 1, 2])
    """
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_json(path: StrPath, doc: Any) -> None:
    """Write doc as JSON (rnnlab.io: atomic, the umask's mode). The command line has checked
    before the run that it replaces nothing without --force, so the runner overwrites.

    Parameters
    ----------
    path : str or Path
        The file.
    doc : object
        JSON-ready data (NumPy values are converted by `jsonable`).
    """
    io.write_json(path, doc, default=jsonable, overwrite=True)


def write_text(path: StrPath, text: str) -> None:
    """Write text to path (rnnlab.io: atomic, the umask's mode), replacing it.

    Parameters
    ----------
    path : str or Path
        The file.
    text : str
        Its content.
    """
    io.write_text(path, text, overwrite=True)


def versions() -> dict:
    """Versions of Python, rnnlab and the libraries that shape results (None: not installed).

    Returns
    -------
    dict of str to str or None
        "python", "rnnlab", "numpy", "matplotlib", "torch" and "scikit-learn".
    """
    out = {"python": platform.python_version(), "rnnlab": __version__, "numpy": np.__version__}
    for dist in ("matplotlib", "torch", "scikit-learn"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def git_commit() -> str | None:
    """The commit of the checkout rnnlab runs from (None when installed from a wheel).

    Returns
    -------
    str or None
        The commit's hash, followed by " (with uncommitted changes)" when the checkout has
        some.
    """
    here = Path(__file__).parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                              text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0 or not head.stdout.strip():
        return None
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def save_figure(draw: Callable[[Any], object], path: StrPath,
                size: tuple[float, float] = (7.5, 4.8)) -> None:
    """Draw draw(fig) on a new figure and write it as PNG to path (atomically).

    Parameters
    ----------
    draw : callable
        ``draw(fig)`` draws on an empty matplotlib Figure (a `Figure` is one).
    path : str or Path
        The PNG file.
    size : tuple of float
        The figure's (width, height) in inches.

    Raises
    ------
    ImportError
        Naming the extra, without matplotlib.
    """
    plt = plots.require()
    fig = plt.figure(figsize=size, layout="constrained")
    try:
        draw(fig)
        io.atomic_write(Path(path), overwrite=True,
                        write=lambda f: fig.savefig(f, format="png", dpi=110))
    finally:
        plt.close(fig)


def _drawable(headline: Any) -> bool:
    """A headline with two finite numbers to compare."""
    try:
        return bool(headline) and bool(np.isfinite([headline["rnn"], headline["baseline"]]).all())
    except (KeyError, TypeError, ValueError):
        return False


def summary_figure(out_dir: StrPath,
                   docs: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    """Draw summary.png (the RNN against its baseline per experiment) from the docs' headlines
    (those with two finite numbers). A figure that fails to draw is reported, not raised: the
    report of a long tour is written whatever happens to its summary figure.

    Parameters
    ----------
    out_dir : str or Path
        The folder summary.png goes into.
    docs : sequence of dict
        The experiments' results documents.

    Returns
    -------
    name : str or None
        "summary.png", or None when it was not drawn.
    why : str or None
        Why it is missing, or None; (None, None): no headlines.
    """
    from ..plots import summary as summary_plots
    rows = [{"experiment": d["experiment"], **d["headline"]} for d in docs
            if _drawable(d.get("headline"))]
    if not rows:
        return None, None
    try:
        save_figure(Figure(summary_plots.headlines, {"rows": rows}), Path(out_dir) / "summary.png")
    except ImportError as err:
        return None, str(err)
    except Exception as err:                    # the report must still be written
        return None, f"the summary figure failed: {type(err).__name__}: {err}"
    return "summary.png", None


def save_figures(result: Result, out_dir: Path) -> tuple[list, str | None]:
    """Draw every figure to out_dir/name.png.

    Parameters
    ----------
    result : Result
        An experiment's result, whose `figures` are drawn.
    out_dir : Path
        The folder the PNG files go into.

    Returns
    -------
    names : list of str
        The file names written.
    skipped : str or None
        Why the figures were skipped (matplotlib missing), else None.
    """
    if not result.figures:
        return [], None
    try:
        plots.require()
    except ImportError as err:
        return [], str(err)
    names = []
    for name, draw in result.figures.items():
        save_figure(draw, out_dir / f"{name}.png")
        names.append(f"{name}.png")
    return names, None


def provenance() -> dict:
    """What a run's results depend on beyond its settings. A tour computes it once and hands it
    to every experiment.

    Returns
    -------
    dict
        ``{"versions": versions(), "git_commit": git_commit()}``.
    """
    return {"versions": versions(), "git_commit": git_commit()}


def run_experiment(exp: Experiment | str, *, quick: bool = False, seed: int = 0, out_dir: StrPath,
                   progress: bool = False, command: str | None = None,
                   source: dict[str, Any] | None = None,
                   pool: RunPool | None = None) -> dict:
    """Run one experiment and write its files into out_dir: results.json, run.json, the figures.

    Parameters
    ----------
    exp : Experiment or str
        An Experiment (or its name, looked up with rnnlab.experiments.get).
    quick : bool
        The short budget.
    seed : int
        The experiment's seed.
    out_dir : str or Path
        The folder its files go into (created).
    progress : bool
        Whether training shows its progress.
    command : str, optional
        The command line recorded in run.json (default: sys.argv).
    source : dict, optional
        The provenance() of the tour this run belongs to (None: computed here).
    pool : RunPool, optional
        Where the experiment's independent runs go (an open rnnlab.sweeps.Pool; None: here,
        one after another), handed to experiments whose run() takes `pool` (the others run here
        as always).

    Returns
    -------
    dict
        The results document (what results.json holds).

    Raises
    ------
    TypeError
        When exp is neither an Experiment nor a name.
    """
    if isinstance(exp, str):
        exp = get(exp)
    if not isinstance(exp, Experiment):
        raise TypeError(f"exp must be an Experiment or an experiment's name, got "
                        f"{type(exp).__name__}")
    source = provenance() if source is None else source
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    start = time.perf_counter()
    spread = pool is not None and takes_pool(exp.run)
    result = exp.run(quick=quick, seed=seed, progress=progress, **({"pool": pool} if spread
                                                                      else {}))
    seconds = time.perf_counter() - start
    figures, fig_note = save_figures(result, out_dir)
    doc = {"experiment": exp.name, "title": exp.title, "quick": quick, "seed": seed,
           "seconds": round(seconds, 2), "skipped": result.skipped,
           "tables": {k: t.as_dict() for k, t in result.tables.items()},
           "summary": [list(s) for s in result.summary], "figures": figures,
           "figures_skipped": fig_note,
           "captions": {f"{name}.png": getattr(fig, "caption", "")
                        for name, fig in result.figures.items()},
           "claims": [c.as_dict() for c in result.claims], "headline": result.headline,
           "texts": dict(result.texts)}
    write_json(out_dir / "results.json", doc)
    write_json(out_dir / "run.json", {
        "experiment": exp.name, "command": command or " ".join(sys.argv), "quick": quick,
        "seed": seed, "config": result.config, "versions": source["versions"],
        "git_commit": source["git_commit"], "started": started,
        "runs_on": (getattr(pool, "describe", lambda: repr(pool))() if spread
                    else "this process")})
    return doc


@dataclass
class TourReport:
    """What a tour wrote.

    Parameters
    ----------
    docs : list of dict
        The results document of each experiment, in the order they ran.
    summary : dict
        The summary table (built once).
    meta : dict
        The run's provenance and times.
    out_dir : Path
        The report folder.
    """
    docs: list
    summary: dict
    meta: dict
    out_dir: Path

    @property
    def failed(self) -> list:
        """The names of the experiments that raised.

        Returns
        -------
        list of str
        """
        return [d["experiment"] for d in self.docs if d.get("error")]


def _select(experiments: Iterable[Experiment] | None, only: Iterable[str] | None) -> list:
    """The Experiments to run: `experiments` (default: all, in the tour's order), those named in
    `only` if given; each name once."""
    exps = select() if experiments is None else list(experiments)
    for e in exps:
        if not isinstance(e, Experiment):
            raise TypeError(f"experiments must hold Experiment objects, got {type(e).__name__}")
    if only is not None:
        names = [e.name for e in exps]
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ValueError(f"only: unknown experiment {unknown[0]!r}; choose one of "
                             f"{', '.join(names)}")
        exps = [e for e in exps if e.name in set(only)]
    return list({e.name: e for e in exps}.values())


def tour(out_dir: StrPath, experiments: Iterable[Experiment] | None = None, *, quick: bool = False,
         seed: int = 0, progress: bool = True, command: str | None = None,
         stream: TextIO | None = None, only: Iterable[str] | None = None,
         pool: RunPool | None = None) -> TourReport:
    """Run every experiment into out_dir/<name>/ and write the report (report.md, report.html).
    The versions and git state are computed once, and so is the summary. A failing experiment
    is reported and the tour goes on.

    Parameters
    ----------
    out_dir : str or Path
        The report folder.
    experiments : iterable of Experiment, optional
        Default: every registered one, in the tour's order.
    quick : bool
        The short budget.
    seed : int
        The experiments' seed.
    progress : bool
        Whether training shows its progress.
    command : str, optional
        The command line recorded (default: sys.argv).
    stream : file, optional
        Where a line per experiment goes (default: sys.stderr).
    only : iterable of str, optional
        The names to keep of `experiments`.
    pool : RunPool, optional
        An open rnnlab.sweeps.Pool for the experiments' independent runs (see run_experiment;
        None: all here, one after another).

    Returns
    -------
    TourReport

    Raises
    ------
    TypeError, ValueError
        For an entry of `experiments` that is no Experiment, or an unknown name in `only`.
    """
    stream = stream or sys.stderr
    out_dir = Path(out_dir)
    exps = _select(experiments, only)
    source = provenance()
    command = command or " ".join(sys.argv)
    docs, start = [], time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for i, exp in enumerate(exps, 1):
        stream.write(f"[{i}/{len(exps)}] {exp.name}: {exp.title} ...\n")
        stream.flush()
        t0 = time.perf_counter()
        try:
            doc = run_experiment(exp, quick=quick, seed=seed, out_dir=out_dir / exp.name,
                                 progress=progress, command=command, source=source, pool=pool)
        except Exception as err:                    # one failure must not hide the others
            doc = {"experiment": exp.name, "title": exp.title, "tables": {}, "figures": [],
                   "summary": [], "seconds": time.perf_counter() - t0,
                   "error": f"failed: {type(err).__name__}: {err}"}
        doc["description"] = exp.description
        status = doc.get("error") or doc.get("skipped") or "done"
        stream.write(f"      {status} ({doc['seconds']:.1f} s)\n")
        docs.append(doc)
    meta = {"command": command, "quick": quick, "seed": seed,
            "seconds": time.perf_counter() - start, **source, "started": started}
    summary = summary_table(docs)
    write_report(out_dir, docs, meta, summary, summary_figure=summary_figure(out_dir, docs))
    return TourReport(docs, summary, meta, out_dir)


def run_one(exp: Experiment | str, out_dir: StrPath, *, quick: bool = False, seed: int = 0,
            progress: bool = False, command: str | None = None,
            pool: RunPool | None = None) -> TourReport:
    """`rnnlab run`: run one experiment with its files in out_dir itself (results.json, run.json,
    figures) and write its report there too: the tour's report.md and report.html for this one
    experiment. An exception of the experiment is raised (nothing else would be reported).

    Parameters
    ----------
    exp : Experiment or str
        The experiment, or its name.
    out_dir : str or Path
        The folder of its files and report.
    quick : bool
        The short budget.
    seed : int
        The experiment's seed.
    progress : bool
        Whether training shows its progress.
    command : str, optional
        The command line recorded (default: sys.argv).
    pool : RunPool, optional
        Where its independent runs go (see run_experiment).

    Returns
    -------
    TourReport
    """
    if isinstance(exp, str):
        exp = get(exp)
    source = provenance()
    command = command or " ".join(sys.argv)
    start = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    doc = run_experiment(exp, quick=quick, seed=seed, out_dir=out_dir, progress=progress,
                         command=command, source=source, pool=pool)
    doc["description"] = exp.description
    meta = {"command": command, "quick": quick, "seed": seed,
            "seconds": time.perf_counter() - start, **source, "started": started}
    summary = summary_table([doc])
    write_report(out_dir, [doc], meta, summary, summary_figure=summary_figure(out_dir, [doc]),
                 folders=False, title=f"rnnlab run {exp.name}: {exp.title}")
    return TourReport([doc], summary, meta, Path(out_dir))
