"""The who-does-what API: the same rules as the pages (every member but a guest reads, only a
convenor changes), within the caller's collective only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import api_token_mint
from alliance.testing import MembershipFactory
from collectives.models import Role
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


JSON = "application/json"


def api(island, name, *args):
    return reverse(f"api:{name}", args=[island.collective.slug, *args])


def as_(client, membership):
    client.force_login(membership.user)
    return client


def test_a_member_reads_the_matrix_with_its_conflicts(client, island):
    estates_set_by_hand(island)
    data = as_(client, island.member).get(api(island, "shared_matrix")).json()
    assert data["agreed"] is False
    assert [b["name"] for b in data["bodies"]][:2] == ["Island Federation", "PCN 1"]
    assert data["bodies"][0] == {
        "key": f"org:{island.federation.pk}",
        "name": "Island Federation",
        "kind": "GP federation",
        "organisation": island.federation.pk,
    }
    estates = next(r for r in data["rows"] if r["function"]["name"] == "Estates")
    assert estates["cells"][0] == {
        "body": f"org:{island.federation.pk}",
        "roles": "R",
        "words": "Responsible",
    }
    assert estates["conflicts"] == []
    kinds = {(c["function"], c["kind"]) for c in data["conflicts"]}
    assert ("Staff bank", "no_accountable") in kinds and ("Staff bank", "no_responsible") in kinds


def test_a_guest_is_refused_and_another_collective_is_not_found(client, island, outsider):
    assert as_(client, island.guest).get(api(island, "shared_matrix")).status_code == 403
    assert as_(client, outsider).get(api(island, "shared_matrix")).status_code == 404


def test_the_convenor_sets_the_first_version_and_the_conflicts_follow(client, island):
    services.matrix_functions_ensure(actor_membership=island.convenor)
    fed, pcn = f"org:{island.federation.pk}", f"org:{island.pcns[0].pk}"
    response = as_(client, island.convenor).put(
        api(island, "shared_matrix"),
        {
            "cells": [
                {"function": "Estates", "body": fed, "roles": "ra"},
                {"function": "Estates", "body": pcn, "roles": "A"},
            ]
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    [conflict] = [c for c in response.json()["conflicts"] if c["function"] == "Estates"]
    assert conflict["kind"] == "many_accountable"
    assert conflict["bodies"] == [fed, pcn]


def test_a_non_convenor_cannot_change_anything(client, island):
    estates_set_by_hand(island)
    change = estates_change(island)
    estates = Function.objects.get(name="Estates")
    as_(client, island.reps[0])
    cells = [{"function": "Estates", "body": "practices", "roles": "R"}]
    refused = [
        client.put(api(island, "shared_matrix"), {"cells": cells}, content_type=JSON),
        client.post(api(island, "shared_functions"), {"name": "Visiting"}, content_type=JSON),
        client.patch(api(island, "shared_function", estates.pk), {"name": "x"}, content_type=JSON),
        client.delete(api(island, "shared_function", estates.pk)),
        client.post(
            api(island, "shared_changes"), {"summary": "x", "cells": cells}, content_type=JSON
        ),
        client.patch(api(island, "shared_change", change.pk), {"summary": "x"}, content_type=JSON),
        client.delete(api(island, "shared_change", change.pk)),
        client.post(api(island, "shared_change_propose", change.pk), {}, content_type=JSON),
        client.post(api(island, "shared_change_apply", change.pk), {}, content_type=JSON),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    change.refresh_from_db()
    assert change.summary == "The federation answers for estates"
    assert cells_of(estates)[f"org:{island.federation.pk}"] == "R"


def test_functions_are_listed_searched_added_renamed_and_removed(client, island):
    as_(client, island.convenor)
    listed = client.get(api(island, "shared_functions")).json()
    assert listed["count"] == 12
    assert [
        f["name"] for f in client.get(api(island, "shared_functions") + "?q=bank").json()["results"]
    ] == ["Staff bank"]
    made = client.post(api(island, "shared_functions"), {"name": "Visiting"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["position"] == 13
    pk = made.json()["id"]
    renamed = client.patch(
        api(island, "shared_function", pk), {"name": "Home visiting"}, content_type=JSON
    )
    assert renamed.json()["name"] == "Home visiting"
    duplicate = client.patch(
        api(island, "shared_function", pk), {"name": "estates"}, content_type=JSON
    )
    assert duplicate.status_code == 400
    assert duplicate.json() == {"name": ["There is already a function called “estates”."]}
    assert client.delete(api(island, "shared_function", pk)).status_code == 204
    assert client.get(api(island, "shared_function", pk)).status_code == 404


def test_a_change_is_drafted_proposed_decided_and_applied_through_the_api(client, island):
    estates_set_by_hand(island)
    estates = Function.objects.get(name="Estates")
    fed, pcn = f"org:{island.federation.pk}", f"org:{island.pcns[0].pk}"
    as_(client, island.convenor)
    made = client.post(
        api(island, "shared_changes"),
        {"summary": "The federation answers for estates", "functions": [estates.pk]},
        content_type=JSON,
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["differences"] == []
    edited = client.patch(
        api(island, "shared_change", pk),
        {
            "cells": [
                {"function": "Estates", "body": fed, "roles": "RA"},
                {"function": "Estates", "body": pcn, "roles": "C"},
            ]
        },
        content_type=JSON,
    )
    assert edited.status_code == 200, edited.json()
    assert {(d["body_name"], d["before"], d["after"]) for d in edited.json()["differences"]} == {
        ("Island Federation", "R", "RA"),
        ("PCN 1", "A", "C"),
        ("The practices", "I", ""),
    }
    proposed = client.post(api(island, "shared_change_propose", pk), {}, content_type=JSON)
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["status"] == "proposed"
    assert proposed.json()["proposal"]["phase"] == "draft"
    early = client.post(api(island, "shared_change_apply", pk), {}, content_type=JSON)
    assert early.status_code == 400
    assert "has no recorded decision yet" in early.json()["non_field_errors"][0]

    change = MatrixChange.objects.get(pk=pk)
    decision = island.decide(change.proposal)
    applied = client.post(
        api(island, "shared_change_apply", pk), {"confirm_hard": True}, content_type=JSON
    )
    assert applied.status_code == 200, applied.json()
    assert applied.json()["status"] == "applied"
    assert applied.json()["decision"] == {"id": decision.pk, "title": decision.title}
    briefing = Briefing.objects.get(decision=decision)
    assert Thread.objects.filter(briefing=briefing).count() == len(island.practices)
    assert client.get(api(island, "shared_matrix")).json()["agreed"] is True
    listed = client.get(api(island, "shared_changes")).json()["results"]
    assert [(c["id"], c["status"]) for c in listed] == [(pk, "applied")]


def test_a_withdrawn_change_is_no_longer_found(client, island):
    estates_set_by_hand(island)
    change = estates_change(island)
    as_(client, island.convenor)
    assert client.delete(api(island, "shared_change", change.pk)).status_code == 204
    assert client.get(api(island, "shared_change", change.pk)).status_code == 404
    assert client.get(api(island, "shared_changes")).json()["results"] == []
    withdrawn = client.get(api(island, "shared_changes") + "?status=withdrawn").json()["results"]
    assert [c["status"] for c in withdrawn] == [MatrixChangeStatus.WITHDRAWN]


@pytest.mark.parametrize(
    "cells",
    [
        [{"function": 12, "body": "practices", "roles": "R"}],
        [{"function": "Estates", "body": "everyone", "roles": "R"}],
        [{"function": "Estates", "body": "practices", "roles": "RX"}],
        [],
    ],
)
def test_badly_formed_cells_are_refused_naming_the_field(client, island, cells):
    estates_set_by_hand(island)
    response = as_(client, island.convenor).put(
        api(island, "shared_matrix"), {"cells": cells}, content_type=JSON
    )
    assert response.status_code == 400
    assert "cells" in response.json()


def test_a_token_holder_has_the_same_rights_as_the_person(client, island):
    observer_token = api_token_mint(user=island.observer.user, name="t").key
    headers = {"HTTP_AUTHORIZATION": f"Token {observer_token}"}
    assert client.get(api(island, "shared_matrix"), **headers).status_code == 200
    refused = client.post(
        api(island, "shared_functions"), {"name": "Visiting"}, content_type=JSON, **headers
    )
    assert refused.status_code == 403
    deputy = MembershipFactory(
        collective=island.collective, role=Role.DEPUTY, organisation=island.federation
    )
    token = api_token_mint(user=deputy.user, name="t").key
    response = client.get(api(island, "shared_changes"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
