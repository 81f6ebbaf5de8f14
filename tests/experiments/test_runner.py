"""rnnlab.experiments.runner on stand-in experiments: results.json and run.json hold what run()
returned, figures are drawn (or the missing extra is named), one failing experiment does not
stop the tour, and the report's tables and summary show the numbers of the run."""
import io
import json
from pathlib import Path

import numpy as np
import pytest

from rnnlab.experiments import Experiment, Result, Table, runner


def _ok(*, quick, seed, progress):
    def draw(fig):
        fig.add_subplot().plot([0, 1], [seed, 2 * seed])
    return Result(tables={"t": Table("Numbers", ["n", "square"], [[2, 4.0], [3, np.float64(9)]],
                                     note="squares")},
                  figures={"fig": draw}, summary=[("best", 0.123456)],
                  config={"quick": quick, "seed": seed, "sizes": np.arange(2)})


def _skipped(*, quick, seed, progress):
    return Result(skipped="needs scikit-learn: pip install 'rnnlab[sklearn]'")


def _broken(*, quick, seed, progress):
    raise RuntimeError("boom")


FAKE = {"ok": Experiment("ok", "All fine", "Computes squares.", _ok),
        "broken": Experiment("broken", "Breaks", "Raises.", _broken),
        "skipped": Experiment("skipped", "Skips", "Needs an extra.", _skipped)}


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(runner, "registry", lambda: dict(FAKE))

    def get(name):
        if name not in FAKE:
            raise ValueError(f"unknown experiment {name!r}")
        return FAKE[name]
    monkeypatch.setattr(runner, "get", get)


def test_jsonable_and_fmt():
    doc = json.loads(json.dumps({"a": np.float32(0.5), "b": np.arange(3), "c": Path("x/y"),
                                 "d": np.int64(7)}, default=runner.jsonable))
    assert doc == {"a": 0.5, "b": [0, 1, 2], "c": "x/y", "d": 7}
    with pytest.raises(TypeError, match="not JSON serialisable: object"):
        runner.jsonable(object())
    assert [runner.fmt(v) for v in (None, 1 / 3, 12345.678, 7, "x")] == \
        ["-", "0.3333", "1.235e+04", "7", "x"]


def test_markdown_table():
    t = {"columns": ["a", "b"], "rows": [[1, 0.5], [None, "z"]]}
    assert runner.markdown_table(t) == "| a | b |\n|---|---|\n| 1 | 0.5 |\n| - | z |"


def test_run_experiment_writes_what_run_returned(fake, tmp_path):
    doc = runner.run_experiment("ok", quick=True, seed=3, out_dir=tmp_path / "ok", command="cmd")
    results = json.loads((tmp_path / "ok" / "results.json").read_text())
    assert results == doc
    assert results["tables"]["t"] == {"title": "Numbers", "columns": ["n", "square"],
                                      "rows": [[2, 4.0], [3, 9.0]], "note": "squares"}
    assert results["summary"] == [["best", 0.123456]] and results["skipped"] is None
    assert (results["experiment"], results["quick"], results["seed"]) == ("ok", True, 3)
    run = json.loads((tmp_path / "ok" / "run.json").read_text())
    assert run["command"] == "cmd" and run["config"] == {"quick": True, "seed": 3, "sizes": [0, 1]}
    assert run["versions"] == runner.versions()
    assert set(run["versions"]) >= {"python", "rnnlab", "numpy", "torch"}
    assert [p.name for p in (tmp_path / "ok").iterdir() if p.name.startswith(".")] == []


def test_figures_are_drawn_to_png(fake, tmp_path):
    pytest.importorskip("matplotlib")
    doc = runner.run_experiment("ok", out_dir=tmp_path / "a")
    assert doc["figures"] == ["fig.png"] and doc["figures_skipped"] is None
    assert (tmp_path / "a" / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_matplotlib_the_tables_are_still_written(fake, tmp_path, monkeypatch):
    def missing():
        raise ImportError("figures need matplotlib: pip install 'rnnlab[plot]'")
    monkeypatch.setattr(runner.plots, "require", missing)
    doc = runner.run_experiment("ok", out_dir=tmp_path / "b")
    assert doc["figures"] == [] and "rnnlab[plot]" in doc["figures_skipped"]
    assert doc["tables"]["t"]["rows"] == [[2, 4.0], [3, 9.0]]
    assert not list((tmp_path / "b").glob("*.png"))


def test_summary_table_states_each_outcome():
    docs = [{"experiment": "a", "seconds": 1.26, "summary": [["x", 0.5], ["y", 2]]},
            {"experiment": "b", "seconds": 0.0, "summary": [], "skipped": "why"},
            {"experiment": "c", "seconds": 2.0, "summary": [], "error": "failed: E"}]
    t = runner.summary_table(docs)
    assert t["columns"] == ["experiment", "status", "seconds", "key results"]
    assert t["rows"] == [["a", "ok", 1.3, "x: 0.5; y: 2"], ["b", "skipped", 0.0, ""],
                         ["c", "failed", 2.0, ""]]


def test_tour_survives_a_failure_and_reports_every_experiment(fake, tmp_path, monkeypatch):
    def missing():
        raise ImportError("no matplotlib here")
    monkeypatch.setattr(runner.plots, "require", missing)      # the same without the extra
    log = io.StringIO()
    docs = runner.tour(tmp_path, seed=1, progress=False, command="rnnlab tour", stream=log)
    assert [d["experiment"] for d in docs] == ["ok", "broken", "skipped"]
    assert docs[1]["error"] == "failed: RuntimeError: boom"
    assert docs[2]["skipped"].endswith("pip install 'rnnlab[sklearn]'")
    assert "[2/3] broken: Breaks" in log.getvalue()
    assert (tmp_path / "ok" / "results.json").exists()
    assert not (tmp_path / "broken" / "results.json").exists()
    md = (tmp_path / "report.md").read_text()
    assert "Command: `rnnlab tour`" in md and "seed 1" in md
    assert "| ok | ok |" in md and "| broken | failed |" in md and "| skipped | skipped |" in md
    assert "best: 0.1235" in md                                 # the summary, 4 digits
    assert "| n | square |\n|---|---|\n| 2 | 4 |\n| 3 | 9 |" in md
    assert "> failed: RuntimeError: boom" in md and "> no matplotlib here" in md
    html = (tmp_path / "report.html").read_text()
    assert "best: 0.1235" in html
    assert "&#x27;rnnlab[sklearn]&#x27;" in html                # escaped, not raw


def test_tour_only_runs_the_named_experiments(fake, tmp_path):
    docs = runner.tour(tmp_path, only=["skipped"], progress=False, stream=io.StringIO())
    assert [d["experiment"] for d in docs] == ["skipped"]
    assert not (tmp_path / "ok").exists()


def test_report_embeds_the_figures(fake, tmp_path):
    pytest.importorskip("matplotlib")
    runner.tour(tmp_path, only=["ok"], progress=False, stream=io.StringIO())
    assert "![fig.png](ok/fig.png)" in (tmp_path / "report.md").read_text()
    assert 'src="data:image/png;base64,iVBORw0KGgo' in (tmp_path / "report.html").read_text()


def test_git_commit_is_a_hash_or_none():
    commit = runner.git_commit()
    assert commit is None or len(commit.split()[0]) == 40
