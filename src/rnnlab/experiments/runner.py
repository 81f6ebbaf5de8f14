"""Running experiments and writing what they return: results.json, run.json, PNG figures, and
the tour's report (report.md and report.html with the figures embedded).

Every file is written under a temporary name and renamed into place, so an interrupted run never
leaves a half-written file behind.
"""
from __future__ import annotations

import base64
import html
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

from .. import __version__, plots
from .. import io
from . import Result, get, registry


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


def run_experiment(name, *, quick=False, seed=0, out_dir, progress=False, command=None) -> dict:
    """Run one experiment and write its files into out_dir. Returns the results document."""
    exp = get(name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = exp.run(quick=quick, seed=seed, progress=progress)
    seconds = time.perf_counter() - start
    figures, fig_note = save_figures(result, out_dir)
    doc = {"experiment": exp.name, "title": exp.title, "quick": quick, "seed": seed,
           "seconds": round(seconds, 2), "skipped": result.skipped,
           "tables": {k: t.as_dict() for k, t in result.tables.items()},
           "summary": [list(s) for s in result.summary], "figures": figures,
           "figures_skipped": fig_note}
    write_json(out_dir / "results.json", doc)
    write_json(out_dir / "run.json", {
        "experiment": exp.name, "command": command or " ".join(sys.argv), "quick": quick,
        "seed": seed, "config": result.config, "versions": versions(), "git_commit": git_commit(),
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds")})
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


def write_report(out_dir: Path, docs: list, meta: dict):
    """report.md and report.html (figures embedded as data URIs) for a tour."""
    md = ["# rnnlab tour: the lecture, end to end", "",
          f"Command: `{meta['command']}`  ", f"Mode: {'quick' if meta['quick'] else 'full'}, "
          f"seed {meta['seed']}, total {meta['seconds']:.1f} s  ",
          "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v) + "  ",
          f"Git commit: {meta['git_commit'] or 'not from a checkout'}  ",
          f"Started: {meta['started']}", ""]
    md += ["## Summary", "", markdown_table(summary_table(docs)), ""]
    body = [f"<h1>rnnlab tour: the lecture, end to end</h1><p>{'<br>'.join(html.escape(l.rstrip()) for l in md[2:7])}</p>",
            "<h2>Summary</h2>", _html_table(summary_table(docs))]
    for d in docs:
        md += [f"## {d['title']} (`{d['experiment']}`)", "", d.get("description", ""), "",
               f"Time: {d['seconds']:.1f} s. Files: `{d['experiment']}/`", ""]
        body += [f"<h2>{html.escape(d['title'])} (<code>{d['experiment']}</code>)</h2>",
                 f"<p>{html.escape(d.get('description', ''))}</p>",
                 f"<p>Time: {d['seconds']:.1f} s</p>"]
        for note in (d.get("skipped"), d.get("error"), d.get("figures_skipped")):
            if note:
                md += [f"> {note}", ""]
                body.append(f"<blockquote>{html.escape(note)}</blockquote>")
        for t in d["tables"].values():
            md += [f"**{t['title']}**", "", markdown_table(t), ""]
            body += [f"<h3>{html.escape(t['title'])}</h3>", _html_table(t)]
            if t.get("note"):
                md += [t["note"], ""]
                body.append(f"<p><em>{html.escape(t['note'])}</em></p>")
        for f in d["figures"]:
            md += [f"![{f}]({d['experiment']}/{f})", ""]
            data = base64.b64encode((out_dir / d["experiment"] / f).read_bytes()).decode()
            body.append(f'<p><img alt="{html.escape(f)}" src="data:image/png;base64,{data}"></p>')
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
             "padding:.2em .6em;text-align:right}img{max-width:100%}")
    write_text(out_dir / "report.md", "\n".join(md) + "\n")
    write_text(out_dir / "report.html", f"<!doctype html><html><head><meta charset='utf-8'>"
               f"<title>rnnlab tour</title><style>{style}</style></head><body>"
               + "\n".join(body) + "</body></html>\n")


def summary_table(docs) -> dict:
    rows = []
    for d in docs:
        status = "failed" if d.get("error") else "skipped" if d.get("skipped") else "ok"
        key = "; ".join(f"{k}: {fmt(v)}" for k, v in d["summary"])
        rows.append([d["experiment"], status, round(d["seconds"], 1), key])
    return {"title": "Summary", "columns": ["experiment", "status", "seconds", "key results"],
            "rows": rows}


def tour(out_dir, *, quick=False, seed=0, progress=True, command=None, stream=None,
         only=None) -> list:
    """Run every registered experiment (or those named in `only`) into out_dir/<name>/ and
    write the report."""
    stream = stream or sys.stderr
    out_dir = Path(out_dir)
    reg = {k: v for k, v in registry().items() if only is None or k in only}
    docs, start = [], time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for i, (name, exp) in enumerate(reg.items(), 1):
        stream.write(f"[{i}/{len(reg)}] {name}: {exp.title} ...\n")
        stream.flush()
        t0 = time.perf_counter()
        try:
            doc = run_experiment(name, quick=quick, seed=seed, out_dir=out_dir / name,
                                 progress=progress, command=command)
        except Exception as err:                    # one failure must not hide the others
            doc = {"experiment": name, "title": exp.title, "tables": {}, "figures": [],
                   "summary": [], "seconds": time.perf_counter() - t0,
                   "error": f"failed: {type(err).__name__}: {err}"}
        doc["description"] = exp.description
        status = doc.get("error") or doc.get("skipped") or "done"
        stream.write(f"      {status} ({doc['seconds']:.1f} s)\n")
        docs.append(doc)
    meta = {"command": command or " ".join(sys.argv), "quick": quick, "seed": seed,
            "seconds": time.perf_counter() - start, "versions": versions(),
            "git_commit": git_commit(), "started": started}
    write_report(out_dir, docs, meta)
    return docs
