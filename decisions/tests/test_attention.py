"""'What needs your attention' for consensus decisions: positions to state, amendments to
answer; in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.testing import MembershipFactory
from collectives.models import Membership, Role
from decisions import services
from decisions.attention import proposals_needing_you
from decisions.models import Phase, TrackedItem


def _titles(membership):
    return [item.title for item in proposals_needing_you(membership)]


def _fresh(membership):
    """As a request would have it: the membership with its collective, nothing cached."""
    return Membership.objects.select_related("collective").get(pk=membership.pk)


def test_a_position_to_state_appears_until_the_organisation_states_it(group):
    north = group.reps[0]
    assert _titles(north) == ["State your position: One phlebotomy service for the island"]
    item = proposals_needing_you(north)[0]
    assert item.href == f"/c/{group.convenor.collective.slug}/proposals/{group.proposal.pk}/"
    services.position_state(membership=north, proposal=group.proposal, stance="support")
    assert _titles(north) == []
    assert _titles(group.reps[1]) == ["State your position: One phlebotomy service for the island"]


def test_a_deputy_sees_what_their_organisation_has_to_do(group):
    deputy = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.DEPUTY,
        organisation=group.reps[0].organisation,
    )
    assert len(_titles(deputy)) == 1
    services.position_state(membership=group.reps[0], proposal=group.proposal, stance="support")
    assert _titles(deputy) == []


def test_an_amendment_asks_every_organisation_to_reconfirm(group):
    group.all_support()
    assert _titles(group.reps[0]) == []
    services.proposal_amend(
        actor_membership=group.convenor, proposal=group.proposal, text="One service, two hubs."
    )
    (item,) = proposals_needing_you(group.reps[0])
    assert item.title == "State your position: One phlebotomy service for the island"
    assert "version 1" in item.description and "version 2" in item.description


def test_an_amendment_answering_an_objection_waits_for_the_objector(group):
    south = group.reps[1]
    services.position_state(
        membership=south, proposal=group.proposal, stance="object", reason="Too far to travel."
    )
    objection = TrackedItem.objects.get()
    assert _titles(south) == []
    services.proposal_amend(
        actor_membership=group.convenor,
        proposal=group.proposal,
        text="One service, with a clinic in each PCN.",
        addresses=[objection],
    )
    assert _titles(south) == [
        "State your position: One phlebotomy service for the island",
        "An amendment answers your objection: One phlebotomy service for the island",
    ]
    assert "Version 2 addresses" in proposals_needing_you(south)[1].description
    assert "An amendment answers your objection" not in " ".join(_titles(group.reps[0]))
    services.item_accept_resolution(membership=south, item=objection)
    services.position_state(membership=south, proposal=group.proposal, stance="support")
    assert _titles(south) == []


def test_people_who_do_not_speak_for_a_leadership_organisation_see_nothing(group, member):
    assert proposals_needing_you(group.convenor) == []
    assert proposals_needing_you(member) == []
    observer = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.OBSERVER,
        organisation=group.reps[0].organisation,
    )
    assert proposals_needing_you(observer) == []
    not_leadership = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.REPRESENTATIVE,
        organisation=member.organisation,
    )
    assert proposals_needing_you(not_leadership) == []


def test_only_proposals_in_the_consent_round_ask_for_a_position(group):
    draft = services.proposal_create(
        actor_membership=group.convenor, title="Shared rota", problem="Gaps.", text="A rota."
    )
    assert draft.phase == Phase.DRAFT
    assert _titles(group.reps[0]) == ["State your position: One phlebotomy service for the island"]


def _add_proposals(group, count):
    for n in range(count):
        proposal = services.proposal_create(
            actor_membership=group.convenor, title=f"Proposal {n}", problem="P.", text="T."
        )
        services.proposal_move(
            actor_membership=group.convenor, proposal=proposal, phase=Phase.CONSENT
        )
        services.position_state(
            membership=group.reps[0], proposal=proposal, stance="object", reason="No."
        )
        objection = TrackedItem.objects.get(proposal=proposal)
        services.proposal_amend(
            actor_membership=group.convenor,
            proposal=proposal,
            text="T, amended.",
            addresses=[objection],
        )


def _queries(membership):
    membership = _fresh(membership)
    with CaptureQueriesContext(connection) as queries:
        items = proposals_needing_you(membership)
    return len(queries), items


@pytest.mark.parametrize("rep_index", [0, 1])
def test_the_query_count_does_not_grow_with_the_number_of_proposals(group, rep_index):
    _add_proposals(group, 1)
    few, items = _queries(group.reps[rep_index])
    assert len(items) == (3 if rep_index == 0 else 2)
    _add_proposals(group, 4)
    many, items = _queries(group.reps[rep_index])
    assert len(items) == (11 if rep_index == 0 else 6)
    assert many == few <= 2
