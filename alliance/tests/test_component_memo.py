"""The NHS.UK components are drawn once per distinct params (alliance.jinja2.MemoisedComponents)
and what they draw is exactly what the official macros draw, escaping included."""

from __future__ import annotations

from django.template import engines
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from alliance.memo import Unmemoisable, freeze

OFFICIAL = Environment(loader=PackageLoader("nhsuk_frontend_jinja"), autoescape=True)


def _ours(source: str, **context) -> str:
    return engines["jinja2"].env.from_string(source).render(**context)


def _official(source: str, **context) -> str:
    return OFFICIAL.from_string(source).render(**context)


TABLE = (
    '{% from "nhsuk/components/tables/macro.jinja" import table %}'
    '{{ table({"caption": {"text": "Contact"}, "head": ["Month", "Note"], "rows": rows}) }}'
)


def test_a_table_draws_as_the_official_macro_does_first_time_and_from_memory():
    rows = [["January", "E-mail & calls"], ["February", {"html": Markup("<em>None</em>")}]]
    official = _official(TABLE, rows=rows)
    assert "E-mail &amp; calls" in official and "<em>None</em>" in official
    assert _ours(TABLE, rows=rows) == official
    assert _ours(TABLE, rows=rows) == official  # the second time, from memory


def test_text_and_markup_of_the_same_characters_are_not_confused():
    raw = [["January", "<b>bold</b>"]]
    safe = [["January", Markup("<b>bold</b>")]]
    assert "&lt;b&gt;bold&lt;/b&gt;" in _ours(TABLE, rows=raw)
    assert "<b>bold</b>" in _ours(TABLE, rows=safe)
    assert "&lt;b&gt;bold&lt;/b&gt;" in _ours(TABLE, rows=raw)
    assert _ours(TABLE, rows=safe) == _official(TABLE, rows=safe)


def test_a_component_with_a_caller_block_draws_what_the_caller_gives():
    source = (
        '{% from "nhsuk/components/details/macro.jinja" import details %}'
        '{% call details({"text": "Where"}) %}<p>{{ place }}</p>{% endcall %}'
    )
    assert "<p>Newport</p>" in _ours(source, place="Newport")
    assert "<p>Ryde</p>" in _ours(source, place="Ryde")
    assert _ours(source, place="Ryde") == _official(source, place="Ryde")


def test_params_that_are_not_plain_data_are_drawn_without_memory():
    class Name:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    source = '{% from "nhsuk/components/tag/macro.jinja" import tag %}{{ tag({"text": name}) }}'
    assert "Open" in _ours(source, name=Name("Open"))
    assert "Closed" in _ours(source, name=Name("Closed"))
    for value in (Name("x"), {1: "a"}):
        try:
            freeze(value)
        except Unmemoisable:
            continue
        raise AssertionError(f"{value!r} was frozen")
    assert freeze(True) != freeze(1) and freeze([1]) != freeze((1,))
