"""Proposal text: Markdown made safe, and the difference between two versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def render_markdown(text: str) -> Markup:
    """Markdown to HTML, sanitised: no script, no style, no event handlers."""
    html = md.markdown(text, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 above)


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    """An inline diff, word by word, for showing what an amendment changed."""
    a, b = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces
