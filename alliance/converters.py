"""The `<id:...>` path converter: a row's id in a URL, within the database's range.

Django's `<int:...>` takes any run of digits, and a 20-digit one reached the database, where
SQLite refused it with an OverflowError (a 500). `<id:...>` matches 1 to 19 digits and turns
anything outside 1..ID_MAX away as no match, so the address answers 404 like any other
unknown row. The OpenAPI schema gives it as an integer with those bounds
(SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"])."""

from __future__ import annotations

from django.urls import register_converter

#: The largest id a row can have (DEFAULT_AUTO_FIELD is a BigAutoField).
ID_MAX = 2**63 - 1


def parse_id(text: str) -> int | None:
    """The id a string from a request names, or None when it names none: only ASCII digits
    (``"¹".isdigit()`` is true, and ``int("¹")`` fails) and only within 1..ID_MAX (a larger
    number is an OverflowError on SQLite)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
