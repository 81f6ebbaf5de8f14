"""`rnnlab list`, `rnnlab run`, `rnnlab tour`: numbers, reports and (with matplotlib) figures;
without matplotlib the commands still succeed and say why the figures are missing."""
import importlib.util
import json

import numpy as np
import pytest

from cli_support import one_line_error
from report_support import parse
from rnnlab.cli import main

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def test_list_names_every_experiment(capsys):
    from rnnlab import experiments
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [l.split()[0] for l in out] == list(experiments.registry())


def test_run_writes_results_and_run(tmp_path, capsys):
    out = tmp_path / "fwd"
    assert main(["run", "forward", "--quick", "--out", str(out), "--seed", "1"]) == 0
    res = json.loads((out / "results.json").read_text())
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 1 and run["quick"] and run["versions"]["numpy"] == np.__version__
    assert run["command"] == f"rnnlab run forward --quick --out {out} --seed 1"
    rows = {r[0]: r for r in res["tables"]["errors"]["rows"]}
    assert rows["sine"][1] < rows["sine"][2] and rows["echo"][1] < rows["echo"][3]  # RNN wins
    pngs = {p.name for p in out.iterdir() if p.suffix == ".png"}
    printed = capsys.readouterr().out
    assert f"report: {out / 'report.html'}" in printed
    if HAVE_MATPLOTLIB:
        assert {"forward.png", "learning_curves.png"} <= pngs
        assert (out / "forward.png").read_bytes()[:4] == b"\x89PNG"
    else:
        assert pngs == set() and "matplotlib" in printed
    # the tour's report, for this one experiment, beside its results
    root = parse((out / "report.html").read_text())
    assert root.find_all("h1")[0].text().startswith("rnnlab run forward: ")
    ids = {n.attrs["id"] for n in root.find_all() if "id" in n.attrs}
    assert all(a.attrs["href"][1:] in ids for a in root.find_all("nav")[0].find_all("a"))
    assert "Test mean squared error: recurrent vs static network" in \
        [h.text() for h in root.find_all("h3")]
    figures = root.find_all("figure")
    assert len(figures) == len(res["figures"]) + (1 if res.get("headline") else 0)
    assert all(f.find_all("figcaption")[0].text().startswith(f"Figure {i}. ")
               for i, f in enumerate(figures, 1))
    md = (out / "report.md").read_text()
    assert "Quick mode" in md and "## 1. Dynamic data" in md
    assert all(f"]({f})" in md for f in res["figures"])               # beside the report
    rc = main(["run", "forward", "--quick", "--out", str(out)])
    assert "results.json exists; pass --force" in one_line_error(capsys, rc)


def test_tour_writes_the_report(tmp_path, capsys):
    out = tmp_path / "tour"
    assert main(["tour", "--quick", "--only", "forward,mappings", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "report.html" in printed and "| forward | ok |" in printed
    md = (out / "report.md").read_text()
    assert "## Summary" in md and "| mappings | ok |" in md and "Git commit" in md
    assert "next input, delayed" in md                      # the mappings table made it in
    html = (out / "report.html").read_text()
    assert html.startswith("<!doctype html>")
    if HAVE_MATPLOTLIB:
        assert html.count("data:image/png;base64,") >= 8          # figures embedded
    else:
        assert "figures need matplotlib" in html
    assert (out / "mappings" / "results.json").exists()
    before = (out / "report.md").read_bytes()
    rc = main(["tour", "--quick", "--only", "forward", "--out", str(out)])
    assert "report.md exists" in one_line_error(capsys, rc)              # never overwrite
    assert (out / "report.md").read_bytes() == before


@pytest.mark.parametrize("only, match", [
    ("", "expected experiment names separated by commas, got ''"),
    (",", "expected experiment names separated by commas, got ','"),
    (" , ", "expected experiment names"),
    ("forward,", "an empty name in 'forward,'"),
    ("forward,,mappings", "an empty name"),
    ("forward,forward", "forward listed more than once"),
    ("forward,nonsense", "unknown experiment 'nonsense'"),
])
def test_an_empty_or_bad_selection_is_a_usage_error(tmp_path, monkeypatch, capsys, only, match):
    monkeypatch.chdir(tmp_path)                 # a default report folder would appear here
    rc = main(["tour", "--quick", "--only", only])
    assert match in one_line_error(capsys, rc)
    assert list(tmp_path.iterdir()) == []
