"""Sphinx configuration of rnnlab's documentation: the topic pages (docs/*.md, through
myst-parser) and the API reference (docs/api/, autodoc + numpydoc).

Build (warnings are errors; tests/test_docs.py runs the same command):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import rnnlab  # noqa: E402
from numpydoc.validate import validate  # noqa: E402
from sphinx.util import logging  # noqa: E402

logger = logging.getLogger(__name__)

project = "rnnlab"
author = "The rnnlab developers"
copyright = "the rnnlab developers"
version = release = rnnlab.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc",
              "sphinx.ext.mathjax"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]      # the topic pages start at "#" or "##", as on GitHub

autodoc_member_order = "bysource"
autodoc_typehints = "none"               # the signature shows them; numpydoc's sections say them
autosummary_generate = False
numpydoc_show_class_members = False      # the class's methods are documented below it instead
numpydoc_xref_param_type = False
autodoc_default_options = {}

# numpydoc's docstring validation; a failed check is a warning, which -W makes an error.
# Enforced on every documented name: the sections parse and are well formed.
#   GL03 double blank lines, GL05 tabs, GL06 unknown section, GL07 sections out of order,
#   GL09 deprecation warning, GL10 directive with no colon, PR02 a documented parameter that does
#   not exist, PR03 parameters out of order, PR05 a type ending in a period, PR06 long type
#   names ("integer" for int), PR10 "name: type" without the space.
numpydoc_validation_checks = {"GL03", "GL05", "GL06", "GL07", "GL09", "GL10", "PR02", "PR03",
                              "PR05", "PR06", "PR10"}
html_theme = "alabaster"
html_title = f"rnnlab {release}"
html_static_path = []


# The names held to numpydoc's full sections: a docstring at all (GL08), every parameter
# documented (PR01), no unknown one (PR02), a Returns section where something is returned
# (RT01). A name is held to them when its full name matches one of these patterns; the list
# grows as docstrings are converted, and tests/test_docs.py fails the build when one of them
# breaks a check. Not here: the Protocol experiments.parallel.RunPool itself (its map is).
# nn.compiled: the build checks only the names the reference documents, its plain Python
# functions. The numba @njit loops (forward_loop, backward_step, add_rows, ...) are dispatcher
# objects, not functions: not public names to tests/test_docs.py, so autodoc never shows them
# and no check runs on them in the build (their docstrings have the sections all the same, and
# numpydoc.validate, which reads a dispatcher's signature, passes them).
STRICT = [r"rnnlab\.model\.load$", r"rnnlab\.model\.RNN(\.(?!fit$)\w+)?$",
          r"rnnlab\.numgrad\.\w+$", r"rnnlab\.nn\.backend\.\w+$", r"rnnlab\.sweeps(\.\w+)?\.\w+$",
          r"rnnlab\.tasks\.\w+\.\w+$", r"rnnlab\.data\.\w+\.\w+$",
          r"rnnlab\.optim\.\w+$", r"rnnlab\.metrics\.\w+$", r"rnnlab\.callbacks\.\w+$",
          r"rnnlab\.analysis\.\w+\.\w+$", r"rnnlab\.interop\.(pytorch|onnx_export|layouts)\.\w+$",
          r"rnnlab\.sklearn\.\w+\.\w+$", r"rnnlab\.sklearn\.estimators\.RNN\w+\.\w+$",
          r"rnnlab\.tune_malloc$",
          r"rnnlab\.experiments\.(registry|get|select|Table|Figure|Claim|Result|Experiment)(\.\w+)?$",
          r"rnnlab\.experiments\.(runner|report|markup)(\.\w+)+$",
          r"rnnlab\.experiments\.parallel\.(map_runs|plain|takes_pool|RunPool\.map)$",
          r"rnnlab\.experiments\.(forward|text|timeseries|digits|mappings|benefit|stability)"
          r"\.[a-z]\w*$",
          r"rnnlab\.plots\.\w+\.[a-z]\w*$",
          r"rnnlab\.train\.(fit|(History|Progress)(\.\w+)?)$", r"rnnlab\.progress\.\w+(\.\w+)?$",
          r"rnnlab\.experiments\.pages\.\w+$", r"rnnlab\.io\.\w+\.\w+$",
          r"rnnlab\.nn\.(init|losses|activations|dense|stack|reference|elman|lstm|gru)\.\w+$",
          r"rnnlab\.nn\.compiled\.(common|elman|lstm|gru)\.\w+$", r"rnnlab\.bench\.\w+$",
          r"rnnlab\.mappings(\.\w+)?\.[a-z_]\w*$", r"rnnlab\.mappings\.\w+\.[A-Z]\w*$", r"rnnlab\.cli\.main$",
          r"rnnlab\.optim\.Optimizer\.\w+$", r"rnnlab\.io\.folders\.Folder\.\w+$",
          r"rnnlab\.mappings\.base\.ManyToMany\.\w+$",
          r"rnnlab\.(data\.vocab\.Vocabulary|tasks\.text\.Vocab|tasks\.timeseries\.Scaler)\.\w+$"]
STRICT_CHECKS = ("GL08", "PR01", "PR02", "RT01")
SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Raises|Examples|Attributes|Notes|See Also)"
                     r"\n\s*-{3,}\s*$", re.M)


def _skip_foreign(app, what, name, obj, skip, options):
    """Members a class gets from another library (scikit-learn's set_*_request methods) are
    documented there, not here."""
    module = getattr(obj, "__module__", None) or ""
    return True if module and not module.startswith("rnnlab") else skip


def _plain_text(app, what, name, obj, options, lines):
    """Module docstrings, and any docstring without numpydoc sections, are plain text laid out
    in the source (aligned columns, ASCII formulas): they are shown as written."""
    doc = getattr(obj, "__doc__", None) or ""
    if lines and (what == "module" or not SECTION.search(doc)):
        lines[:] = ["::", ""] + ["    " + line for line in lines]
    else:
        lines[:] = _escape_ascii_math(lines)


LITERAL = re.compile(r"(``.*?``)")
MARKUP = re.compile(r"\|(?=\S)|(?<=\S)\|"            # |x| is ASCII math, not a substitution
                    r"|(?<=\w)_(?=[\s).,;:]|$)"       # model_ is a fitted attribute, not a link
                    r"|(?<=-)\*")                       # name-* is a glob, not emphasis


def _escape_ascii_math(lines):
    """The docstrings' prose writes |x| for absolute values and norms and name_ for fitted
    attributes: escaped, so reST reads them as text. Inline literals, doctest blocks and
    literal blocks are left as they are."""
    out, code, literal = [], False, False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            code = False
        elif stripped.startswith(">>>"):
            code = True
        if literal and stripped and not line.startswith(" "):
            literal = False
        if code or literal:
            out.append(line)
        else:
            out.append("".join(part if part.startswith("``") else MARKUP.sub(r"\\\g<0>", part)
                               for part in LITERAL.split(line)))
        if stripped.endswith("::"):
            literal = True
    return out


def _strict(app, what, name, obj, options, lines):
    """numpydoc's section checks for the names in STRICT: a failure is a warning (-W: an error)."""
    if what in ("module", "data", "attribute") or not any(re.match(p, name) for p in STRICT):
        return
    for code, message in validate(name)["errors"]:
        if code in STRICT_CHECKS:
            logger.warning(f"[numpydoc strict] {name}: {code}: {message}")


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign)
    app.connect("autodoc-process-docstring", _plain_text)
    app.connect("autodoc-process-docstring", _strict)
