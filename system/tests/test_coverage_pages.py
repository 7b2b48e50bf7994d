"""Coverage, the warmth × sway grid and the key organisations, as people see them: the
leadership group sees everyone, an owner of a key relationship outside it their own
stakeholders, members, observers and guests nothing; another collective's is not found."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import openpyxl
import pytest

from alliance.testing import OrganisationFactory, page_queries, table_rows
from audit.models import AuditEntry
from directory.models import OrganisationKind, Person
from system.models import Assessment, KeyOrganisation, KeyRelationship, Stakeholder
from system.tests.conftest import World

MARCH = dt.date(2025, 3, 3)
MAY = dt.date(2025, 5, 20)


def stakeholder(
    world: World,
    organisation,
    name: str,
    role: str = "",
    *,
    warmth: int | None = None,
    sway: int | None = None,
    before: tuple[int, int] | None = None,
    owners=(),
) -> Stakeholder:
    """A stakeholder (the collective's own directory person), assessed before (in March)
    and now (in May), with key relationships owned by the memberships given."""
    person = Person.objects.create(
        name=name,
        organisation=organisation,
        owner=world.collective,
        email=f"{name.lower().replace(' ', '.')}@example.org",
    )
    found = Stakeholder.objects.create(
        collective=world.collective, person=person, organisation=organisation, role=role
    )
    if before is not None:
        Assessment.objects.create(
            stakeholder=found, warmth=before[0], sway=before[1], assessed_on=MARCH
        )
    if warmth is not None and sway is not None:
        Assessment.objects.create(stakeholder=found, warmth=warmth, sway=sway, assessed_on=MAY)
    for owner in owners:
        KeyRelationship.objects.create(
            collective=world.collective, stakeholder=found, owner=owner.user
        )
    return found


def island_people(world: World) -> dict[str, Stakeholder]:
    """The ICB covered by the CD's warm Director of Strategy; the community trust a gap: its
    Chief Executive is the federation lead's key relationship but cold, and a Director of
    Operations there holds more sway."""
    return {
        "dana": stakeholder(
            world,
            world.icb,
            "Dana Shaw",
            "Director of Strategy",
            warmth=4,
            sway=4,
            before=(3, 4),
            owners=[world.cd],
        ),
        "cath": stakeholder(
            world,
            world.community_trust,
            "Cath Kerr",
            "Chief Executive",
            warmth=2,
            sway=3,
            before=(3, 3),
            owners=[world.federation_lead],
        ),
        "olu": stakeholder(
            world,
            world.community_trust,
            "Olu Ade",
            "Director of Operations",
            warmth=3,
            sway=5,
        ),
        "nell": stakeholder(world, world.council, "Nell Hart", "Director of Public Health"),
    }


def url(world: World, *parts: str) -> str:
    return f"/c/{world.collective.slug}/system/" + "".join(f"{part}/" for part in parts)


def page(client, who, address: str) -> str:
    client.force_login(who.user)
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def words(text: str) -> str:
    """The page's text as read: tags dropped, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()).replace(" ,", ",")


def cells(text: str, table: str) -> list[list[str]]:
    """A responsive table's rows without the heading each cell repeats for small screens."""
    rows = table_rows(text, table)
    head = rows[0]
    return [head] + [
        [cell.removeprefix(name).strip() for name, cell in zip(head, row, strict=True)]
        for row in rows[1:]
    ]


# Coverage ---------------------------------------------------------------------------------


def test_it_shows_the_community_trust_as_a_gap_and_suggests_a_known_person_there(client, world):
    island_people(world)
    text = page(client, world.cd, url(world, "coverage"))
    rows = {row[0]: row[1:] for row in cells(text, "coverage")[1:]}
    assert rows["NHS Hampshire and Isle of Wight ICB"] == [
        "Integrated Care Board",
        "Covered",
        "Clare Director with Dana Shaw, Director of Strategy",
    ]
    assert rows["Isle of Wight Community Services"] == [
        "Community trust",
        "Gap",
        "No warm key relationship with sway at Isle of Wight Community Services.",
    ]
    assert "1 of 5 key organisations covered; 4 gaps." in text
    assert (
        "People already known there, best first Olu Ade, Director of Operations: warmth 3, "
        "sway 5. The Director of Operations may be worth more than the Chief Executive. Holds "
        "sway but is not warm yet: worth winning over."
    ) in words(text)
    assert "Fred Federation with Cath Kerr, Chief Executive: not warm yet (warmth 2)." in words(
        text
    )


def test_default_kinds_with_nobody_known_are_gaps_and_nothing_is_written(client, world):
    island_people(world)
    text = page(client, world.convenor, url(world, "coverage"))
    rows = {row[1]: row for row in cells(text, "coverage")[1:]}
    assert rows["Acute (hospital) trust"] == [
        "None known yet",
        "Acute (hospital) trust",
        "Gap",
        "No acute trust known yet: add a stakeholder there.",
    ]
    assert rows["Local authority"][0] == "Isle of Wight Council"
    assert rows["Public health"][3] == "No public health team known yet: add a stakeholder there."
    assert "No key organisations have been chosen, so these are the defaults" in text
    assert not KeyOrganisation.objects.exists()


def test_an_erased_stakeholder_is_left_out(client, world):
    people = island_people(world)
    Stakeholder.objects.filter(pk=people["olu"].pk).update(
        erased_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), person=None
    )
    text = page(client, world.cd, url(world, "coverage"))
    assert "Olu Ade" not in text and "erased" not in text


