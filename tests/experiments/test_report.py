"""report.md and report.html from made-up results documents: the HTML is parsed (html.parser)
and checked as a browser would see it: contents whose links land on headings, numbered figures
with captions and alt text, lists, code, aligned columns, claims with their marks, generated
text as text, a shared reason as one note; the Markdown carries the same anchors."""
import re

import pytest

from report_support import LONG, META, parse, report_doc as _doc
from rnnlab.experiments import report

def _docs():
    beta = _doc("beta", figures=[], captions={}, texts={}, headline=None,
                claims=[{"text": "holds", "passed": True, "evidence": ""}] * 2)
    return [_doc(), beta]


@pytest.fixture
def folder(tmp_path):
    """A tour's folder with (fake) PNG files where the documents say the figures are."""
    (tmp_path / "alpha").mkdir()
    for f in ("loss.png", "learning_curves.png"):
        (tmp_path / "alpha" / f).write_bytes(b"\x89PNG fake " + f.encode())
    (tmp_path / "summary.png").write_bytes(b"\x89PNG summary")
    return tmp_path


def _html(folder, docs=None, **kw):
    docs = _docs() if docs is None else docs
    kw.setdefault("summary_figure", ("summary.png", None))
    return parse(report.report_html(folder, docs, META, report.summary_table(docs), **kw))


def _md(docs=None, **kw):
    docs = _docs() if docs is None else docs
    kw.setdefault("summary_figure", ("summary.png", None))
    return report.report_markdown(docs, META, report.summary_table(docs), **kw)


def test_every_heading_has_an_id_and_the_contents_link_to_each_one(folder):
    root = _html(folder)
    headings = root.find_all("h2") + root.find_all("h3")
    ids = [n.attrs["id"] for n in root.find_all() if "id" in n.attrs]
    assert all("id" in h.attrs for h in headings) and len(ids) == len(set(ids))
    nav = root.find_all("nav")[0]
    links = [a.attrs["href"] for a in nav.find_all("a")]
    assert all(href.startswith("#") and href[1:] in ids for href in links)
    listed = {href[1:] for href in links}
    assert listed == {h.attrs["id"] for h in headings} - {"contents"}
    assert [a.text() for a in nav.find_all("a")][:4] == [
        "Summary", "1. The alpha experiment (alpha)", "Claims", "Key results"]
    # the experiment sections nest under their heading in the contents
    first = nav.find_all("ul")[0].find_all("li")[1]
    assert [a.text() for a in first.find_all("a")][1:] == [
        "Claims", "Key results", "Errors", "Figures", "Generated text"]


def test_markdown_contents_link_to_githubs_anchors_the_html_shares(folder):
    md = _md()
    links = re.findall(r"^\s*- \[.*\]\(#([^)]+)\)$", md, re.M)
    assert links[:3] == ["summary", "1-the-alpha-experiment-alpha", "claims"]
    assert "claims-1" in links and "key-results-1" in links              # the second section
    assert "2-the-beta-experiment-beta" in links
    ids = {n.attrs["id"] for n in _html(folder).find_all() if "id" in n.attrs}
    assert set(links) <= ids
    assert "## 1. The alpha experiment (`alpha`)" in md and "### Claims" in md


def test_figures_are_numbered_with_captions_and_alt_text(folder):
    root = _html(folder)
    figures = root.find_all("figure")
    caps = [f.find_all("figcaption")[0].text() for f in figures]
    assert caps == [
        "Figure 1. " + report.SUMMARY_CAPTION,
        "Figure 2. Training loss of the RNN and the static net per epoch.",
        "Figure 3. Learning curves"]                         # no caption: from the file name
    alts = [f.find_all("img")[0].attrs["alt"] for f in figures]
    assert alts == [c.split(". ", 1)[1] for c in caps]
    assert [f.find_all("code") != [] for f in figures] == [False, True, False]
    srcs = [f.find_all("img")[0].attrs["src"] for f in figures]
    assert all(s.startswith("data:image/png;base64,") for s in srcs)
    md = _md()
    assert "![Training loss of the RNN and the static net per epoch.](alpha/loss.png)" in md
    assert "**Figure 2.** Training loss of the RNN and the `static` net per epoch." in md
    assert "![Learning curves](alpha/learning_curves.png)" in md
    assert "**Figure 3.** Learning curves" in md


def test_descriptions_render_lists_code_and_bold(folder):
    root = _html(folder)
    section = root.find_all("h2")[2]                               # contents, summary, alpha
    assert section.text() == "1. The alpha experiment (alpha)"
    body = root.find_all("body")[0]
    items = [li.text() for ul in body.find_all("ul") for li in ul.find_all("li")
             if "point" in li.text()]
    assert items == ["first point, which goes on over a second line;", "second point."] * 2
    codes = [c.text() for c in body.find_all("code")]
    assert "rl.RNN(4, 8, 1)" in codes
    assert "bold" in [b.text() for b in body.find_all("strong")]
    assert not any("`" in p.text() for p in body.find_all("p"))


def test_text_columns_align_left_and_number_columns_right(folder):
    root = _html(folder)
    table = [t for t in root.find_all("table") if t.find_all("th")[0].text() == "task"][0]
    align = [th.attrs["style"] for th in table.find_all("th")]
    assert align == ["text-align:left", "text-align:right", "text-align:right",
                     "text-align:left"]
    for tr in table.find_all("tbody")[0].find_all("tr"):
        assert [td.attrs["style"] for td in tr.find_all("td")] == align
    summary = root.find_all("table")[0]
    assert [th.text() for th in summary.find_all("th")] == [
        "experiment", "status", "seconds", "claims", "RNN vs baseline"]
    assert [th.attrs["style"] for th in summary.find_all("th")] == [
        "text-align:left", "text-align:left", "text-align:right", "text-align:left",
        "text-align:left"]
    assert "|:---|---:|---:|:---|" in _md()


def test_claims_show_their_marks_and_evidence(folder):
    root = _html(folder)
    claims = root.find_all("ul", class_="claims")[0].find_all("li")
    assert [li.attrs["class"] for li in claims] == ["pass", "fail", "untested"]
    assert [li.find_all("span", class_="mark")[0].text() for li in claims] == ["✓", "✗", "–"]
    assert claims[0].text() == "✓The RNN beats the static net (MSE 0.0125 against 0.09)"
    assert claims[1].text() == "✗LSTM solves T = 100 (0.11 > 0.083)"
    assert claims[2].text() == ("–exact at 10,000 bits in 9/10 seeds — not tested at this "
                                "budget (quick mode trains 5 seeds)")
    rows = root.find_all("table")[0].find_all("tbody")[0].find_all("tr")
    assert [tr.find_all("td")[3].text() for tr in rows] == ["1/2 ✗, 1 not tested", "2/2 ✓"]
    mode = root.find_all("blockquote")[0].text()                    # first, under the title
    assert mode.startswith("Quick mode: smaller budgets") and "not tested at this budget" in mode
    head = root.find_all("p")[0].text()
    assert "Claims: 3 hold ✓, 1 fail ✗, 1 not tested at this budget." in head
    md = _md()
    assert "- ✓ The RNN beats the static net (MSE 0.0125 against 0.09)" in md
    assert "- – exact at 10,000 bits in 9/10 seeds — *not tested at this budget*" in md


def test_claims_count():
    c = [{"passed": True}, {"passed": True}, {"passed": False}, {"passed": None}]
    assert report.claims_count(c[:2]) == "2/2 ✓"
    assert report.claims_count(c[:3]) == "2/3 ✗"
    assert report.claims_count(c) == "2/3 ✗, 1 not tested"
    assert report.claims_count(c[3:]) == "1 not tested"
    assert report.claims_count([]) == "-" and report.claims_count(None) == "-"


def test_full_mode_says_so():
    md = report.report_markdown(_docs(), {**META, "quick": False}, report.summary_table(_docs()))
    assert "> **Full mode**" in md and "Quick mode" not in md
    assert "> **Quick mode**" in _md()


def test_generated_text_is_shown_as_text(folder):
    root = _html(folder)
    pres = root.find_all("pre")
    assert [p.text() for p in pres] == ["The <b>cat</b> sat\n  on ``` the mat & more"]
    assert root.find_all("b") == [] and root.find_all("img", alt="temperature 0.5") == []
    md = _md()
    assert "**temperature 0.5**\n\n````text\nThe <b>cat</b> sat\n  on ``` the mat & more\n````" \
        in md


def test_a_reason_shared_by_several_rows_is_one_note(folder):
    root = _html(folder)
    table = [t for t in root.find_all("table") if t.find_all("th")[0].text() == "task"][0]
    cells = [tr.find_all("td")[3].text() for tr in table.find_all("tr")[1:]]
    assert cells == ["ValueError (note 1)", "ValueError (note 1)", "works"]
    notes = [p.text() for p in root.find_all("p", class_="note")]
    assert notes.count(f"Note 1: {LONG}") == 2                     # once per experiment
    assert notes.count("384 training sequences.") == 2
    assert root.text().count(LONG) == 2
    assert _md().count(LONG) == 2


def test_collapse_notes_leaves_single_and_short_texts_and_the_input():
    table = {"title": "t", "columns": ["a", "b"], "note": "",
             "rows": [["x" * 50, "short"], ["y" * 60, "short"], ["z", "short"]]}
    out = report.collapse_notes(table)
    assert [r[0] for r in out["rows"]] == ["see note 1", "see note 2", "z"]
    assert out["notes"] == ["Note 1: " + "x" * 50, "Note 2: " + "y" * 60]
    assert [r[1] for r in out["rows"]] == ["short"] * 3
    assert table["rows"][0][0] == "x" * 50                          # the input is unchanged
    lone = {**table, "rows": [["x" * 50, 1], ["z", 2]]}
    assert report.collapse_notes(lone)["rows"] == lone["rows"]


def test_key_results_are_a_list_and_long_values_a_sub_list(folder):
    root = _html(folder)
    h3 = [h for h in root.find_all("h3") if h.text() == "Key results"][0]
    siblings = h3.parent.children
    ul = next(n for n in siblings[siblings.index(h3) + 1:] if not isinstance(n, str))
    assert ul.tag == "ul"
    top = [li for li in ul.children if not isinstance(li, str)]
    assert top[0].text() == "RNN MSE: 0.0125"
    sub = top[1].find_all("li")
    assert [li.text() for li in sub] == [f"model {i}: test error 0.16{i}" for i in range(9)]
    assert "  - model 8: test error 0.168" in _md()


def test_summary_table_rows():
    docs = [_doc(), _doc("bad", error="failed: boom", claims=[], headline=None),
            _doc("skip", skipped="skipped: no extra", claims=[], headline=None)]
    rows = report.summary_table(docs)["rows"]
    assert rows == [["alpha", "ok", 1.2, "1/2 ✗, 1 not tested",
                     "MSE: RNN 0.0125 vs static net 0.09"],
                    ["bad", "failed", 1.2, "-", "-"], ["skip", "skipped", 1.2, "-", "-"]]


def test_one_experiment_report_links_figures_beside_it(tmp_path):
    for f in ("loss.png", "learning_curves.png"):
        (tmp_path / f).write_bytes(b"\x89PNG")
    md = _md([_doc()], folders=False, summary_figure=None, title="rnnlab run alpha: x")
    assert md.startswith("# rnnlab run alpha: x\n")
    assert "](loss.png)" in md and "alpha/" not in md
    root = _html(tmp_path, [_doc()], folders=False, summary_figure=None)
    assert len(root.find_all("figure")) == 2


def test_everything_from_the_documents_is_escaped(folder):
    evil = _doc(title="<script>x</script>", description="<img src=x onerror=alert(1)>",
                claims=[{"text": "<i>c</i>", "passed": True, "evidence": "<b>e</b>"}])
    root = _html(folder, docs=[evil])
    tags = {n.tag for n in root.find_all()}
    assert not tags & {"script", "i", "b"}
    assert [i.attrs.get("onerror") for i in root.find_all("img")] == [None] * 3


@pytest.mark.parametrize("value, number", [
    (1, True), (0.5, True), (True, False), ("9/10", True), ("1e-5", True), ("1,000", True),
    ("12 %", True), ("-", False), ("0.1133 (1/3 seeds)", False), ("sine", False)])
def test_is_number(value, number):
    assert report.is_number(value) is number
