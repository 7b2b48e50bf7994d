"""The coverage API: key organisations, coverage and the grid, under the pages' rules (the
leadership group; owners their own stakeholders; a convenor sets the key organisations),
within the caller's collective only, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.testing import OrganisationFactory
from system.models import KeyOrganisation, KeyRelationship
from system.tests.test_coverage_pages import _n_stakeholders, island_people

JSON = "application/json"


def api(world, name, *args):
    return reverse(f"api:{name}", args=[world.collective.slug, *args])


def as_(client, membership):
    client.force_login(membership.user)
    return client


def test_coverage_says_which_key_organisations_are_gaps_and_who_could_fill_them(client, world):
    people = island_people(world)
    data = as_(client, world.cd).get(api(world, "system_coverage")).json()
    assert (data["is_default"], data["everyone"], data["covered"], data["gaps"]) == (
        True,
        True,
        1,
        4,
    )
    icb, trust, acute = data["organisations"][:3]
    assert icb["status"] == "covered"
    assert icb["covered_by"][0]["name"] == "Dana Shaw"
    assert icb["covered_by"][0]["owners"] == ["Clare Director"]
    assert icb["covered_by"][0]["current"] == {"warmth": 4, "sway": 4, "assessed_on": "2025-05-20"}
    assert trust["status"] == "gap"
    assert trust["organisation"] == {
        "id": world.community_trust.pk,
        "name": world.community_trust.name,
    }
    assert trust["not_covering"][0]["why"] == "not warm yet (warmth 2)"
    assert trust["suggestions"] == [
        {
            "person": {
                "stakeholder": people["olu"].pk,
                "name": "Olu Ade",
                "role": "Director of Operations",
                "organisation": world.community_trust.pk,
                "current": {"warmth": 3, "sway": 5, "assessed_on": "2025-05-20"},
                "owners": [],
            },
            "reason": "Holds sway but is not warm yet: worth winning over.",
            "worth_more": "The Director of Operations may be worth more than the Chief Executive",
        }
    ]
    assert acute == {
        "kind": "acute_trust",
        "organisation": None,
        "status": "unknown",
        "message": "No acute trust known yet: add a stakeholder there.",
        "covered_by": [],
        "not_covering": [],
        "suggestions": [],
    }


def test_the_grid_lists_each_person_with_their_quadrant_and_movement(client, world):
    people = island_people(world)
    client = as_(client, world.cd)
    data = client.get(api(world, "system_grid")).json()
    assert data["count"] == 4
    first = data["results"][0]
    assert first == {
        "stakeholder": people["dana"].pk,
        "name": "Dana Shaw",
        "role": "Director of Strategy",
        "organisation": {"id": world.icb.pk, "name": world.icb.name},
        "current": {"warmth": 4, "sway": 4, "assessed_on": "2025-05-20"},
        "quadrant": "key_allies",
        "movement": {"warmth": 1, "sway": 0, "since": "2025-03-03"},
        "movement_words": "warmer by 1 since 3 March",
        "owners": ["Clare Director"],
    }
    assert [r["quadrant"] for r in data["results"]] == ["key_allies", "win_over", "win_over", ""]
    found = client.get(api(world, "system_grid") + "?quadrant=win_over").json()["results"]
    assert [r["name"] for r in found] == ["Olu Ade", "Cath Kerr"]
    found = client.get(api(world, "system_grid") + "?quadrant=unassessed").json()["results"]
    assert [r["name"] for r in found] == ["Nell Hart"]
    found = client.get(api(world, "system_grid") + "?q=strategy").json()["results"]
    assert [r["name"] for r in found] == ["Dana Shaw"]
    found = client.get(api(world, "system_grid") + f"?organisation={world.council.pk}").json()
    assert [r["name"] for r in found["results"]] == ["Nell Hart"]
    assert client.get(api(world, "system_grid") + "?quadrant=hot").status_code == 400


def test_the_convenor_sets_the_key_organisations_and_an_empty_list_restores_the_defaults(
    client, world
):
    island_people(world)
    public_health = OrganisationFactory(name="Island Public Health", kind="public_health")
    client = as_(client, world.convenor)
    response = client.put(
        api(world, "system_key_organisations"),
        {"organisations": [public_health.pk, world.icb.pk]},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "is_default": False,
        "organisations": [
            {
                "position": 1,
                "kind": "public_health",
                "organisation": {"id": public_health.pk, "name": "Island Public Health"},
            },
            {
                "position": 2,
                "kind": "icb",
                "organisation": {"id": world.icb.pk, "name": world.icb.name},
            },
        ],
    }
    coverage = client.get(api(world, "system_coverage")).json()
    assert [o["organisation"]["name"] for o in coverage["organisations"]] == [
        "Island Public Health",
        world.icb.name,
    ]
    response = client.put(
        api(world, "system_key_organisations"), {"organisations": []}, content_type=JSON
    )
    assert response.json()["is_default"] is True
    assert not KeyOrganisation.objects.exists()


def test_bad_key_organisations_are_refused_naming_the_field(client, world):
    client = as_(client, world.convenor)
    for body, message in (
        ({"organisations": [world.icb.pk, world.icb.pk]}, "twice"),
        ({"organisations": [world.practices[0].pk]}, "part of general practice"),
        ({"organisations": [999_999_999]}, "No organisation in the directory has id 999999999."),
        ({"organisations": "icb"}, ""),
    ):
        response = client.put(api(world, "system_key_organisations"), body, content_type=JSON)
        assert response.status_code == 400, body
        assert message in str(response.json()["organisations"])
    assert not KeyOrganisation.objects.exists()


def test_only_a_convenor_sets_them_and_the_leadership_group_reads_them(client, world):
    island_people(world)
    assert as_(client, world.cd).get(api(world, "system_key_organisations")).status_code == 200
    response = as_(client, world.cd).put(
        api(world, "system_key_organisations"), {"organisations": [world.icb.pk]}, content_type=JSON
    )
    assert response.status_code == 403
    assert not KeyOrganisation.objects.exists()


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_members_observers_and_guests_are_refused(client, world, who):
    island_people(world)
    client = as_(client, getattr(world, who))
    for name in ("system_coverage", "system_grid", "system_key_organisations"):
        response = client.get(api(world, name))
        assert response.status_code == 403, name
        assert "Dana" not in response.content.decode()


def test_another_collective_is_not_found_and_anonymous_callers_must_sign_in(
    client, world, outsider
):
    island_people(world)
    for name in ("system_coverage", "system_grid", "system_key_organisations"):
        assert client.get(api(world, name)).status_code == 401
        assert as_(client, outsider).get(api(world, name)).status_code == 404
        client.logout()


def test_an_owner_outside_the_leadership_group_gets_their_own_stakeholders(client, world):
    people = island_people(world)
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=people["nell"], owner=rep.user
    )
    client = as_(client, rep)
    names = [r["name"] for r in client.get(api(world, "system_grid")).json()["results"]]
    assert names == ["Nell Hart"]
    coverage = client.get(api(world, "system_coverage")).json()
    assert coverage["everyone"] is False
    assert "Dana" not in str(coverage)
    assert client.get(api(world, "system_key_organisations")).status_code == 403


@pytest.mark.parametrize("name", ["system_coverage", "system_grid", "system_key_organisations"])
def test_the_endpoints_run_the_same_queries_for_few_and_many(client, world, name):
    client = as_(client, world.convenor)

    def count() -> int:
        client.get(api(world, name))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(api(world, name)).status_code == 200
        return len(captured)

    _n_stakeholders(world, 4)
    few = count()
    _n_stakeholders(world, 12)
    assert count() == few
