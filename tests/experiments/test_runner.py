"""The experiment runner: it takes Experiment objects, computes the versions and git state once
per tour and builds the summary once, writes every experiment's files and the report, and goes
on past a failing experiment. Most tests run made-up experiments that take milliseconds."""
import io
import json
import sys

import numpy as np
import pytest

from report_support import META, parse, report_doc as _report_doc
from rnnlab import experiments, plots
from rnnlab.experiments import Claim, Experiment, Figure, Result, Table, runner
from rnnlab.experiments.report import SUMMARY_CAPTION


def _experiment(name, value=1.5, *, fail=False, skip=None, figure=False, caption=""):
    """An Experiment that is not registered: a table with one number, a summary pair, a claim,
    a headline and a generated text."""
    def run(*, quick, seed, progress):
        if fail:
            raise RuntimeError("boom")
        if skip:
            return Result(skipped=skip)
        figures = ({"loss": Figure(plots.forward.training_loss, {"losses": {"x": [1.0, 0.5]}},
                                   caption)} if figure else {})
        return Result(tables={"t": Table(f"{name} table", ["seed", "value"], [[seed, value]])},
                      figures=figures, summary=[("value", value)],
                      config={"quick": quick, "seed": seed},
                      claims=[Claim("value is positive", value > 0 if not quick else None,
                                    f"value {value}")],
                      headline={"metric": "value", "rnn": value, "baseline": 1.0,
                                "higher_is_better": True, "rnn_label": "RNN",
                                "baseline_label": "one"},
                      texts={"sample": f"text of {name}"})
    return Experiment(name, f"The {name} experiment", f"What {name} does.", run)


@pytest.fixture
def counted(monkeypatch):
    """Counts the calls of versions(), git_commit() and summary_table() in the runner."""
    calls = {"versions": 0, "git_commit": 0, "summary_table": 0}

    def counting(name, real):
        def wrapper(*args, **kw):
            calls[name] += 1
            return real(*args, **kw)
        monkeypatch.setattr(runner, name, wrapper)

    counting("versions", lambda: {"python": "3", "rnnlab": "x", "numpy": np.__version__})
    counting("git_commit", lambda: "abc123")
    counting("summary_table", runner.summary_table)
    return calls


@pytest.fixture
def no_registry(monkeypatch):
    """Any lookup of the registry fails: experiments given as objects are never looked up."""
    def fail(*args, **kw):
        raise AssertionError("the registry was looked up")
    monkeypatch.setattr(experiments, "registry", fail)
    monkeypatch.setattr(runner, "select", fail)
    monkeypatch.setattr(runner, "get", fail)


def test_tour_computes_versions_git_and_summary_once(tmp_path, counted, no_registry):
    exps = [_experiment("a", 1.0), _experiment("b", 2.0), _experiment("c", 3.0)]
    log = io.StringIO()
    report = runner.tour(tmp_path, exps, seed=4, progress=False, command="cmd", stream=log)
    assert log.getvalue().splitlines()[::2] == ["[1/3] a: The a experiment ...",
                                                "[2/3] b: The b experiment ...",
                                                "[3/3] c: The c experiment ..."]
    assert counted == {"versions": 1, "git_commit": 1, "summary_table": 1}
    for name in "abc":
        run = json.loads((tmp_path / name / "run.json").read_text())
        assert run["versions"]["rnnlab"] == "x" and run["git_commit"] == "abc123"
        assert run["seed"] == 4 and run["command"] == "cmd" and run["config"]["seed"] == 4
    assert report.meta["git_commit"] == "abc123"
    assert [r[:2] for r in report.summary["rows"]] == [["a", "ok"], ["b", "ok"], ["c", "ok"]]
    md = (tmp_path / "report.md").read_text()
    assert md.count("| a | ok |") == 1 and "Git commit: abc123" in md
    assert [line for line in md.splitlines() if line.startswith("- value")] == [
        "- value: 1", "- value: 2", "- value: 3"]                  # each section's key results
    cells = [[td.text() for td in tr.find_all("td")[:2]] for tr in
             parse((tmp_path / "report.html").read_text()).find_all("tr")[1:4]]
    assert cells == [["a", "ok"], ["b", "ok"], ["c", "ok"]]


def test_run_experiment_takes_an_object_and_computes_provenance_itself(tmp_path, counted,
                                                                        no_registry):
    doc = runner.run_experiment(_experiment("solo", 2.5), seed=1, out_dir=tmp_path)
    assert counted["versions"] == 1 and counted["git_commit"] == 1
    assert doc["tables"]["t"]["rows"] == [[1, 2.5]] and doc["summary"] == [["value", 2.5]]
    assert json.loads((tmp_path / "results.json").read_text()) == doc
    given = {"versions": {"numpy": "1"}, "git_commit": None}
    runner.run_experiment(_experiment("solo"), out_dir=tmp_path, source=given)
    assert counted["versions"] == 1                                   # not computed again
    assert json.loads((tmp_path / "run.json").read_text())["versions"] == {"numpy": "1"}


