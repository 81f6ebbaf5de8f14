"""The report of a tour (or of one `rnnlab run`): report.md and report.html from the experiments'
results documents, both built from one outline so that they say the same thing.

    summary_table(docs)        one row per experiment: status, seconds, claims, RNN vs baseline
    write_report(out_dir, docs, meta, summary, folders=True)    report.md and report.html
    report_markdown(...), report_html(...)    the two texts
    markdown_table(table)      a table as Markdown (numbers aligned right, text left)

The outline: a header (command, the mode and what it means, the claims' tally, versions), a
table of contents, the summary (table and figure), then one numbered section per experiment:
its description, claims with their verdicts (✓, ✗, or not tested at this budget), key results
as a list, tables (a long text repeated down a column becomes one note under the table), figures
numbered with their captions, and generated text as text. Headings carry GitHub's anchors in
both files (ids in the HTML), so the contents' links work on GitHub and in a browser.
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import io
from .._types import StrPath
from .markup import Anchors, inline, plain, to_html

QUICK = ("**Quick mode**: smaller budgets (fewer epochs, less data, fewer seeds), so the numbers "
         "are rougher than a full run's; a claim that cannot be tested at this budget is marked "
         "\"not tested at this budget\". Run without `--quick` for the full settings.")
FULL = "**Full mode**: every experiment at its full settings."
MARKS = {True: "✓", False: "✗", None: "–"}
UNTESTED = "not tested at this budget"
SUMMARY_CAPTION = ("The RNN against its baseline in each experiment, on the experiment's headline "
                   "metric (coloured: the better of the two).")
_NUMBER = re.compile(r"^[-+]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?(\s*/\s*\d+)?\s*%?$")


def fmt(value: object) -> str:
    """A table cell: floats with 4 significant digits, None as a dash.

    Parameters
    ----------
    value : object
        The cell's value.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt(0.123456), fmt(None), fmt(12)
    ('0.1235', '-', '12')
    """
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def is_number(value: object) -> bool:
    """True for a number (not a bool) and for text that reads as one: "0.97", "9/10", "1e-5".

    Parameters
    ----------
    value : object
        A cell's value.

    Returns
    -------
    bool

    Examples
    --------
    >>> [is_number(v) for v in (3, True, "9/10", "1e-5", "n/a")]
    [True, False, True, True, False]
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMBER.match(value.strip()))


def numeric_columns(table: dict) -> list:
    """Per column: True (align right) when it holds a number and every other filled cell is a
    number too (None and "-" count as empty), else False (align left).

    Parameters
    ----------
    table : dict
        A table as data, with "columns" and "rows".

    Returns
    -------
    list of bool
        One per column.

    Examples
    --------
    >>> numeric_columns({"columns": ["model", "acc"], "rows": [["RNN", 0.9], ["MLP", None]]})
    [False, True]
    """
    cols = list(zip(*table["rows"])) or [()] * len(table["columns"])
    return [any(is_number(v) for v in c) and all(v is None or v == "-" or is_number(v)
                                                 for v in c) for c in cols]


def _note_mark(text: str, n: int) -> str:
    """The cell left in place of a text moved to note n: "ValueError (note 1)" when the text
    starts with a short head and a colon, else "see note 1"."""
    head = text.split(": ", 1)[0]
    return f"{head} (note {n})" if head != text and len(head) <= 24 else f"see note {n}"


def collapse_notes(table: dict, *, min_rows: int = 2, min_chars: int = 40) -> dict:
    """The table with its long texts (min_chars or more) moved under it as notes, once each, in
    every column where min_rows or more cells hold long texts (several rows giving one reason,
    or the same kind of reason); the cell keeps a mark ("ValueError (note 1)", "see note 2").
    The input is left as it is.

    Parameters
    ----------
    table : dict
        A table as data, with "columns", "rows" and optionally "note".
    min_rows : int
        The number of long texts a column needs for them to become notes.
    min_chars : int
        The length from which a text is long.

    Returns
    -------
    dict
        The table, with "notes": the table's own note first, then "Note 1: ...".
    """
    rows = [list(r) for r in table["rows"]]
    shared = []
    for j in range(len(table["columns"])):
        long = [r[j] for r in rows if j < len(r) and isinstance(r[j], str) and
                len(r[j]) >= min_chars]
        if len(long) < min_rows:
            continue
        for r in rows:
            if j < len(r) and r[j] in long:
                text = r[j]
                if text not in shared:
                    shared.append(text)
                r[j] = _note_mark(text, shared.index(text) + 1)
    notes = [table["note"]] if table.get("note") else []
    notes += [f"Note {i}: {text}" for i, text in enumerate(shared, 1)]
    return {**table, "rows": rows, "notes": notes}


