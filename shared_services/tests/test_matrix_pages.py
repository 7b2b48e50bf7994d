"""Who does what, as people see it: one page every member reads (not guests), with the
conflicts flagged, searchable and exported; the convenor's functions, and a change drafted,
proposed, applied once decided and withdrawn, through the pages."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from alliance.testing import MemberOrganisationFactory, page_queries, table_rows
from golden_thread.models import Briefing, Thread
from shared_services import services_matrix as services
from shared_services.models import Function, MatrixChange, MatrixChangeStatus
from shared_services.tests.test_matrix_services import (
    cells_of,
    estates_change,
    estates_set_by_hand,
    make_island,
)


@pytest.fixture
def island(convenor):
    return make_island(convenor)


def url(island, *parts):
    base = f"/c/{island.collective.slug}/who-does-what/"
    return base + "".join(f"{part}/" for part in parts)


def matrix_rows(text, table="matrix"):
    """The responsive table's rows as read: each cell without the column's heading, which
    the table repeats (hidden from screen readers) for small screens."""
    rows = table_rows(text, table)
    head = rows[0]
    return [head] + [
        [cell.removeprefix(name).strip() for name, cell in zip(head, row, strict=True)]
        for row in rows[1:]
    ]


def page(client, who, address):
    client.force_login(who.user)
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def three_conflicts(island):
    """Estates: two Accountable; Staff bank: nobody Accountable; Training hub: nobody
    Responsible. Every other function has nobody at all."""
    services.matrix_functions_ensure(actor_membership=island.convenor)
    fed, pcn = island.key(island.federation), island.key(island.pcns[0])
    services.matrix_first_version_set(
        actor_membership=island.convenor,
        cells=[
            {"function": "Estates", "body": fed, "roles": "RA"},
            {"function": "Estates", "body": pcn, "roles": "A"},
            {"function": "Staff bank", "body": fed, "roles": "R"},
            {"function": "Training hub", "body": "leadership", "roles": "A"},
            {"function": "Training hub", "body": "practices", "roles": "C"},
        ],
    )


# Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["convenor", "member", "observer"])
def test_every_member_sees_who_does_what_as_one_table(client, island, who):
    estates_set_by_hand(island)
    text = page(client, getattr(island, who), url(island))
    rows = matrix_rows(text)
    assert rows[0] == [
        "Function",
        "Island Federation",
        "PCN 1",
        "PCN 2",
        "Island LMC",
        "The practices",
        "The leadership group",
        "Conflicts",
    ]
    estates = next(r for r in rows if r[0] == "Estates")
    # Letters on screen, and the words for screen readers.
    assert estates[1:7] == [
        "R Responsible",
        "A Accountable",
        "– No part",
        "– No part",
        "I Informed",
        "– No part",
    ]
    assert len(rows) == 13  # the header and the twelve standard functions


def test_guests_are_refused(client, island):
    client.force_login(island.guest.user)
    assert client.get(url(island)).status_code == 403
    assert client.get(url(island, "export") + "?format=csv").status_code == 403


def test_the_page_flags_no_accountable_two_accountable_and_nobody_responsible(client, island):
    three_conflicts(island)
    text = page(client, island.member, url(island))
    assert "Conflicts to resolve" in text
    assert (
        "2 bodies are Accountable for Estates (Island Federation and PCN 1): only one body "
        "can answer for it, or each can point to the other." in text
    )
    assert "Nobody is Accountable for Staff bank: agree the one body that answers for it." in text
    assert "Nobody is Responsible for Training hub: agree who does the work." in text
    rows = {r[0]: r[-1] for r in matrix_rows(text)[1:]}
    assert rows["Estates"] == "More than one body is Accountable"
    assert rows["Staff bank"] == "Nobody is Accountable"
    assert rows["Training hub"] == "Nobody is Responsible"


def test_a_matrix_without_conflicts_shows_no_warning(client, island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    for function in Function.objects.exclude(name="Estates"):
        services.function_remove(actor_membership=island.convenor, function=function)
    estates_set_by_hand(island)
    text = page(client, island.member, url(island))
    assert "Conflicts to resolve" not in text
    assert matrix_rows(text)[1][-1] == "None"


def test_the_search_box_filters_the_functions(client, island):
    estates_set_by_hand(island)
    rows = matrix_rows(page(client, island.member, url(island) + "?q=bank"))
    assert [r[0] for r in rows[1:]] == ["Staff bank"]
    text = page(client, island.member, url(island) + "?q=nothing+like+it")
    assert "No function matches “nothing like it”." in text


def test_the_table_exports_as_csv_and_xlsx(client, island):
    three_conflicts(island)
    client.force_login(island.member.user)
    response = client.get(url(island, "export") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Function", "Island Federation", "PCN 1"]
    estates = next(r for r in rows if r[0] == "Estates")
    assert estates[1:3] == ["R, A", "A"]
    assert estates[-1].startswith("2 bodies are Accountable for Estates")
    response = client.get(url(island, "export") + "?format=xlsx&q=estates")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["Estates", "R, A", "A"]
    assert len(values) == 2
    assert client.get(url(island, "export") + "?format=pdf").status_code == 404


def test_a_body_named_like_a_formula_is_exported_as_text(client, island):
    MemberOrganisationFactory(
        collective=island.collective,
        organisation__name='=HYPERLINK("https://evil.example")',
        organisation__kind="pcn",
    )
    client.force_login(island.member.user)
    response = client.get(url(island, "export") + "?format=csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("https://evil.example")' in header


def test_the_page_runs_the_same_queries_for_3_or_12_functions_and_bodies(client, convenor):
    small = make_island(convenor, pcns=1, practices=1)
    services.matrix_functions_ensure(actor_membership=convenor)
    for function in Function.objects.filter(collective=small.collective)[3:]:
        services.function_remove(actor_membership=convenor, function=function)
    services.matrix_first_version_set(
        actor_membership=convenor,
        cells=[{"function": "Estates", "body": small.key(small.federation), "roles": "RA"}],
    )
    estates_change(small)
    client.force_login(convenor.user)
    few = page_queries(client, url(small))
    for n in range(9):
        services.function_add(actor_membership=convenor, name=f"Function {n}")
        MemberOrganisationFactory(
            collective=small.collective,
            organisation__name=f"PCN {n + 10}",
            organisation__kind="pcn",
        )
    services.matrix_first_version_set(
        actor_membership=convenor,
        cells=[
            {"function": f"Function {n}", "body": "practices", "roles": "RACI"} for n in range(9)
        ],
    )
    for _ in range(3):
        estates_change(small)
    many = page_queries(client, url(small))
    assert len(matrix_rows(client.get(url(small)).content.decode())) == 13
    assert many == few


# The convenor's functions -----------------------------------------------------------------


def test_the_convenor_adds_renames_and_removes_a_function_after_confirming(client, island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    client.force_login(island.convenor.user)
    response = client.post(url(island, "functions", "new"), {"name": "Home visiting"})
    assert response.status_code == 302
    function = Function.objects.get(name="Home visiting")
    response = client.post(url(island, "functions", function.pk, "edit"), {"name": "Visiting"})
    assert response.status_code == 302
    confirm = page(client, island.convenor, url(island, "functions", function.pk, "remove"))
    assert "Remove Visiting?" in confirm
    assert Function.objects.filter(pk=function.pk).exists()  # asking removes nothing
    client.post(url(island, "functions", function.pk, "remove"))
    assert not Function.objects.filter(pk=function.pk).exists()


def test_a_duplicate_name_is_shown_beside_the_field(client, island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    client.force_login(island.convenor.user)
    response = client.post(url(island, "functions", "new"), {"name": "ESTATES"})
    assert response.status_code == 200
    assert "There is already a function called “ESTATES”." in response.content.decode()


@pytest.mark.parametrize(
    "path", [("functions", "new"), ("changes", "new"), ("set",)], ids=["function", "change", "set"]
)
def test_members_who_are_not_convenors_cannot_change_it(client, island, path):
    client.force_login(island.member.user)
    assert client.get(url(island, *path)).status_code == 403
    assert client.post(url(island, *path), {"name": "x", "summary": "x"}).status_code == 403


# Setting and changing who does what -------------------------------------------------------


def test_the_convenor_sets_the_first_version_on_the_page(client, island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    text = page(client, island.convenor, url(island))
    assert "set who does what directly" in text
    estates = Function.objects.get(name="Estates")
    form = page(client, island.convenor, url(island, "set"))
    assert f'name="f{estates.pk}_o{island.federation.pk}"' in form
    client.post(
        url(island, "set"),
        {
            f"f{estates.pk}_o{island.federation.pk}": ["R", "A"],
            f"f{estates.pk}_practices": ["I"],
        },
    )
    assert cells_of(estates) == {island.key(island.federation): "RA", "practices": "I"}


def test_a_change_goes_from_draft_to_every_practice_through_the_pages(client, island):
    estates = estates_set_by_hand(island)
    client.force_login(island.convenor.user)
    response = client.post(
        url(island, "changes", "new"),
        {"summary": "The federation answers for estates", "functions": [str(estates.pk)]},
    )
    change = MatrixChange.objects.get()
    assert response["Location"] == url(island, "changes", change.pk, "edit")
    edit = page(client, island.convenor, url(island, "changes", change.pk, "edit"))
    assert "Conflicts this draft would leave" not in edit  # as it stands: one A, one R
    fed, pcn = f"f{estates.pk}_o{island.federation.pk}", f"f{estates.pk}_o{island.pcns[0].pk}"
    client.post(
        url(island, "changes", change.pk, "edit"),
        {
            "summary": "The federation answers for estates",
            "functions": [str(estates.pk)],
            fed: ["R", "A"],
            pcn: ["A"],
        },
    )
    detail = page(client, island.convenor, url(island, "changes", change.pk))
    assert "Conflicts this change would leave" in detail
    assert "2 bodies are Accountable for Estates" in detail
    client.post(
        url(island, "changes", change.pk, "edit"),
        {
            "summary": "The federation answers for estates",
            "functions": [str(estates.pk)],
            fed: ["R", "A"],
            pcn: ["C"],
        },
    )
    detail = page(client, island.convenor, url(island, "changes", change.pk))
    assert ["Estates", "PCN 1", "Accountable", "Consulted"] in table_rows(detail, "differences")

    response = client.post(
        url(island, "changes", change.pk, "propose"), {"problem": "Nobody knew."}
    )
    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.PROPOSED
    detail = page(client, island.convenor, url(island, "changes", change.pk))
    assert "Waiting for the group" in detail

    refused = page(client, island.convenor, url(island, "changes", change.pk, "apply"))
    assert "the proposal has no recorded decision, so the change cannot be applied" in refused
    response = client.post(url(island, "changes", change.pk, "apply"), {"confirm_hard": "true"})
    assert response.status_code == 200
    assert "has no recorded decision yet" in response.content.decode()

    decision = island.decide(change.proposal)
    form = page(client, island.convenor, url(island, "changes", change.pk, "apply"))
    assert "Estates: Island Federation is now Responsible and Accountable" in form
    response = client.post(
        url(island, "changes", change.pk, "apply"),
        {
            "summary": "The federation answers for estates.",
            "meaning": "Ask the federation about your building.",
            "confirm_hard": "true",
        },
    )
    assert response.status_code == 302
    briefing = Briefing.objects.get(decision=decision)
    assert Thread.objects.filter(briefing=briefing).count() == len(island.practices)
    detail = page(client, island.member, url(island, "changes", change.pk))
    assert "Agreed and applied" in detail and "What was agreed" in detail
    assert "The briefing, published" in detail
    text = page(client, island.member, url(island))
    assert "set who does what directly" not in text
    changes = table_rows(text, "changes")
    assert changes[1][:2] == ["The federation answers for estates", "Agreed and applied"]


def test_withdrawing_asks_first_then_hides_the_change(client, island):
    estates_set_by_hand(island)
    change = estates_change(island)
    confirm = page(client, island.convenor, url(island, "changes", change.pk, "withdraw"))
    assert "Withdraw “The federation answers for estates”?" in confirm
    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.DRAFT
    client.post(url(island, "changes", change.pk, "withdraw"))
    change.refresh_from_db()
    assert change.status == MatrixChangeStatus.WITHDRAWN
    assert client.get(url(island, "changes", change.pk)).status_code == 404


def test_members_read_a_change_but_only_the_convenor_acts_on_it(client, island):
    estates_set_by_hand(island)
    change = estates_change(island)
    detail = page(client, island.member, url(island, "changes", change.pk))
    assert "The federation answers for estates" in detail
    assert "Propose it to the group" not in detail
    for action in ("edit", "propose", "apply", "withdraw"):
        assert client.get(url(island, "changes", change.pk, action)).status_code == 403
    client.force_login(island.guest.user)
    assert client.get(url(island, "changes", change.pk)).status_code == 403
