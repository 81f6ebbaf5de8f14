"""A small, safe Markdown-to-HTML converter for the report, and GitHub-style heading anchors.

    to_html(text)      paragraphs, bullet lists ("- " or "* ", continuation lines indented),
                       numbered lists ("1. "), `code`, **bold**, *emphasis* and [links](url)
    inline(text)       the same inline markup for one line (a claim, a note, a caption)
    Anchors()          GitHub's anchors for headings: anchors.add("1. Digits (`digits`)")
                       -> "1-digits-digits"; a repeated heading gets -1, -2, ... as on GitHub

Everything is HTML-escaped first and markup is recognised in the escaped text, so no tag or
attribute of the input survives; a link keeps its address only for http, https and mailto and
for addresses without a scheme (anchors, relative paths). That is all the experiments'
descriptions, notes and claims use; anything else shows as the plain text it is.
"""
from __future__ import annotations

import html
import re
from typing import Any

_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^()\s]+)\)")
_BULLET = re.compile(r"^([-*]|\d{1,3}[.)])\s+(.*)$")
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|[^:]*$)", re.I)


def inline(text: object) -> str:
    """One span of Markdown as HTML: escaped, with `code`, **bold**, *emphasis* and links.

    Parameters
    ----------
    text : object
        One line of Markdown (a claim, a note, a caption).

    Returns
    -------
    str

    Examples
    --------
    >>> inline("**RNN** <b> [docs](https://example.org) [x](javascript:alert(1))")
    '<strong>RNN</strong> &lt;b&gt; <a href="https://example.org">docs</a> [x](javascript:alert(1))'
    """
    text = html.escape(str(text).replace("\x00", ""), quote=True)
    codes = []

    def keep(m):                                        # code spans are taken out first: their
        codes.append(f"<code>{m.group(2).strip()}</code>")    # content is never marked up
        return f"\x00{len(codes) - 1}\x00"
    text = _CODE.sub(keep, text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)

    def link(m):
        label, url = m.group(1), html.unescape(m.group(2))
        if not _SAFE_URL.match(url):
            return label
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
    text = _LINK.sub(link, text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], text)


def _blocks(text):
    """Split Markdown into ("p", lines) and ("ul"/"ol", items) blocks; an item is its lines."""
    blocks: list[Any]
    blocks = []
    for line in str(text).replace("\r\n", "\n").split("\n"):
        m = _BULLET.match(line)
        if not line.strip():
            blocks.append(None)                                      # a paragraph break
        elif m:
            kind = "ul" if m.group(1) in "-*" else "ol"
            if not (blocks and blocks[-1] and blocks[-1][0] == kind):
                blocks.append((kind, []))
            blocks[-1][1].append([m.group(2)])
        elif line[:1].isspace() and blocks and blocks[-1] and blocks[-1][0] != "p":
            blocks[-1][1][-1].append(line.strip())                   # an item's next line
        elif blocks and blocks[-1] and blocks[-1][0] == "p":
            blocks[-1][1].append(line.strip())
        else:
            blocks.append(("p", [line.strip()]))
    return [b for b in blocks if b]


def to_html(text: object) -> str:
    """Markdown (paragraphs and lists) as HTML; "" for empty text.

    Parameters
    ----------
    text : object
        Markdown: paragraphs, bullet and numbered lists, inline markup.

    Returns
    -------
    str

    Examples
    --------
    >>> print(to_html("Two points:\\n\\n- one\\n- *two*"))
    <p>Two points:</p>
    <ul><li>one</li><li><em>two</em></li></ul>
    """
    out = []
    for kind, body in _blocks(text):
        if kind == "p":
            out.append(f"<p>{inline(' '.join(body))}</p>")
        else:
            items = "".join(f"<li>{inline(' '.join(item))}</li>" for item in body)
            out.append(f"<{kind}>{items}</{kind}>")
    return "\n".join(out)


def plain(text: object) -> str:
    """The text of a line of Markdown as GitHub sees it for an anchor: no backticks, no ``**`` or
    ``*``, a link's label without its address.

    Parameters
    ----------
    text : object
        One line of Markdown.

    Returns
    -------
    str

    Examples
    --------
    >>> plain("**1.** Digits (`digits`), [see](#x)")
    '1. Digits (digits), see'
    """
    text = _LINK.sub(r"\1", str(text))
    return re.sub(r"[`*]", "", text)


class Anchors:
    """GitHub's heading anchors: lower case, punctuation dropped (letters, digits, _, - and
    spaces kept), spaces as hyphens; the second "Claims" becomes "claims-1". One instance per
    document, so the Markdown and the HTML of a report share their anchors.

    Examples
    --------
    >>> anchors = Anchors()
    >>> anchors.add("1. Digits (`digits`)"), anchors.add("Claims"), anchors.add("Claims")
    ('1-digits-digits', 'claims', 'claims-1')
    """

    def __init__(self) -> None:
        self.seen: dict[str, int]
        self.seen = {}

    def add(self, heading: object) -> str:
        """The anchor of a heading, unique in this document.

        Parameters
        ----------
        heading : object
            The heading's Markdown text.

        Returns
        -------
        str
        """
        slug = re.sub(r"[^\w\- ]", "", plain(heading).strip().lower()).replace(" ", "-")
        n = self.seen.get(slug, 0)
        self.seen[slug] = n + 1
        if n == 0:
            return slug
        while f"{slug}-{n}" in self.seen:
            n += 1
        self.seen[f"{slug}-{n}"] = 1
        return f"{slug}-{n}"
