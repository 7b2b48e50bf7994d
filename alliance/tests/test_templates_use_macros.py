"""Pages draw NHS.UK components with the official macros (ADR 0001 and ADR 0011).

The scan reads our Jinja2 templates for components written by hand: an element whose class
list has the class a nhsuk-frontend-jinja macro puts on the component's outer element. Each
one must be an exception in ADR 0011's list (docs/decisions/0011-hand-written-components.toml),
which names the template, the component, how many there are, and why."""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXCEPTIONS = ROOT / "docs" / "decisions" / "0011-hand-written-components.toml"

# The class each official macro puts on the outer element of what it draws.
COMPONENTS = frozenset(
    {
        "nhsuk-action-link",
        "nhsuk-back-link",
        "nhsuk-breadcrumb",
        "nhsuk-button",
        "nhsuk-card",
        "nhsuk-checkboxes",
        "nhsuk-contents-list",
        "nhsuk-details",
        "nhsuk-error-message",
        "nhsuk-error-summary",
        "nhsuk-fieldset",
        "nhsuk-hint",
        "nhsuk-input",
        "nhsuk-inset-text",
        "nhsuk-label",
        "nhsuk-pagination",
        "nhsuk-panel",
        "nhsuk-radios",
        "nhsuk-select",
        "nhsuk-summary-list",
        "nhsuk-table",
        "nhsuk-tag",
        "nhsuk-textarea",
        "nhsuk-warning-callout",
    }
)

_ELEMENT = re.compile(r"<[a-zA-Z][\w-]*\b[^>]*?\bclass=(\"[^\"]*\"|'[^']*')", re.S)
_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def hand_written(text: str) -> Iterator[tuple[int, str]]:
    """(line, component) for each element of the text that carries a component's class."""
    text = _COMMENT.sub(lambda comment: "\n" * comment.group(0).count("\n"), text)
    for element in _ELEMENT.finditer(text):
        line = text.count("\n", 0, element.start()) + 1
        for component in sorted(set(element.group(1)[1:-1].split()) & COMPONENTS):
            yield line, component


def _templates() -> list[Path]:
    return sorted([*(ROOT / "templates").rglob("*.html"), *ROOT.glob("*/jinja2/**/*.html")])


def _found() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    for path in _templates():
        for line, component in hand_written(path.read_text(encoding="utf-8")):
            found[(str(path.relative_to(ROOT)), component)].append(line)
    return found


def _exceptions() -> list[dict[str, object]]:
    with EXCEPTIONS.open("rb") as data:
        return list(tomllib.load(data).get("exception", []))


def test_it_finds_a_component_written_by_hand():
    template = """{# <table class="nhsuk-table"> in a comment is not markup #}
<div class="nhsuk-button-group">
  <a class="nhsuk-button nhsuk-button--secondary"
     href="/">Back</a>
  {{ button("Save") }}
</div>
<dl class='app-figures nhsuk-summary-list'></dl>"""
    assert list(hand_written(template)) == [(3, "nhsuk-button"), (7, "nhsuk-summary-list")]


def test_it_scans_every_page_template():
    names = {str(path.relative_to(ROOT)) for path in _templates()}
    assert "templates/layout.html" in names
    assert "templates/macros/forms.html" in names
    assert "surveys/jinja2/surveys/round.html" in names
    assert "accounts/jinja2/account/login.html" in names


def test_every_hand_written_component_is_an_exception_in_adr_0011():
    listed = {(str(e["file"]), str(e["component"])): e["count"] for e in _exceptions()}
    unlisted = [
        f"{file}:{line}: {component}"
        for (file, component), lines in sorted(_found().items())
        if listed.get((file, component)) != len(lines)
        for line in lines
    ]
    assert unlisted == [], (
        "Draw these with nhsuk-frontend-jinja's macros (templates/macros/forms.html for form "
        f"fields), or add them with a reason to {EXCEPTIONS.relative_to(ROOT)} (ADR 0011)."
    )


def test_each_exception_is_still_there_and_says_why():
    found = _found()
    for exception in _exceptions():
        key = (str(exception["file"]), str(exception["component"]))
        assert len(found.get(key, [])) == exception["count"], (
            f"{key}: the template now has {len(found.get(key, []))}; update the list"
        )
        assert len(str(exception.get("reason", ""))) > 20, f"{key}: say why"