def claims_count(claims: Sequence[Mapping[str, Any]] | None) -> str:
    """"3/3 ✓" (all tested claims hold), "2/3 ✗" (one fails), ", 1 not tested"; "-": none.

    Parameters
    ----------
    claims : sequence of dict or None
        Claims as data (Claim.as_dict()).

    Returns
    -------
    str

    Examples
    --------
    >>> claims_count([{"passed": True}, {"passed": False}, {"passed": None}])
    '1/2 ✗, 1 not tested'
    """
    if not claims:
        return "-"
    tested = [c for c in claims if c.get("passed") is not None]
    held = sum(1 for c in tested if c["passed"] is True)
    untested = len(claims) - len(tested)
    parts = [f"{held}/{len(tested)} {MARKS[held == len(tested)]}"] if tested else []
    parts += [f"{untested} not tested"] if untested else []
    return ", ".join(parts)


def headline_text(h: Mapping[str, Any] | None) -> str:
    """"accuracy: RNN 0.982 vs logistic regression 0.969" ("-" for no headline).

    Parameters
    ----------
    h : dict or None
        A Result's headline: "metric", "rnn", "baseline" and optionally "rnn_label",
        "baseline_label".

    Returns
    -------
    str

    Examples
    --------
    >>> headline_text({"metric": "accuracy", "rnn": 0.982, "baseline": 0.969,
    ...                "baseline_label": "logistic regression"})
    'accuracy: RNN 0.982 vs logistic regression 0.969'
    """
    if not h:
        return "-"
    return (f"{h['metric']}: {h.get('rnn_label') or 'RNN'} {fmt(h['rnn'])} vs "
            f"{h.get('baseline_label') or 'baseline'} {fmt(h['baseline'])}")


def summary_table(docs: Sequence[Mapping[str, Any]]) -> dict:
    """One row per experiment: name, status (ok, skipped, failed), seconds, claims that hold,
    the RNN against its baseline.

    Parameters
    ----------
    docs : sequence of dict
        The experiments' results documents (what run_experiment returns), in order.

    Returns
    -------
    dict
        A table as data: "title", "columns" and "rows".
    """
    rows = []
    for d in docs:
        status = "failed" if d.get("error") else "skipped" if d.get("skipped") else "ok"
        rows.append([d["experiment"], status, round(d["seconds"], 1),
                     claims_count(d.get("claims")), headline_text(d.get("headline"))])
    return {"title": "Summary", "rows": rows,
            "columns": ["experiment", "status", "seconds", "claims", "RNN vs baseline"]}


def _md_cell(value: object) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: dict) -> str:
    """The table as Markdown, numeric columns aligned right and text columns left.

    Parameters
    ----------
    table : dict
        A table as data, with "columns" and "rows".

    Returns
    -------
    str

    Examples
    --------
    >>> print(markdown_table({"columns": ["model", "acc"], "rows": [["RNN", 0.98]]}))
    | model | acc |
    |:---|---:|
    | RNN | 0.98 |
    """
    align = ["---:" if num else ":---" for num in numeric_columns(table)]
    head = "| " + " | ".join(_md_cell(c) for c in table["columns"]) + " |"
    rows = ["| " + " | ".join(_md_cell(v) for v in r) + " |" for r in table["rows"]]
    return "\n".join([head, "|" + "|".join(align) + "|", *rows])


def html_table(table: dict) -> str:
    """The table as HTML, every cell aligned by its column (right: numbers, left: text).

    Parameters
    ----------
    table : dict
        A table as data, with "columns" and "rows".

    Returns
    -------
    str
        A ``<table>`` element.
    """
    style = [f' style="text-align:{"right" if num else "left"}"'
             for num in numeric_columns(table)]
    head = "".join(f"<th{s}>{html.escape(str(c))}</th>" for s, c in zip(style, table["columns"]))
    rows = "".join("<tr>" + "".join(f"<td{s}>{html.escape(fmt(v))}</td>"
                                    for s, v in zip(style, r)) + "</tr>" for r in table["rows"])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def figure_title(name: StrPath) -> str:
    """A caption from a file name, for a figure without one.

    Parameters
    ----------
    name : str or Path
        The figure's file name.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_title("learning_curves.png")
    'Learning curves'
    """
    words = Path(name).stem.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _key_results(pairs: Iterable[tuple[str, Any]]) -> list:
    """(label, value) pairs as list items; a long value with parts ("a; b; c") as a sub-list."""
    items = []
    for label, value in pairs:
        text = fmt(value)
        parts = [p.strip() for p in text.split("; ") if p.strip()]
        if len(text) > 80 and len(parts) > 1:
            items.append((f"{label}:", parts))
        else:
            items.append((f"{label}: {text}", []))
    return items


def _claim(c: Mapping[str, Any]) -> tuple:
    """(mark, the claim's line in Markdown)."""
    verdict = c.get("passed")
    line = str(c.get("text", ""))
    if verdict is None:
        line += f" — *{UNTESTED}*"
    if c.get("evidence"):
        line += f" ({c['evidence']})"
    return MARKS[verdict], line


def _tally(docs: Sequence[Mapping[str, Any]]) -> str:
    claims = [c for d in docs for c in d.get("claims") or []]
    if not claims:
        return ""
    n = {v: sum(1 for c in claims if c.get("passed") is v) for v in (True, False, None)}
    return (f"Claims: {n[True]} hold ✓, {n[False]} fail ✗"
            + (f", {n[None]} {UNTESTED}" if n[None] else "") + ".")


def outline(docs: Sequence[Mapping[str, Any]], meta: Mapping[str, Any], summary: dict, *,
            title: str = "rnnlab tour: the lecture, end to end",
            summary_figure: tuple[str | None, str | None] | None = None,
            folders: bool = True) -> list:
    """The report as a list of blocks (kind, ...), in order; both renderers walk it.

    Parameters
    ----------
    docs : sequence of dict
        The experiments' results documents (what run_experiment returns), in order.
    meta : dict
        The run's command, mode, seed, seconds, versions and git commit.
    summary : dict
        The summary_table(docs).
    title : str
        The report's title.
    summary_figure : tuple, optional
        (file name or None, why it is missing or None).
    folders : bool
        True when each experiment's files sit in a folder of its name beside the report (a
        tour), False when they sit beside it (one `rnnlab run`).

    Returns
    -------
    list of tuple
        The blocks.
    """
    blocks: list[tuple[Any, ...]]
    anchors, blocks, n_fig = Anchors(), [], 0

    def heading(level, text):
        blocks.append((level, text, anchors.add(text)))

    def figure(path, caption):
        nonlocal n_fig
        n_fig += 1
        blocks.append(("figure", n_fig, path, caption, anchors.add(f"Figure {n_fig}")))

    heading("h1", title)
    blocks.append(("quote", QUICK if meta["quick"] else FULL))
    blocks.append(("header", [
        f"Command: `{meta['command']}`", *filter(None, [_tally(docs)]),
        f"Seed {meta['seed']}, total {meta['seconds']:.1f} s",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v),
        f"Git commit: {meta['git_commit'] or 'not from a checkout'}",
        f"Started: {meta['started']}"]))
    blocks.append(("contents", "Contents", anchors.add("Contents")))
    heading("h2", "Summary")
    blocks.append(("table", {**summary, "notes": []}))
    name, missing = summary_figure or (None, None)
    if name:
        figure(name, SUMMARY_CAPTION)
    if missing:
        blocks.append(("quote", missing))
    for i, d in enumerate(docs, 1):
        heading("h2", f"{i}. {d['title']} (`{d['experiment']}`)")
        where = f"{d['experiment']}/" if folders else ""
        blocks.append(("md", d.get("description", "")))
        blocks.append(("md", f"Time: {d['seconds']:.1f} s." +
                       (f" Files: `{where}`" if folders else "")))
        for note in (d.get("skipped"), d.get("error"), d.get("figures_skipped")):
            if note:
                blocks.append(("quote", note))
        if d.get("claims"):
            heading("h3", "Claims")
            blocks.append(("claims", [_claim(c) for c in d["claims"]]))
        if d.get("summary"):
            heading("h3", "Key results")
            blocks.append(("list", _key_results(d["summary"])))
        for t in d["tables"].values():
            heading("h3", t["title"])
            blocks.append(("table", collapse_notes(t)))
        if d.get("figures"):
            heading("h3", "Figures")
            captions = d.get("captions") or {}
            for f in d["figures"]:
                figure(where + f, captions.get(f) or figure_title(f))
        if d.get("texts"):
            heading("h3", "Generated text")
            for label, text in d["texts"].items():
                blocks.append(("pre", label, text))
    return blocks


def _toc(blocks: Sequence[tuple[Any, ...]]) -> list:
    """(level, text, anchor) of every h2 and h3."""
    return [b for b in blocks if b[0] in ("h2", "h3")]


def _fence(text: str) -> str:
    runs = re.findall(r"`+", text)
    return "`" * max(3, 1 + max(map(len, runs), default=0))


def render_markdown(blocks: Sequence[tuple[Any, ...]]) -> str:
    """The outline as Markdown (report.md).

    Parameters
    ----------
    blocks : sequence of tuple
        What outline() returns.

    Returns
    -------
    str
    """
    md = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            md += ["#" * int(kind[1]) + " " + b[1], ""]
        elif kind == "contents":
            md += ["## " + b[1], ""]
            for level, text, anchor in _toc(blocks):
                label = text.replace("[", "\\[").replace("]", "\\]")
                md.append(("  " if level == "h3" else "") + f"- [{label}](#{anchor})")
            md.append("")
        elif kind == "header":
            md += [line + "  " for line in b[1][:-1]] + [b[1][-1], ""]
        elif kind == "md" and b[1].strip():
            md += [b[1].strip(), ""]
        elif kind == "quote":
            md += [f"> {b[1]}", ""]
        elif kind == "claims":
            md += [f"- {mark} {line}" for mark, line in b[1]] + [""]
        elif kind == "list":
            for text, sub in b[1]:
                md += [f"- {text}"] + [f"  - {s}" for s in sub]
            md.append("")
        elif kind == "table":
            md += [markdown_table(b[1]), ""] + [x for n in b[1]["notes"] for x in (n, "")]
        elif kind == "figure":
            _, n, path, caption, _ = b
            alt = plain(caption).replace("[", "(").replace("]", ")").replace("\n", " ")
            md += [f"![{alt}]({path})", "", f"**Figure {n}.** {caption}", ""]
        elif kind == "pre":
            fence = _fence(b[2])
            md += [f"**{b[1]}**", "", f"{fence}text", b[2].rstrip("\n"), fence, ""]
    return "\n".join(md).rstrip("\n") + "\n"


STYLE = """
body{font-family:system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;
line-height:1.45;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #bbb;padding:.25em .6em}
th{background:#f3f3f3}tbody tr:nth-child(even){background:#fafafa}
figure{margin:1.2em 0}img{max-width:100%}figcaption{color:#444;margin-top:.3em}
pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;border-radius:4px}
code{background:#f2f2f2;padding:0 .2em;border-radius:3px}
blockquote{border-left:4px solid #e0a000;margin:.8em 0;padding:.2em .8em;background:#fff8e6}
ul.claims{list-style:none;padding-left:.5em}.mark{font-weight:bold;margin-right:.4em}
.pass .mark{color:#1a7f37}.fail .mark{color:#c62828}.untested .mark{color:#888}
p.note{color:#444;font-size:.95em}nav ul{margin:.2em 0}
"""


