import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from decisions import services
from decisions.models import (
    Decision,
    DecisionIsImmutable,
    DecisionStatus,
    ItemStatus,
    Phase,
    Position,
    PositionRecord,
    TrackedItem,
)


def test_consensus_cannot_be_recorded_while_a_member_has_no_position(group):
    group.all_support(except_for=(4,))
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
        )
    assert "No position yet from: Island Federation." in error.value.messages


def test_consensus_cannot_be_recorded_while_an_objection_is_open(group):
    group.all_support(except_for=(1,))
    services.position_state(
        membership=group.reps[1],
        proposal=group.proposal,
        stance="object",
        reason="Our patients cannot travel.",
    )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
        )
    assert "Open objections from: South PCN." in error.value.messages


def test_consensus_cannot_be_recorded_with_too_many_stand_asides(group):
    group.all_support(except_for=(0, 1))
    for rep in group.reps[:2]:
        services.position_state(
            membership=rep, proposal=group.proposal, stance="stand_aside", reason="Not our service."
        )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
        )
    assert any("2 of 5 members stand aside" in m for m in error.value.messages)


def test_an_objection_is_resolved_by_amendment_only_when_its_author_accepts(group):
    north, south = group.reps[0], group.reps[1]
    group.all_support(except_for=(1,))
    services.position_state(
        membership=south,
        proposal=group.proposal,
        stance="object",
        reason="Our patients cannot travel.",
    )
    objection = TrackedItem.objects.get()
    version = services.proposal_amend(
        actor_membership=group.convenor,
        proposal=group.proposal,
        text="One service, with a clinic in each PCN.",
        addresses=[objection],
    )
    objection.refresh_from_db()
    assert objection.status == ItemStatus.ADDRESSED and objection.addressed_by == version
    with pytest.raises(PermissionDenied):
        services.item_accept_resolution(membership=north, item=objection)
    with pytest.raises(PermissionDenied):
        services.item_withdraw(membership=group.convenor, item=objection)
    services.item_accept_resolution(membership=south, item=objection)
    objection.refresh_from_db()
    assert objection.status == ItemStatus.RESOLVED
    # Positions on version 1 now need reconfirming on version 2.
    blockers = services.blockers_for(group.proposal)
    assert any("to reconfirm on version 2" in b for b in blockers)
    group.all_support()
    decision = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="One service."
    )
    assert decision.final_text == "One service, with a clinic in each PCN."
    group.proposal.refresh_from_db()
    assert group.proposal.phase == Phase.CONSENSUS


def test_nobody_states_another_organisations_position(group, member):
    with pytest.raises(PermissionDenied):
        services.position_state(membership=member, proposal=group.proposal, stance="support")
    with pytest.raises(PermissionDenied):
        services.position_state(
            membership=group.convenor, proposal=group.proposal, stance="support"
        )
    assert not Position.objects.exists()


def test_a_deputy_may_state_the_position_and_who_stated_it_is_recorded(group):
    deputy = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.DEPUTY,
        organisation=group.reps[0].organisation,
    )
    services.position_state(membership=group.reps[0], proposal=group.proposal, stance="support")
    services.position_state(
        membership=deputy,
        proposal=group.proposal,
        stance="stand_aside",
        reason="Leave it to the others.",
    )
    position = Position.objects.get()
    assert position.stance == "stand_aside" and position.stated_by == deputy.user
    assert list(PositionRecord.objects.values_list("stance", "stated_by")) == [
        ("support", group.reps[0].user.pk),
        ("stand_aside", deputy.user.pk),
    ]


def test_objections_and_stand_asides_need_a_reason(group):
    for stance in ("object", "stand_aside", "concerns"):
        with pytest.raises(ValidationError) as error:
            services.position_state(
                membership=group.reps[0], proposal=group.proposal, stance=stance, reason="  "
            )
        assert "reason" in error.value.message_dict


def test_a_recorded_decision_cannot_be_changed(group):
    group.all_support()
    decision = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
    )
    decision.summary = "Something else"
    with pytest.raises(DecisionIsImmutable):
        decision.save()
    assert Decision.objects.get().summary == "Agreed."


def test_revisiting_links_the_new_proposal_and_the_superseded_decision_both_ways(group):
    group.all_support()
    old = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
    )
    again = services.decision_revisit(
        membership=group.reps[2], decision=old, why="Waiting times went up."
    )
    old.refresh_from_db()
    assert again.revisits == old and old.status == DecisionStatus.UNDER_REVIEW
    services.proposal_move(actor_membership=group.convenor, proposal=again, phase=Phase.CONSENT)
    group.proposal = again
    group.all_support()
    new = services.decision_record(
        actor_membership=group.convenor, proposal=again, summary="Two services."
    )
    old.refresh_from_db()
    assert old.status == DecisionStatus.SUPERSEDED and old.superseded_by == new
    assert list(new.supersedes.all()) == [old] and new.proposal.revisits == old


def test_only_leadership_members_ask_to_revisit(group, member):
    group.all_support()
    decision = services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
    )
    with pytest.raises(PermissionDenied):
        services.decision_revisit(membership=member, decision=decision, why="I disagree.")


def test_positions_and_the_record_are_audited(group):
    group.all_support()
    services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="Agreed."
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("position.stated") == 5
    assert actions[-1] == "decision.recorded"


def test_a_concern_can_be_parked_but_an_objection_cannot(group):
    services.position_state(
        membership=group.reps[0],
        proposal=group.proposal,
        stance="concerns",
        reason="Cost in year two.",
    )
    services.position_state(
        membership=group.reps[1], proposal=group.proposal, stance="object", reason="Travel."
    )
    concern, objection = TrackedItem.objects.order_by("id")
    services.item_park(actor_membership=group.convenor, item=concern)
    with pytest.raises(ValidationError, match="Only a concern can be parked"):
        services.item_park(actor_membership=group.convenor, item=objection)


def test_changing_from_object_to_support_withdraws_the_objection(group):
    services.position_state(
        membership=group.reps[1], proposal=group.proposal, stance="object", reason="Travel."
    )
    services.position_state(membership=group.reps[1], proposal=group.proposal, stance="support")
    assert TrackedItem.objects.get().status == ItemStatus.WITHDRAWN
