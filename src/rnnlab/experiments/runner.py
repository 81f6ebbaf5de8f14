"""Running experiments and writing what they return: results.json, run.json, PNG figures, and
the tour's report (report.md and report.html with the figures embedded).

    run_experiment(exp, out_dir=...)   one Experiment (rnnlab.experiments.get / select): its files
    tour(out_dir)                      every experiment (or `experiments=`, `only=`) and the report
    summary_table(docs)                one row per experiment: status, seconds, key results
    write_report(out_dir, docs, meta, summary)

A tour computes the versions and the git state once (provenance()) and builds the summary once;
run_experiment takes them from the tour, or computes them itself when it runs alone. Figures are
drawn by rnnlab.plots (Result.figures) and saved here. Every file is written under a temporary
name and renamed into place, so an interrupted run never leaves a half-written file behind.
"""
from __future__ import annotations

import base64
import html
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

from .. import __version__, plots
from .. import io
from . import Experiment, Result, get, select
from .parallel import RunPool, takes_pool


def jsonable(obj):
    """json.dumps default: NumPy scalars and arrays as Python numbers and lists."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_json(path, doc):
    """Write doc as JSON (rnnlab.io: atomic, the umask's mode). The command line has checked
    before the run that it replaces nothing without --force, so the runner overwrites."""
    io.write_json(path, doc, default=jsonable, overwrite=True)


def write_text(path, text):
    io.write_text(path, text, overwrite=True)


def versions() -> dict:
    """Versions of Python, rnnlab and the libraries that shape results (None: not installed)."""
    out = {"python": platform.python_version(), "rnnlab": __version__, "numpy": np.__version__}
    for dist in ("matplotlib", "torch", "scikit-learn"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def git_commit() -> str | None:
    """The commit of the checkout rnnlab runs from (None when installed from a wheel)."""
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


def save_figures(result: Result, out_dir: Path) -> tuple[list, str | None]:
    """Draw every figure to out_dir/name.png. Returns (file names, why figures were skipped)."""
    if not result.figures:
        return [], None
    try:
        plt = plots.require()
    except ImportError as err:
        return [], str(err)
    names = []
    for name, draw in result.figures.items():
        fig = plt.figure(figsize=(7.5, 4.8), layout="constrained")
        try:
            draw(fig)
            io.atomic_write(out_dir / f"{name}.png", overwrite=True,
                            write=lambda f: fig.savefig(f, format="png", dpi=110))
        finally:
            plt.close(fig)
        names.append(f"{name}.png")
    return names, None


def provenance() -> dict:
    """{"versions": versions(), "git_commit": git_commit()}: what a run's results depend on
    beyond its settings. A tour computes it once and hands it to every experiment."""
    return {"versions": versions(), "git_commit": git_commit()}


def run_experiment(exp, *, quick=False, seed=0, out_dir, progress=False, command=None,
                   source=None, pool: RunPool | None = None) -> dict:
    """Run one experiment and write its files into out_dir. Returns the results document.

    exp: an Experiment (or its name, looked up with rnnlab.experiments.get); source: the
    provenance() of the tour this run belongs to (None: computed here); pool: where the
    experiment's independent runs go (an open rnnlab.sweeps.Pool; None: here, one after
    another), handed to experiments whose run() takes `pool` (the others run here as always).
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


def fmt(value) -> str:
    """A table cell: floats with 4 significant digits, None as a dash."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def markdown_table(table: dict) -> str:
    head = "| " + " | ".join(map(str, table["columns"])) + " |"
    sep = "|" + "---|" * len(table["columns"])
    rows = ["| " + " | ".join(fmt(v) for v in r) + " |" for r in table["rows"]]
    return "\n".join([head, sep, *rows])


def _html_table(table: dict) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table["columns"])
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(fmt(v))}</td>" for v in r) + "</tr>"
                   for r in table["rows"])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _header(meta: dict) -> list:
    """The report's opening lines: command, mode, versions, commit, start time."""
    return [f"Command: `{meta['command']}`",
            f"Mode: {'quick' if meta['quick'] else 'full'}, seed {meta['seed']}, "
            f"total {meta['seconds']:.1f} s",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v),
            f"Git commit: {meta['git_commit'] or 'not from a checkout'}",
            f"Started: {meta['started']}"]


def _notes(d: dict) -> list:
    return [n for n in (d.get("skipped"), d.get("error"), d.get("figures_skipped")) if n]


def report_markdown(docs: list, meta: dict, summary: dict) -> str:
    """report.md: the header, the summary table, then each experiment's tables and figures."""
    head = _header(meta)
    md = ["# rnnlab tour: the lecture, end to end", "",
          *[line + "  " for line in head[:-1]], head[-1], "",
          "## Summary", "", markdown_table(summary), ""]
    for d in docs:
        md += [f"## {d['title']} (`{d['experiment']}`)", "", d.get("description", ""), "",
               f"Time: {d['seconds']:.1f} s. Files: `{d['experiment']}/`", ""]
        for note in _notes(d):
            md += [f"> {note}", ""]
        for t in d["tables"].values():
            md += [f"**{t['title']}**", "", markdown_table(t), ""]
            if t.get("note"):
                md += [t["note"], ""]
        for f in d["figures"]:
            md += [f"![{f}]({d['experiment']}/{f})", ""]
    return "\n".join(md) + "\n"


def report_html(out_dir: Path, docs: list, meta: dict, summary: dict) -> str:
    """report.html: the same as report.md, with the figures embedded as data URIs."""
    body = ["<h1>rnnlab tour: the lecture, end to end</h1>"
            f"<p>{'<br>'.join(html.escape(line) for line in _header(meta))}</p>",
            "<h2>Summary</h2>", _html_table(summary)]
    for d in docs:
        body += [f"<h2>{html.escape(d['title'])} (<code>{d['experiment']}</code>)</h2>",
                 f"<p>{html.escape(d.get('description', ''))}</p>",
                 f"<p>Time: {d['seconds']:.1f} s</p>"]
        body += [f"<blockquote>{html.escape(note)}</blockquote>" for note in _notes(d)]
        for t in d["tables"].values():
            body += [f"<h3>{html.escape(t['title'])}</h3>", _html_table(t)]
            if t.get("note"):
                body.append(f"<p><em>{html.escape(t['note'])}</em></p>")
        for f in d["figures"]:
            data = base64.b64encode((out_dir / d["experiment"] / f).read_bytes()).decode()
            body.append(f'<p><img alt="{html.escape(f)}" src="data:image/png;base64,{data}"></p>')
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
             "padding:.2em .6em;text-align:right}img{max-width:100%}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>rnnlab tour</title>"
            f"<style>{style}</style></head><body>" + "\n".join(body) + "</body></html>\n")


def write_report(out_dir: Path, docs: list, meta: dict, summary: dict | None = None):
    """report.md and report.html (figures embedded as data URIs) for a tour; summary: the
    tour's summary_table(docs) (None: built here)."""
    out_dir = Path(out_dir)
    summary = summary_table(docs) if summary is None else summary
    write_text(out_dir / "report.md", report_markdown(docs, meta, summary))
    write_text(out_dir / "report.html", report_html(out_dir, docs, meta, summary))


def summary_table(docs) -> dict:
    """One row per experiment: name, status (ok, skipped, failed), seconds, key results."""
    rows = []
    for d in docs:
        status = "failed" if d.get("error") else "skipped" if d.get("skipped") else "ok"
        key = "; ".join(f"{k}: {fmt(v)}" for k, v in d["summary"])
        rows.append([d["experiment"], status, round(d["seconds"], 1), key])
    return {"title": "Summary", "columns": ["experiment", "status", "seconds", "key results"],
            "rows": rows}


@dataclass
class TourReport:
    """What a tour wrote: the results document of each experiment (in the order they ran), the
    summary table (built once), the run's provenance and times (meta), and the report folder."""
    docs: list
    summary: dict
    meta: dict
    out_dir: Path

    @property
    def failed(self) -> list:
        """The names of the experiments that raised."""
        return [d["experiment"] for d in self.docs if d.get("error")]


def _select(experiments, only) -> list:
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


def tour(out_dir, experiments=None, *, quick=False, seed=0, progress=True, command=None,
         stream=None, only=None, pool: RunPool | None = None) -> TourReport:
    """Run every experiment into out_dir/<name>/ and write the report (report.md, report.html).

    experiments: Experiment objects (default: every registered one, in the tour's order); only:
    names to keep of those. The versions and git state are computed once, and so is the summary.
    A failing experiment is reported and the tour goes on. pool: an open rnnlab.sweeps.Pool for
    the experiments' independent runs (see run_experiment; None: all here, one after another).
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
    write_report(out_dir, docs, meta, summary)
    return TourReport(docs, summary, meta, out_dir)