@pytest.mark.parametrize("who", ["convenor", "cd", "federation_lead"])
def test_the_leadership_group_sees_coverage_and_the_grid(client, world, who):
    island_people(world)
    for address in (url(world, "coverage"), url(world, "warmth-and-sway")):
        assert "Dana Shaw" in page(client, getattr(world, who), address)


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_members_observers_and_guests_are_refused_everywhere(client, world, who):
    island_people(world)
    client.force_login(getattr(world, who).user)
    for address in (
        url(world, "coverage"),
        url(world, "coverage", "export") + "?format=csv",
        url(world, "warmth-and-sway"),
        url(world, "warmth-and-sway", "export") + "?format=xlsx",
        url(world, "key-organisations"),
    ):
        response = client.get(address)
        assert response.status_code == 403, address
        assert b"Dana Shaw" not in response.content


def test_a_practice_representative_without_a_key_relationship_is_refused(client, world):
    client.force_login(world.representatives[0].user)
    assert client.get(url(world, "coverage")).status_code == 403


def test_another_collective_is_not_found(client, world, outsider):
    island_people(world)
    client.force_login(outsider.user)
    for address in (url(world, "coverage"), url(world, "warmth-and-sway")):
        assert client.get(address).status_code == 404


def test_an_owner_outside_the_leadership_group_sees_only_their_own_stakeholders(client, world):
    people = island_people(world)
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=people["olu"], owner=rep.user
    )
    text = page(client, rep, url(world, "coverage"))
    assert "You see the stakeholders of your own key relationships only" in text
    assert "Olu Ade" in text and "Dana Shaw" not in text and "Cath Kerr" not in text
    grid = page(client, rep, url(world, "warmth-and-sway"))
    assert "Olu Ade" in grid and "Dana Shaw" not in grid


def _n_stakeholders(world: World, n: int) -> None:
    for i in range(n):
        owner = [world.cd] if i % 3 == 0 else []
        stakeholder(
            world,
            [world.icb, world.community_trust, world.acute_trust, world.council][i % 4],
            f"Person {i}",
            f"Role {i}",
            warmth=1 + i % 5,
            sway=1 + (i * 2) % 5,
            before=(1 + (i + 1) % 5, 3),
            owners=owner,
        )


@pytest.mark.parametrize("name", ["coverage", "warmth-and-sway", "key-organisations"])
def test_the_pages_run_the_same_queries_for_few_and_many_stakeholders(client, world, name):
    client.force_login(world.convenor.user)
    _n_stakeholders(world, 4)
    few = page_queries(client, url(world, name))
    _n_stakeholders(world, 12)
    assert page_queries(client, url(world, name)) == few