def test_run_experiment_rejects_what_is_not_an_experiment(tmp_path):
    with pytest.raises(TypeError, match="exp must be an Experiment.*got dict"):
        runner.run_experiment({"name": "a"}, out_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        runner.run_experiment("nope", out_dir=tmp_path)


def test_a_failure_is_reported_and_the_tour_goes_on(tmp_path, counted):
    exps = [_experiment("bad", fail=True), _experiment("skip", skip="skipped: no extra"),
            _experiment("good", 7.0)]
    report = runner.tour(tmp_path, exps, progress=False, stream=io.StringIO())
    assert report.failed == ["bad"]
    assert [r[1] for r in report.summary["rows"]] == ["failed", "skipped", "ok"]
    md = (tmp_path / "report.md").read_text()
    assert "> failed: RuntimeError: boom" in md and "> skipped: no extra" in md
    assert (tmp_path / "good" / "results.json").exists()
    assert not (tmp_path / "bad" / "results.json").exists()


def test_only_selects_by_name_and_rejects_unknown_names(tmp_path, counted):
    exps = [_experiment("a"), _experiment("b"), _experiment("a")]
    report = runner.tour(tmp_path, exps, only=["a"], progress=False,
                         stream=io.StringIO())
    assert [d["experiment"] for d in report.docs] == ["a"]                # each name once
    assert not (tmp_path / "b").exists()
    with pytest.raises(ValueError, match="only: unknown experiment 'z'; choose one of a, b"):
        runner.tour(tmp_path, exps, only=["z"])
    with pytest.raises(TypeError, match="Experiment objects, got str"):
        runner.tour(tmp_path, ["a"])


def test_figures_are_saved_and_embedded(tmp_path):
    pytest.importorskip("matplotlib")
    report = runner.tour(tmp_path, [_experiment("f", figure=True)], progress=False,
                         stream=io.StringIO())
    assert report.docs[0]["figures"] == ["loss.png"]
    assert (tmp_path / "f" / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert "![Loss](f/loss.png)" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == 2  # +summary


def test_a_quick_tour_of_one_real_experiment_writes_the_report(tmp_path):
    """The registered `forward` experiment at its quick settings (about a second)."""
    report = runner.tour(tmp_path, only=["forward"], quick=True, progress=False,
                         stream=io.StringIO())
    assert [d["experiment"] for d in report.docs] == ["forward"] and report.failed == []
    md = (tmp_path / "report.md").read_text()
    assert "| forward | ok |" in md
    assert "Test mean squared error: recurrent vs static network" in md
    files = {p.name for p in (tmp_path / "forward").iterdir()}
    assert {"results.json", "run.json"} <= files
    if plots.available():
        assert {"forward.png", "learning_curves.png"} <= files
        summary_png = 1 if report.docs[0].get("headline") else 0
        assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == \
            len(report.docs[0]["figures"]) + summary_png


def test_without_matplotlib_the_tables_are_written_and_the_report_says_why(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)           # import matplotlib fails
    report = runner.tour(tmp_path, [_experiment("f", figure=True)], progress=False,
                         stream=io.StringIO())
    doc = report.docs[0]
    assert doc["figures"] == [] and "pip install 'rnnlab[plot]'" in doc["figures_skipped"]
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == ["results.json", "run.json"]
    assert "> figures need matplotlib: pip install 'rnnlab[plot]'" in \
        (tmp_path / "report.md").read_text()


def test_claims_headline_texts_and_captions_reach_the_report(tmp_path):
    pytest.importorskip("matplotlib")
    exps = [_experiment("a", 2.0, figure=True, caption="The loss of `a`."),
            _experiment("b", -1.0)]
    report = runner.tour(tmp_path, exps, progress=False, stream=io.StringIO())
    assert [r[3] for r in report.summary["rows"]] == ["1/1 ✓", "0/1 ✗"]
    root = parse((tmp_path / "report.html").read_text())
    assert [li.attrs["class"] for li in root.find_all("li") if li.attrs.get("class")] == \
        ["pass", "fail"]
    caps = [f.find_all("figcaption")[0].text() for f in root.find_all("figure")]
    assert caps[1] == "Figure 2. The loss of a." and caps[0].startswith("Figure 1. The RNN")
    assert [p.text() for p in root.find_all("pre")] == ["text of a", "text of b"]
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"


def test_run_one_writes_the_report_beside_the_results(tmp_path, counted, no_registry):
    report = runner.run_one(_experiment("solo", 2.5, figure=plots.available()), tmp_path,
                            quick=True, seed=2, command="rnnlab run solo")
    names = {p.name for p in tmp_path.iterdir()}
    assert {"results.json", "run.json", "report.md", "report.html"} <= names
    assert counted == {"versions": 1, "git_commit": 1, "summary_table": 1}
    assert report.docs[0]["claims"] == [{"text": "value is positive", "passed": None,
                                         "evidence": "value 2.5"}]
    md = (tmp_path / "report.md").read_text()
    assert md.startswith("# rnnlab run solo: The solo experiment\n")
    assert "Quick mode" in md and "What solo does." in md and "not tested at this budget" in md
    if plots.available():
        assert "![Loss](loss.png)" in md and {"loss.png", "summary.png"} <= names
        assert (tmp_path / "report.html").read_text().count("data:image/png;base64,") == 2
    assert json.loads((tmp_path / "run.json").read_text())["seed"] == 2


# -- the summary figure, drawn by the runner from the documents' headlines --------------------
def test_write_report_draws_the_summary_figure(tmp_path):
    pytest.importorskip("matplotlib")
    docs = [_report_doc(figures=[], texts={}), _report_doc("beta", figures=[], headline=None)]
    runner.write_report(tmp_path, docs, META,
                        summary_figure=runner.summary_figure(tmp_path, docs))
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"
    root = parse((tmp_path / "report.html").read_text())
    assert [f.find_all("figcaption")[0].text() for f in root.find_all("figure")] == [
        "Figure 1. " + SUMMARY_CAPTION]
    assert "![" in (tmp_path / "report.md").read_text()


def test_no_headline_no_summary_figure(tmp_path):
    docs = [_report_doc(figures=[], headline=None)]
    assert runner.summary_figure(tmp_path, docs) == (None, None)
    runner.write_report(tmp_path, docs, META, summary_figure=(None, None))
    assert not (tmp_path / "summary.png").exists()
    assert parse((tmp_path / "report.html").read_text()).find_all("figure") == []


def test_without_matplotlib_the_summary_says_why(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)          # import matplotlib fails
    docs = [_report_doc(figures=[])]
    runner.write_report(tmp_path, docs, META, summary_figure=runner.summary_figure(tmp_path, docs))
    assert not (tmp_path / "summary.png").exists()
    md = (tmp_path / "report.md").read_text()
    assert "> figures need matplotlib: pip install 'rnnlab[plot]'" in md
    root = parse((tmp_path / "report.html").read_text())
    assert [q.text() for q in root.find_all("blockquote")][1:] == [
        "figures need matplotlib: pip install 'rnnlab[plot]'"]      # after the mode's


def test_headlines_without_two_numbers_are_left_out_of_the_summary_figure(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(runner, "save_figure", lambda figure, path: drawn.append(figure.data))
    docs = [_report_doc("a"), _report_doc("b", headline={**_report_doc()["headline"], "rnn": None}),
            _report_doc("c", headline={**_report_doc()["headline"], "baseline": float("nan")})]
    assert runner.summary_figure(tmp_path, docs) == ("summary.png", None)
    assert [r["experiment"] for r in drawn[0]["rows"]] == ["a"]
    assert runner.summary_figure(tmp_path, docs[1:]) == (None, None)


def test_a_summary_figure_that_fails_is_a_note_not_a_crash(tmp_path, monkeypatch):
    def fail(figure, path):
        raise RuntimeError("no room")
    monkeypatch.setattr(runner, "save_figure", fail)
    assert runner.summary_figure(tmp_path, [_report_doc()]) == (
        None, "the summary figure failed: RuntimeError: no room")


class RecordingPool:
    """Stands in for an open rnnlab.sweeps.Pool: runs the runs itself and says where."""
    def __init__(self):
        self.maps = 0

    def map(self, fn, configs, seeds):
        self.maps += 1
        return [fn(dict(c), s) for c in configs for s in seeds]

    def describe(self):
        return "a recording pool"


def _pooled_experiment(name, seen):
    """An Experiment whose run() takes a pool, and hands it to map_runs as the real ones do."""
    from rnnlab.experiments.parallel import map_runs

    def run(*, quick, seed, progress, pool=None):
        seen.append(pool)
        values = map_runs(_double, [{"k": 1}], [seed, seed + 1], pool)
        return Result(tables={"t": Table("t", ["v"], [[v["v"]] for v in values])})
    return Experiment(name, name, name, run)


def _double(config, seed):
    return {"v": 2 * seed + config["k"]}


def test_the_pool_reaches_the_experiments_that_take_one(tmp_path, counted):
    seen, pool = [], RecordingPool()
    exps = [_experiment("plain"), _pooled_experiment("pooled", seen)]
    report = runner.tour(tmp_path, exps, seed=3, progress=False, stream=io.StringIO(),
                         pool=pool)
    assert report.failed == [] and seen == [pool] and pool.maps == 1
    assert report.docs[1]["tables"]["t"]["rows"] == [[7], [9]]
    runs_on = {n: json.loads((tmp_path / n / "run.json").read_text())["runs_on"]
               for n in ("plain", "pooled")}
    assert runs_on == {"plain": "this process", "pooled": "a recording pool"}
    runner.run_experiment(exps[1], seed=3, out_dir=tmp_path / "alone")     # no pool: here
    assert seen[-1] is None and pool.maps == 1
    assert json.loads((tmp_path / "alone" / "results.json").read_text())["tables"] == \
        report.docs[1]["tables"]