def render_html(blocks: Sequence[tuple[Any, ...]], read: Callable[[str], bytes]) -> str:
    """The outline as HTML (report.html), the figures embedded as data URIs.

    Parameters
    ----------
    blocks : sequence of tuple
        What outline() returns.
    read : callable
        ``read(path)`` -> the bytes of a figure.

    Returns
    -------
    str
    """
    body, title = [], ""
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            title = title or plain(b[1])
            body.append(f'<{kind} id="{b[2]}">{inline(b[1])}</{kind}>')
        elif kind == "contents":
            body.append(f'<nav><h2 id="{b[2]}">{b[1]}</h2>{_html_toc(_toc(blocks))}</nav>')
        elif kind == "header":
            body.append("<p>" + "<br>\n".join(inline(line) for line in b[1]) + "</p>")
        elif kind == "md" and b[1]:
            body.append(to_html(b[1]))
        elif kind == "quote":
            body.append(f"<blockquote>{inline(b[1])}</blockquote>")
        elif kind == "claims":
            cls = {"✓": "pass", "✗": "fail", "–": "untested"}
            body.append('<ul class="claims">' + "".join(
                f'<li class="{cls[mark]}"><span class="mark">{mark}</span>{inline(line)}</li>'
                for mark, line in b[1]) + "</ul>")
        elif kind == "list":
            body.append("<ul>" + "".join(
                f"<li>{inline(text)}" + ("<ul>" + "".join(f"<li>{inline(s)}</li>" for s in sub)
                                         + "</ul>" if sub else "") + "</li>"
                for text, sub in b[1]) + "</ul>")
        elif kind == "table":
            body.append(html_table(b[1]))
            body += [f'<p class="note">{inline(n)}</p>' for n in b[1]["notes"]]
        elif kind == "figure":
            _, n, path, caption, anchor = b
            data = base64.b64encode(read(path)).decode()
            body.append(f'<figure id="{anchor}"><img alt="{html.escape(plain(caption))}" '
                        f'src="data:image/png;base64,{data}"><figcaption><strong>Figure {n}.'
                        f'</strong> {inline(caption)}</figcaption></figure>')
        elif kind == "pre":
            body.append(f"<p><strong>{html.escape(b[1])}</strong></p>"
                        f"<pre>{html.escape(b[2])}</pre>")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{html.escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _html_toc(entries: Iterable[tuple[str, str, str]]) -> str:
    out, open_sub = ["<ul>"], False
    for level, text, anchor in entries:
        link = f'<a href="#{anchor}">{inline(text)}</a>'
        if level == "h3" and not open_sub:
            out.append("<ul>")
            open_sub = True
        elif level == "h2" and open_sub:
            out.append("</ul></li>")
            open_sub = False
        elif level == "h2" and len(out) > 1:
            out.append("</li>")
        out.append(f"<li>{link}" + ("</li>" if level == "h3" else ""))
    out.append("</ul></li></ul>" if open_sub else "</li></ul>")
    return "".join(out)


def report_markdown(docs: Sequence[Mapping[str, Any]], meta: Mapping[str, Any], summary: dict,
                    **kw: Any) -> str:
    """report.md: header, contents, summary, one section per experiment (see outline()).

    Parameters
    ----------
    docs : sequence of dict
        The experiments' results documents (what run_experiment returns), in order.
    meta : dict
        The run's command, mode, seed, seconds, versions and git commit.
    summary : dict
        The summary_table(docs).
    **kw
        outline()'s keywords: title, summary_figure, folders.

    Returns
    -------
    str
    """
    return render_markdown(outline(docs, meta, summary, **kw))


def report_html(out_dir: StrPath, docs: Sequence[Mapping[str, Any]], meta: Mapping[str, Any],
                summary: dict, **kw: Any) -> str:
    """report.html: the same as report.md, with the figures embedded as data URIs.

    Parameters
    ----------
    out_dir : str or Path
        The report's folder (the figures' paths are relative to it).
    docs : sequence of dict
        The experiments' results documents (what run_experiment returns), in order.
    meta : dict
        The run's command, mode, seed, seconds, versions and git commit.
    summary : dict
        The summary_table(docs).
    **kw
        outline()'s keywords: title, summary_figure, folders.

    Returns
    -------
    str
    """
    out_dir = Path(out_dir)
    return render_html(outline(docs, meta, summary, **kw), lambda p: (out_dir / p).read_bytes())


def write_report(out_dir: StrPath, docs: Sequence[Mapping[str, Any]], meta: Mapping[str, Any],
                 summary: dict | None = None, *,
                 summary_figure: tuple[str | None, str | None] | None = None,
                 folders: bool = True, title: str | None = None) -> None:
    """Write report.md and report.html in out_dir.

    Parameters
    ----------
    out_dir : str or Path
        The report's folder.
    docs : sequence of dict
        The experiments' results documents (what run_experiment returns), in order.
    meta : dict
        The run's command, mode, seed, seconds, versions and git commit.
    summary : dict, optional
        The summary_table(docs) (None: built here).
    summary_figure : tuple, optional
        As in outline() (the runner draws summary.png).
    folders : bool
        As in outline().
    title : str, optional
        The report's title (default: outline()'s).
    """
    out_dir = Path(out_dir)
    summary = summary_table(docs) if summary is None else summary
    kw: dict[str, Any]
    kw = {"summary_figure": summary_figure, "folders": folders}
    if title:
        kw["title"] = title
    io.write_text(out_dir / "report.md", report_markdown(docs, meta, summary, **kw),
                  overwrite=True)
    io.write_text(out_dir / "report.html", report_html(out_dir, docs, meta, summary, **kw),
                  overwrite=True)
