"""For the report's tests: a small HTML tree built with the standard library's html.parser (the
tests look at elements, attributes and text as a browser would, not at substrings), and a
made-up results document with every part a report shows."""
from html.parser import HTMLParser

VOID = {"img", "br", "meta", "hr", "input", "link"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        """The text inside, as a browser shows it (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag=None, **attrs) -> list:
        """Every element below (depth first, in document order) with this tag and attributes;
        class_="x" matches an element whose class list holds x."""
        out = []
        for c in self.children:
            if isinstance(c, Node):
                want = attrs.get("class_")
                if (tag is None or c.tag == tag) and (want is None or want in
                                                      c.attrs.get("class", "").split()) and \
                        all(c.attrs.get(k) == v for k, v in attrs.items() if k != "class_"):
                    out.append(c)
                out += c.find_all(tag, **attrs)
        return out

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, attrs, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:       # a stray end tag closes nothing
            node = node.parent
        assert node is not None, f"</{tag}> without <{tag}>"
        self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(text) -> Node:
    """The document's root; every element opened is closed (asserted)."""
    b = _Builder()
    b.feed(text)
    b.close()
    assert b.node is b.root, f"unclosed element {b.node}"
    return b.root


LONG = "ValueError: X must have shape (batch, 16) for mapping='one-to-one', got (1, 32)"
META = {"command": "rnnlab tour --quick", "quick": True, "seed": 3, "seconds": 12.5,
        "versions": {"python": "3", "numpy": "2"}, "git_commit": "abc123",
        "started": "2026-01-01T00:00:00+00:00"}


def report_doc(name="alpha", **kw):
    """A results document as the runner writes it (with the tour's description); kw replaces
    entries."""
    doc = {
        "experiment": name, "title": f"The {name} experiment", "seconds": 1.25,
        "description": ("What it shows, with `rl.RNN(4, 8, 1)` and **bold** words:\n\n"
                        "- first point, which goes on\n  over a second line;\n"
                        "- second point.\n\nA closing paragraph."),
        "tables": {"t": {"title": "Errors", "columns": ["task", "RNN", "seeds", "when n differs"],
                         "rows": [["sine", 0.0125, "9/10", LONG], ["echo", 3, "10/10", LONG],
                                  ["copy", None, "-", "works"]],
                         "note": "384 training sequences."}},
        "summary": [["RNN MSE", 0.0125],
                    ["per model", "; ".join(f"model {i}: test error 0.16{i}" for i in range(9))]],
        "figures": ["loss.png", "learning_curves.png"],
        "captions": {"loss.png": "Training loss of the RNN and the `static` net per epoch."},
        "claims": [{"text": "The RNN beats the static net", "passed": True,
                    "evidence": "MSE 0.0125 against 0.09"},
                   {"text": "LSTM solves T = 100", "passed": False, "evidence": "0.11 > 0.083"},
                   {"text": "exact at 10,000 bits in 9/10 seeds", "passed": None,
                    "evidence": "quick mode trains 5 seeds"}],
        "headline": {"metric": "MSE", "rnn": 0.0125, "baseline": 0.09, "higher_is_better": False,
                     "rnn_label": "RNN", "baseline_label": "static net"},
        "texts": {"temperature 0.5": "The <b>cat</b> sat\n  on ``` the mat & more"},
    }
    doc.update(kw)
    return doc
