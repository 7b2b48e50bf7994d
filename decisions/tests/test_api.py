"""The decisions API: the same rules as the pages, within the caller's collective only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.testing import MembershipFactory
from collectives.models import Role
from decisions import services
from decisions.models import Decision, ItemStatus, Position, TrackedItem


def _url(group, name, *extra):
    return reverse(f"api:{name}", args=[group.convenor.collective.slug, *extra])


def _object(group, rep_index=1, reason="Our patients cannot travel."):
    services.position_state(
        membership=group.reps[rep_index], proposal=group.proposal, stance="object", reason=reason
    )
    return TrackedItem.objects.get(organisation=group.reps[rep_index].organisation)


def test_members_list_the_collectives_proposals_with_their_current_version(client, group):
    client.force_login(group.reps[0].user)
    response = client.get(_url(group, "proposals"))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": group.proposal.pk,
            "title": "One phlebotomy service for the island",
            "phase": "consent",
            "current_version": 1,
            "closes_on": None,
        }
    ]


def test_the_detail_shows_versions_positions_items_and_blockers(client, group):
    north = group.reps[0]
    services.position_state(membership=north, proposal=group.proposal, stance="support")
    objection = _object(group)
    services.proposal_amend(
        actor_membership=group.convenor,
        proposal=group.proposal,
        text="One service, with a clinic in each PCN.",
        addresses=[objection],
    )
    client.force_login(north.user)
    body = client.get(_url(group, "proposal", group.proposal.pk)).json()
    assert body["current_version"] == 2
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["versions"][1]["text"] == "One service, with a clinic in each PCN."
    assert set(body["versions"][0]) == {
        "number",
        "problem",
        "text",
        "why",
        "changes_for_practices",
        "created_at",
    }
    north_position = next(p for p in body["positions"] if p["organisation"]["name"] == "North PCN")
    assert north_position["organisation"]["id"] == north.organisation_id
    assert north_position["stance"] == "support"
    assert north_position["version"] == 1 and north_position["stale"] is True
    assert body["items"] == [
        {
            "id": objection.pk,
            "kind": "objection",
            "status": "addressed",
            "organisation": {"id": group.reps[1].organisation_id, "name": "South PCN"},
            "text": "Our patients cannot travel.",
            "raised_on": 1,
            "addressed_by": 2,
        }
    ]
    assert body["blockers"] == services.blockers_for(group.proposal)
    assert any("to reconfirm on version 2" in b for b in body["blockers"])


def test_a_representative_states_their_organisations_position(client, group):
    client.force_login(group.reps[0].user)
    response = client.post(
        _url(group, "proposal_positions", group.proposal.pk),
        {"stance": "concerns", "reason": "Parking at the hub."},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["organisation"] == {"id": group.reps[0].organisation_id, "name": "North PCN"}
    assert body["stance"] == "concerns" and body["reason"] == "Parking at the hub."
    assert body["version"] == 1 and body["stale"] is False
    assert Position.objects.get().stated_by == group.reps[0].user
    listed = client.get(_url(group, "proposal_positions", group.proposal.pk)).json()
    assert [p["stance"] for p in listed] == ["concerns"]


def test_a_position_without_the_reason_it_needs_is_a_400_naming_the_field(client, group):
    client.force_login(group.reps[0].user)
    response = client.post(
        _url(group, "proposal_positions", group.proposal.pk),
        {"stance": "object"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "reason": ["An objection needs a reason: what would have to change?"]
    }


def test_an_observer_cannot_state_a_position(client, group):
    observer = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.OBSERVER,
        organisation=group.reps[0].organisation,
    )
    client.force_login(observer.user)
    response = client.post(
        _url(group, "proposal_positions", group.proposal.pk),
        {"stance": "support"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "representative or deputy" in response.json()["detail"]
    assert not Position.objects.exists()


def test_items_are_listed_and_withdrawn_by_the_organisation_that_raised_them(client, group):
    objection = _object(group)
    client.force_login(group.reps[1].user)
    listed = client.get(_url(group, "proposal_items", group.proposal.pk)).json()
    assert [(i["id"], i["status"]) for i in listed] == [(objection.pk, "open")]
    response = client.post(_url(group, "proposal_item_withdraw", group.proposal.pk, objection.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    objection.refresh_from_db()
    assert objection.status == ItemStatus.WITHDRAWN


def test_another_organisations_item_cannot_be_withdrawn(client, group):
    objection = _object(group)
    client.force_login(group.reps[0].user)
    response = client.post(_url(group, "proposal_item_withdraw", group.proposal.pk, objection.pk))
    assert response.status_code == 403
    assert "organisation that raised it" in response.json()["detail"]
    objection.refresh_from_db()
    assert objection.status == ItemStatus.OPEN


def test_the_objecting_organisation_accepts_an_amendment(client, group):
    objection = _object(group)
    client.force_login(group.reps[1].user)
    early = client.post(_url(group, "proposal_item_accept", group.proposal.pk, objection.pk))
    assert early.status_code == 400
    assert early.json() == {
        "non_field_errors": ["No amendment is waiting for your answer on this item."]
    }
    services.proposal_amend(
        actor_membership=group.convenor,
        proposal=group.proposal,
        text="One service, with a clinic in each PCN.",
        addresses=[objection],
    )
    response = client.post(_url(group, "proposal_item_accept", group.proposal.pk, objection.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "resolved" and response.json()["addressed_by"] == 2


def test_recording_a_decision_while_blocked_lists_what_is_missing(client, group):
    group.all_support(except_for=(3, 4))
    client.force_login(group.convenor.user)
    response = client.post(
        _url(group, "proposal_decision", group.proposal.pk),
        {"summary": "One service."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Consensus cannot be recorded yet.",
            "No position yet from: Island Federation, Island LMC.",
        ]
    }
    assert not Decision.objects.exists()


def test_only_the_facilitator_or_a_convenor_records_the_decision(client, group):
    group.all_support()
    client.force_login(group.reps[0].user)
    response = client.post(
        _url(group, "proposal_decision", group.proposal.pk),
        {"summary": "One service."},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_facilitator_records_a_decision_and_it_appears_in_the_log(client, group):
    group.all_support(except_for=(0,))
    services.position_state(
        membership=group.reps[0],
        proposal=group.proposal,
        stance="stand_aside",
        reason="Not our service.",
    )
    client.force_login(group.convenor.user)
    response = client.post(
        _url(group, "proposal_decision", group.proposal.pk),
        {"summary": "One service.", "review_on": "2030-01-31"},
        content_type="application/json",
    )
    assert response.status_code == 201
    decision = Decision.objects.get()
    body = response.json()
    assert body["id"] == decision.pk and body["proposal"] == group.proposal.pk
    assert body["status"] == "in_force" and body["review_on"] == "2030-01-31"
    assert body["final_text"] == (
        "The federation runs one bookable phlebotomy service for all practices."
    )
    assert body["stand_asides"] == [{"organisation": "North PCN", "reason": "Not our service."}]
    assert body["concerns_carried"] == [] and body["supersedes"] == []

    listed = client.get(_url(group, "decisions")).json()
    assert listed == [
        {
            "id": decision.pk,
            "title": "One phlebotomy service for the island",
            "status": "in_force",
            "recorded_at": body["recorded_at"],
            "review_on": "2030-01-31",
            "superseded_by": None,
        }
    ]
    detail = client.get(_url(group, "decision", decision.pk)).json()
    assert detail == body


def test_a_superseding_decision_names_the_one_it_replaced(client, group):
    group.all_support()
    first = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="One service."
    )
    revisit = services.decision_revisit(
        membership=group.reps[0], decision=first, why="Patients cannot reach the hub."
    )
    services.proposal_move(actor_membership=group.convenor, proposal=revisit, phase="consent")
    group.proposal = revisit
    group.all_support()
    second = services.decision_record(
        actor_membership=group.convenor, proposal=revisit, summary="Two hubs."
    )
    client.force_login(group.reps[2].user)
    assert client.get(_url(group, "decision", second.pk)).json()["supersedes"] == [first.pk]
    old = client.get(_url(group, "decision", first.pk)).json()
    assert old["status"] == "superseded" and old["superseded_by"] == second.pk


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("proposals", "get", ()),
        ("proposal", "get", ("proposal",)),
        ("proposal_positions", "post", ("proposal",)),
        ("proposal_items", "get", ("proposal",)),
        ("proposal_item_withdraw", "post", ("proposal", "item")),
        ("proposal_decision", "post", ("proposal",)),
        ("decisions", "get", ()),
    ],
)
def test_an_outsider_finds_nothing(client, group, outsider, name, method, extra):
    item = _object(group)
    ids = {"proposal": group.proposal.pk, "item": item.pk}
    client.force_login(outsider.user)
    response = getattr(client, method)(
        _url(group, name, *(ids[e] for e in extra)),
        {"stance": "support", "summary": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_proposal_of_another_collective_is_not_found_through_ones_own(client, group, outsider):
    client.force_login(outsider.user)
    own = reverse("api:proposal", args=[outsider.collective.slug, group.proposal.pk])
    assert client.get(own).status_code == 404
    other_items = reverse(
        "api:proposal_item_withdraw",
        args=[group.convenor.collective.slug, group.proposal.pk, 999999],
    )
    client.force_login(group.reps[0].user)
    assert client.post(other_items).status_code == 404


def test_anonymous_callers_are_refused(client, group):
    assert client.get(_url(group, "proposals")).status_code == 401


def test_an_outsider_cannot_read_a_recorded_decision(client, group, outsider):
    group.all_support()
    decision = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="One service."
    )
    client.force_login(outsider.user)
    assert client.get(_url(group, "decision", decision.pk)).status_code == 404
    own = reverse("api:decision", args=[outsider.collective.slug, decision.pk])
    assert client.get(own).status_code == 404
