"""A small HTML tree for the report's tests, built with the standard library's html.parser: the
tests look at elements, attributes and text as a browser would, not at substrings."""
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