def test_the_coverage_exports_as_csv_and_xlsx(client, world):
    island_people(world)
    client.force_login(world.cd.user)
    response = client.get(url(world, "coverage", "export") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Key organisation", "Kind", "Status"]
    trust = next(r for r in rows if r[0] == "Isle of Wight Community Services")
    assert trust[2] == "Gap"
    assert trust[5] == "Olu Ade, Director of Operations (warmth 3, sway 5)"
    assert trust[6] == "The Director of Operations may be worth more than the Chief Executive"
    response = client.get(url(world, "coverage", "export") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Coverage"]
    assert [c.value for c in sheet[1]][:3] == ["Key organisation", "Kind", "Status"]
    assert client.get(url(world, "coverage", "export") + "?format=pdf").status_code == 404


# The grid ---------------------------------------------------------------------------------


def test_the_grid_places_each_person_in_a_quadrant_with_their_movement(client, world):
    island_people(world)
    text = page(client, world.cd, url(world, "warmth-and-sway"))
    grid = table_rows(text, "grid")
    assert grid[0] == [
        "Sway, and warmth",
        "Not warm yet (warmth under 4)",
        "Warm (warmth 4 or more)",
    ]
    holds_sway, little_sway = grid[1], grid[2]
    assert holds_sway[0] == "Holds sway (sway 3 or more)"
    assert holds_sway[1].startswith("Win over (2)")
    assert (
        "Cath Kerr, Chief Executive (Isle of Wight Community Services): warmth 2, sway 3; "
        in holds_sway[1]
    )
    assert "cooler by 1 since 3 March" in holds_sway[1]
    assert holds_sway[2].startswith("Key allies (1)")
    # The arrows are a visual cue hidden from screen readers, which read the words.
    assert (
        "Dana Shaw, Director of Strategy (NHS Hampshire and Isle of Wight ICB): warmth 4, "
        "sway 4; warmth ↑1 warmer by 1 since 3 March"
    ) in holds_sway[2]
    assert '<span aria-hidden="true">warmth ↑1</span> warmer by 1 since 3 March' in text
    assert little_sway[1].startswith("Monitor (0)") and little_sway[2].startswith("Keep warm (0)")
    assert "Not assessed yet (1)" in text and "Nell Hart" in text
    people = cells(text, "people")
    assert people[1][:5] == [
        "Dana Shaw, Director of Strategy",
        "NHS Hampshire and Isle of Wight ICB",
        "4",
        "4",
        "Key allies",
    ]
    assert people[1][6] == "Clare Director"


def test_the_grid_searches_and_filters_by_organisation(client, world):
    island_people(world)
    text = page(client, world.cd, url(world, "warmth-and-sway") + "?q=operations")
    assert [r[0] for r in cells(text, "people")[1:]] == ["Olu Ade, Director of Operations"]
    text = page(client, world.cd, url(world, "warmth-and-sway") + f"?organisation={world.icb.pk}")
    assert [r[0] for r in cells(text, "people")[1:]] == ["Dana Shaw, Director of Strategy"]
    text = page(client, world.cd, url(world, "warmth-and-sway") + "?q=nobody+like+that")
    assert "Nobody matches that search." in text


def test_the_grid_pages_through_everyone(client, world):
    _n_stakeholders(world, 30)
    text = page(client, world.cd, url(world, "warmth-and-sway"))
    assert len(cells(text, "people")) == 26
    assert "30 people, showing 1 to 25" in text
    text = page(client, world.cd, url(world, "warmth-and-sway") + "?page=2")
    assert len(cells(text, "people")) == 6


def test_the_grid_says_what_to_do_with_no_stakeholders(client, world):
    text = page(client, world.cd, url(world, "warmth-and-sway"))
    assert "No stakeholders yet." in text


def test_the_grid_exports_what_the_search_found(client, world):
    island_people(world)
    client.force_login(world.cd.user)
    response = client.get(url(world, "warmth-and-sway", "export") + "?format=csv&q=strategy")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        [
            "Name",
            "Role",
            "Organisation",
            "Warmth",
            "Sway",
            "Assessed on",
            "Quadrant",
            "Movement since the assessment before",
            "Key relationship owners",
        ],
        [
            "Dana Shaw",
            "Director of Strategy",
            "NHS Hampshire and Isle of Wight ICB",
            "4",
            "4",
            "2025-05-20",
            "Key allies",
            "warmer by 1 since 3 March",
            "Clare Director",
        ],
    ]
    response = client.get(url(world, "warmth-and-sway", "export") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Warmth and sway"]
    assert sheet.max_row == 5


# Key organisations ------------------------------------------------------------------------


def test_the_convenor_chooses_and_orders_the_key_organisations(client, world):
    island_people(world)
    public_health = OrganisationFactory(
        name="Island Public Health", kind=OrganisationKind.PUBLIC_HEALTH
    )
    client.force_login(world.convenor.user)
    text = page(client, world.convenor, url(world, "key-organisations") + "?q=public+health")
    assert cells(text, "candidates")[1][:3] == [
        "Island Public Health",
        "Public health",
        public_health.ods_code,
    ]
    response = client.post(
        url(world, "key-organisations"), {"action": "add", "organisation": public_health.pk}
    )
    assert response.status_code == 302
    # The defaults shown are kept, in order, and the new one comes last.
    assert list(KeyOrganisation.objects.values_list("organisation__name", flat=True)) == [
        "NHS Hampshire and Isle of Wight ICB",
        "Isle of Wight Community Services",
        "Isle of Wight Council",
        "Island Public Health",
    ]
    client.post(url(world, "key-organisations"), {"action": "up", "organisation": public_health.pk})
    text = page(client, world.convenor, url(world, "key-organisations"))
    assert [r[0] for r in table_rows(text, "key-organisations")[1:]] == [
        "NHS Hampshire and Isle of Wight ICB",
        "Isle of Wight Community Services",
        "Island Public Health",
        "Isle of Wight Council",
    ]
    coverage = page(client, world.convenor, url(world, "coverage"))
    assert [r[0] for r in cells(coverage, "coverage")[1:]][2] == "Island Public Health"
    assert AuditEntry.objects.filter(action="system_key_organisations.set").count() == 2


def test_removing_a_key_organisation_asks_first(client, world):
    island_people(world)
    client.force_login(world.convenor.user)
    address = url(world, "key-organisations", str(world.council.pk), "remove")
    text = page(client, world.convenor, address)
    assert "Remove Isle of Wight Council from the key organisations?" in text
    assert not KeyOrganisation.objects.exists()
    assert client.post(address).status_code == 302
    assert list(KeyOrganisation.objects.values_list("organisation__name", flat=True)) == [
        "NHS Hampshire and Isle of Wight ICB",
        "Isle of Wight Community Services",
    ]


def test_an_organisation_that_is_not_a_key_one_cannot_be_removed(client, world, outsider):
    client.force_login(world.convenor.user)
    address = url(world, "key-organisations", str(world.acute_trust.pk), "remove")
    assert client.get(address).status_code == 404
    assert client.post(address).status_code == 404


def test_general_practice_is_not_a_system_organisation(client, world):
    client.force_login(world.convenor.user)
    practice = world.practices[0]
    response = client.post(
        url(world, "key-organisations"), {"action": "add", "organisation": practice.pk}, follow=True
    )
    assert "Practice A Surgery is part of general practice, not a system organisation." in (
        response.content.decode()
    )
    assert not KeyOrganisation.objects.exists()


def test_the_leadership_group_reads_the_key_organisations_but_only_a_convenor_changes_them(
    client, world
):
    island_people(world)
    text = page(client, world.cd, url(world, "key-organisations"))
    assert "Isle of Wight Council" in text and "Add a key organisation" not in text
    response = client.post(
        url(world, "key-organisations"), {"action": "add", "organisation": world.acute_trust.pk}
    )
    assert response.status_code == 403
    remove = url(world, "key-organisations", str(world.council.pk), "remove")
    assert client.get(remove).status_code == 403
    assert not KeyOrganisation.objects.exists()


def test_the_exports_write_names_a_spreadsheet_would_run_as_text(client, world):
    trust = OrganisationFactory(name='=HYPERLINK("https://evil.example","x")', kind="acute_trust")
    stakeholder(world, trust, "+SUM(1,2)", "@Role", warmth=4, sway=4, owners=[world.cd])
    client.force_login(world.cd.user)
    for name in ("coverage", "warmth-and-sway"):
        response = client.get(url(world, name, "export") + "?format=csv")
        text = response.content.decode("utf-8-sig")
        if name == "warmth-and-sway":  # the grid's cells start with the names
            assert "'+SUM(1,2)" in text and "'@Role" in text
        for row in csv.reader(io.StringIO(text)):
            assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
        response = client.get(url(world, name, "export") + "?format=xlsx")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        for row in book.active.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    coverage = client.get(url(world, "coverage", "export") + "?format=csv")
    assert "'=HYPERLINK" in coverage.content.decode("utf-8-sig")
