"""docs/results.md's generated region comes from a tour's output folder: the run's provenance,
its summary, every table and claim; the words outside the markers are kept byte for byte."""
import json

import numpy as np
import pytest

from rnnlab.experiments import Claim, Experiment, Result, Table, runner
from rnnlab.experiments.pages import (BEGIN, END, load_run, replace_region, results_markdown,
                                      write_results_page)


def _toy(quick, seed, progress):
    return Result(tables={"errors": Table("Test errors", ["task", "RNN", "baseline"],
                                          [["sine", 0.25, 0.5], ["echo", 0.125, None]],
                                          note="lower is better")},
                  summary=[("sine RNN MSE", 0.25)],
                  claims=[Claim("the RNN beats the baseline", True, "0.25 < 0.5"),
                          Claim("it also extrapolates", None)])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    exps = [Experiment("toy", "A toy experiment", "what it shows", _toy)]
    runner.tour(out, exps, seed=3, progress=False, command="rnnlab tour --out here",
                stream=open("/dev/null", "w"))
    return out


PAGE = f"# Results\n\nHand-written intro.\n\n{BEGIN}\nold table\n{END}\n\nHand-written end.\n"


def test_the_region_holds_the_runs_tables_claims_and_provenance(run_dir):
    run = json.loads((run_dir / "toy" / "run.json").read_text())
    md = results_markdown(run_dir, command="rnnlab docs-results R --page P")
    assert "`rnnlab docs-results R --page P`" in md and "`rnnlab tour --out here`" in md
    assert run["started"] in md and f"numpy {np.__version__}" in md and "seed 3" in md
    assert "| sine | 0.25 | 0.5 |" in md and "| echo | 0.125 | - |" in md
    assert "lower is better" in md and "### A toy experiment (`toy`)" in md
    assert "- the RNN beats the baseline: holds (0.25 < 0.5)" in md
    assert "- it also extrapolates: not tested at this budget" in md
    assert "| toy | ok |" in md and "| 1/1 (1 not tested) |" in md      # the summary table


def test_the_page_keeps_its_words_and_regenerating_is_stable(run_dir, tmp_path):
    page = tmp_path / "results.md"
    page.write_text(PAGE)
    write_results_page(run_dir, page)
    once = page.read_text()
    head, rest = once.split(BEGIN)
    body, tail = rest.split(END)
    assert head == "# Results\n\nHand-written intro.\n\n" and tail == "\n\nHand-written end.\n"
    assert "old table" not in body and "| sine | 0.25 | 0.5 |" in body
    write_results_page(run_dir, page)
    assert page.read_text() == once


def test_load_run_reads_every_experiment_in_order(run_dir):
    docs, meta = load_run(run_dir)
    assert [d["experiment"] for d in docs] == ["toy"]
    assert meta["seed"] == 3 and meta["command"] == "rnnlab tour --out here"


@pytest.mark.parametrize("text, message", [
    ("no markers\n", "exactly once"),
    (f"{BEGIN}\n{BEGIN}\n{END}\n", "exactly once"),
    (f"{END}\nx\n{BEGIN}\n", "comes before"),
])
def test_bad_markers_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        replace_region(text, "new")


def test_a_folder_without_results_is_refused(tmp_path):
    with pytest.raises(ValueError, match="run_dir .* holds no experiment results"):
        load_run(tmp_path)


def test_the_docs_page_has_its_region():
    """docs/results.md holds the two markers once each, so `rnnlab docs-results` can rewrite it."""
    from pathlib import Path
    page = Path(__file__).resolve().parents[2] / "docs" / "results.md"
    assert replace_region(page.read_text(), "new").count("new") >= 1
