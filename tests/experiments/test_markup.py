"""The report's Markdown converter: lists, code, bold and links become HTML, everything else is
escaped (no tag or attribute of the input survives), and headings get GitHub's anchors."""
import pytest

from report_support import parse
from rnnlab.experiments.markup import Anchors, inline, plain, to_html


def test_paragraphs_and_bullet_lists_with_continuation_lines():
    text = ("First paragraph,\nstill the first.\n\n- sine: predict the next value. The\n"
            "  current value alone is not enough.\n- echo: y(t) = x(t-2).\n\nAfter the list.")
    root = parse(to_html(text))
    assert [n.tag for n in root.children if not isinstance(n, str)] == ["p", "ul", "p"]
    assert root.find_all("p")[0].text() == "First paragraph, still the first."
    assert [li.text() for li in root.find_all("li")] == [
        "sine: predict the next value. The current value alone is not enough.",
        "echo: y(t) = x(t-2)."]
    assert root.find_all("p")[1].text() == "After the list."


def test_a_list_right_after_a_line_and_a_numbered_list():
    root = parse(to_html("Two tasks:\n- a\n- b\n\n1. one\n2. two"))
    assert root.find_all("p")[0].text() == "Two tasks:"
    assert [li.text() for li in root.find_all("ul")[0].find_all("li")] == ["a", "b"]
    assert [li.text() for li in root.find_all("ol")[0].find_all("li")] == ["one", "two"]


def test_code_bold_emphasis_and_links():
    root = parse(inline("run `rnnlab tour --quick`, **then** *look* at "
                        "[the docs](https://example.org/a?b=1&c=2) and [here](#summary)"))
    assert [c.text() for c in root.find_all("code")] == ["rnnlab tour --quick"]
    assert [b.text() for b in root.find_all("strong")] == ["then"]
    assert [e.text() for e in root.find_all("em")] == ["look"]
    links = root.find_all("a")
    assert [(a.attrs["href"], a.text()) for a in links] == [
        ("https://example.org/a?b=1&c=2", "the docs"), ("#summary", "here")]
    assert "`" not in root.text() and "**" not in root.text()


def test_code_is_not_marked_up_inside_and_math_asterisks_stay():
    root = parse(inline("`a **b** [c](d)` and 2 * 3 * 4 and x*y"))
    assert [c.text() for c in root.find_all("code")] == ["a **b** [c](d)"]
    assert root.find_all("strong") == [] and root.find_all("a") == [] and root.find_all("em") == []
    assert root.text() == "a **b** [c](d) and 2 * 3 * 4 and x*y"


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '[x](https://a.org/"onmouseover="alert(1))',
    "`<b>` **<i>bold</i>**",
])
def test_nothing_of_the_input_becomes_a_tag_or_an_attribute(text):
    root = parse(to_html(text))
    tags = {n.tag for n in root.find_all()}
    assert tags <= {"p", "code", "strong", "a"}
    for a in root.find_all("a"):
        assert set(a.attrs) == {"href"} and not a.attrs["href"].lower().startswith("javascript")
    assert "<" not in text or "<" in root.text()            # shown as the text it is


def test_a_link_with_an_unsafe_scheme_keeps_only_its_label():
    root = parse(inline("[click](javascript:void) [mail](mailto:a@b.org)"))
    assert [a.attrs["href"] for a in root.find_all("a")] == ["mailto:a@b.org"]
    assert root.text() == "click mail"


def test_anchors_are_githubs():
    a = Anchors()
    assert a.add("rnnlab tour: the lecture, end to end") == "rnnlab-tour-the-lecture-end-to-end"
    assert a.add("1. Digits: images as sequences of rows (many-to-one) (`digits`)") == \
        "1-digits-images-as-sequences-of-rows-many-to-one-digits"
    assert a.add("Claims") == "claims"
    assert a.add("Claims") == "claims-1"
    assert a.add("Claims") == "claims-2"
    assert a.add("The adding task (lr 0.01, H = 32)") == "the-adding-task-lr-001-h--32"
    assert a.add("Feed-forward baseline: rl.RNN(width, 64, mapping='one-to-one')") == \
        "feed-forward-baseline-rlrnnwidth-64-mappingone-to-one"
    assert a.add("Über **bold** and [a link](x)") == "über-bold-and-a-link"


def test_plain_drops_markup():
    assert plain("**Figure** of `x` and [y](z)") == "Figure of x and y"
