"""templates/macros/forms.html: Django form fields through the official NHS.UK macros keep
their labels, hints, error messages, aria-describedby, autocomplete and the widget's own
attributes, and the error summary links to each field."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.template import engines

_VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "wbr"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        if found.get("id"):
            self.text[str(found["id"])] = []
        if tag not in _VOID:
            self._open.append((tag, found.get("id")))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for _, element_id in self._open:
            if element_id:
                self.text[element_id].append(data)


class Page:
    """A rendered snippet: its elements by id, and the text inside each."""

    def __init__(self, html: str) -> None:
        parser = _Elements()
        parser.feed(html)
        self.html = html
        self.elements = parser.elements
        self._text = parser.text

    def by_id(self, element_id: str) -> dict[str, str | None]:
        [found] = [attrs for _, attrs in self.elements if attrs.get("id") == element_id]
        return found

    def text(self, element_id: str) -> str:
        return " ".join("".join(self._text[element_id]).split())

    def label_for(self, element_id: str) -> str:
        [label] = [a for tag, a in self.elements if tag == "label" and a.get("for") == element_id]
        return str(label.get("class"))

    def described_by(self, element_id: str) -> list[str]:
        return str(self.by_id(element_id).get("aria-describedby") or "").split()


class Everything(forms.Form):
    name = forms.CharField(
        help_text="As on your badge",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(required=False)
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    story = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(
        choices=[("a", "Apples"), ("b", "Bananas")], widget=forms.RadioSelect, help_text="One"
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "Ex"), ("y", "Why")], widget=forms.CheckboxSelectMultiple
    )
    town = forms.ChoiceField(choices=[("", "Choose"), ("ryde", "Ryde"), ("cowes", "Cowes")])
    agree = forms.BooleanField(label="I agree")
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    size = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 1, "max": 5}))
    upload = forms.FileField(required=False)


def render(source: str, **context: Any) -> Page:
    template = engines["jinja2"].from_string(
        '{% from "macros/forms.html" import error_summary, non_field_errors, field, fields,'
        " button, problem_summary %}" + source
    )
    return Page(template.render(context))


@pytest.fixture
def invalid() -> Everything:
    form = Everything(
        data={"name": "x" * 41, "kind": "b", "many": ["y"], "town": "cowes", "when": "2026-12-01"}
    )
    assert not form.is_valid()
    form.add_error(None, "The whole form is wrong.")
    return form


def test_it_labels_each_input_and_keeps_its_value_and_attributes():
    page = render("{{ fields(form) }}", form=Everything(initial={"name": "Ann", "size": 3}))
    name = page.by_id("id_name")
    assert (name["type"], name["value"], name["autocomplete"]) == ("text", "Ann", "name")
    assert name["maxlength"] == "40" and "required" in name
    assert "nhsuk-label" in page.label_for("id_name")
    assert page.by_id("id_email")["type"] == "email"
    assert "required" not in page.by_id("id_email")
    size = page.by_id("id_size")
    assert (size["type"], size["value"], size["min"], size["max"]) == ("number", "3", "1", "5")
    assert page.by_id("id_when")["type"] == "date"
    assert page.by_id("id_upload")["type"] == "file"


def test_it_points_aria_describedby_at_the_hint_and_the_error(invalid):
    page = render("{{ fields(form) }}", form=invalid)
    assert page.described_by("id_name") == ["id_name-hint", "id_name-error"]
    assert page.text("id_name-hint") == "As on your badge"
    assert page.text("id_name-error") == (
        "Error: Ensure this value has at most 40 characters (it has 41)."
    )
    assert page.by_id("id_name")["aria-invalid"] == "true"
    assert "nhsuk-input--error" in str(page.by_id("id_name")["class"])
    assert page.described_by("id_story") == ["id_story-error"]
    assert page.described_by("id_email") == []  # no hint, no error


def test_radios_and_checkboxes_are_a_fieldset_with_the_fields_label_as_legend(invalid):
    page = render("{{ field(form['kind']) }}{{ field(form['many']) }}", form=invalid)
    assert "<legend" in page.html and "Kind" in page.html
    fieldsets = [a for tag, a in page.elements if tag == "fieldset"]
    assert fieldsets[0]["aria-describedby"] == "id_kind-hint"
    assert ["checked" in page.by_id(i) for i in ("id_kind_0", "id_kind_1")] == [False, True]
    assert ["checked" in page.by_id(i) for i in ("id_many_0", "id_many_1")] == [False, True]
    assert "nhsuk-radios__label" in page.label_for("id_kind_1")


def test_a_select_marks_the_chosen_option(invalid):
    page = render("{{ field(form['town']) }}", form=invalid)
    assert '<option value="cowes" selected' in page.html
    assert '<option value="ryde"' in page.html and '<option value="ryde" selected' not in page.html


def test_a_single_checkbox_carries_its_label_and_error(invalid):
    page = render("{{ field(form['agree']) }}", form=invalid)
    assert page.described_by("id_agree") == ["id_agree-error"]
    assert "nhsuk-checkboxes__label" in page.label_for("id_agree")
    assert "I agree" in page.html and "checked" not in page.by_id("id_agree")


def test_a_textarea_with_a_limit_counts_its_characters():
    page = render("{{ field(form['note']) }}{{ field(form['story']) }}", form=Everything())
    assert 'data-module="nhsuk-character-count"' in page.html
    assert 'data-maxlength="2000"' in page.html
    assert page.text("id_note-info") == "You can enter up to 2000 characters"
    assert "maxlength" not in page.by_id("id_note")  # people may type past it and see by how much
    assert page.by_id("id_story")["rows"] == "4"


def test_the_page_may_change_the_label_hint_and_attributes():
    page = render(
        "{{ field(form['name'], label='Full name', hint='', input_class='nhsuk-input--width-20',"
        " label_class='nhsuk-label--s', attrs={'autocomplete': false, 'spellcheck': 'false'}) }}",
        form=Everything(),
    )
    name = page.by_id("id_name")
    assert "autocomplete" not in name and name["spellcheck"] == "false"
    assert "nhsuk-input--width-20" in str(name["class"])
    assert "nhsuk-label--s" in page.label_for("id_name")
    assert "Full name" in page.html and "As on your badge" not in page.html


def test_the_error_summary_links_to_each_field_with_an_error(invalid):
    page = render("{{ error_summary(form) }}{{ non_field_errors(form) }}", form=invalid)
    links = [a["href"] for tag, a in page.elements if tag == "a"]
    assert links == ["#form-errors", "#id_name", "#id_story", "#id_agree", "#id_size"]
    assert page.text("form-errors") == "Error: The whole form is wrong."
    assert "There is a problem" in page.html
    radios = Everything(data={})
    radios.is_valid()
    page = render("{{ error_summary(form) }}", form=radios)
    assert "#id_kind_0" in page.html and "#id_many_0" in page.html  # the first of the choices


def test_buttons_submit_with_a_name_and_say_which_one_to_screen_readers():
    page = render(
        "{{ button('Save') }}{{ button('Remove', warning=True, name='remove', value='1',"
        " hidden_text='Oak Surgery', small=True, attributes={'form': 'other'}) }}"
        "{{ problem_summary('It was refused.') }}"
    )
    buttons = [a for tag, a in page.elements if tag == "button"]
    assert [b["type"] for b in buttons] == ["submit", "submit"]
    assert "name" not in buttons[0]
    assert (buttons[1]["name"], buttons[1]["value"], buttons[1]["form"]) == ("remove", "1", "other")
    assert "nhsuk-button--warning" in str(buttons[1]["class"])
    assert "nhsuk-button--small" in str(buttons[1]["class"])
    assert '<span class="nhsuk-u-visually-hidden"> Oak Surgery</span>' in page.html
    assert "It was refused." in page.html and "There is a problem" in page.html
