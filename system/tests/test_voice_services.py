"""The provider voice's rules: who raises and supports a need, what the leadership group
decides, mandates and their negotiation, and where the outcome goes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.testing import MembershipFactory, audited
from audit.models import AuditEntry
from collectives.models import Role
from golden_thread.models import Briefing, Thread
from notifications.models import Notification
from system import services_voice as services
from system.models import Mandate, Need, NeedStatus, NeedSupport, NegotiationEvent

from .test_voice_fixtures import NOW, SECRET, make_mandate, raise_need, support


def test_it_lets_a_practice_representative_raise_a_need_and_audits_it(world):
    need = raise_need(world)
    assert need.practice == world.practices[0]
    assert need.status == NeedStatus.RAISED and need.raised_at == NOW
    assert audited("need.raised") == [(world.representatives[0].user_id, world.collective.pk)]


def test_only_a_member_practices_representative_or_deputy_raises_a_need(world):
    deputy = MembershipFactory(
        collective=world.collective, role=Role.DEPUTY, organisation=world.practices[2]
    )
    assert (
        services.need_raise(actor_membership=deputy, title="Hospital letters").practice
        == (world.practices[2])
    )
    # A member of staff, an observer, a guest, a convenor and a PCN's Clinical Director
    # (who speaks for a PCN, not a practice) cannot.
    for someone in (world.member, world.observer, world.guest, world.convenor, world.cd):
        with pytest.raises(PermissionDenied):
            services.need_raise(actor_membership=someone, title="Hospital letters")
    assert Need.objects.count() == 1


def test_a_need_needs_a_title_of_a_line(world):
    with pytest.raises(ValidationError) as error:
        services.need_raise(actor_membership=world.representatives[0], title="  ")
    assert error.value.message_dict == {"title": ["Say what the need is, in a line."]}
    with pytest.raises(ValidationError) as error:
        services.need_raise(actor_membership=world.representatives[0], title="x" * 201)
    assert "title" in error.value.message_dict


def test_other_practices_support_a_need_once_each_with_evidence_but_not_their_own(world):
    need = raise_need(world)
    support(world, need, 1, 2)
    assert sorted(s.practice.name for s in need.supports.all()) == [
        "Practice B Surgery",
        "Practice C Surgery",
    ]
    with pytest.raises(ValidationError, match="already supports"):
        support(world, need, 1)
    with pytest.raises(PermissionDenied, match="cannot support its own"):
        support(world, need, 0)
    with pytest.raises(ValidationError) as error:
        services.need_support(actor_membership=world.representatives[3], need=need, evidence=" ")
    assert error.value.message_dict == {
        "evidence": ["Give one line of evidence: what your practice sees."]
    }
    for someone in (world.member, world.observer, world.guest):
        with pytest.raises(PermissionDenied):
            services.need_support(actor_membership=someone, need=need, evidence="We see it.")
    assert NeedSupport.objects.count() == 2
    assert len(audited("need_support.added")) == 2


def test_a_practice_withdraws_its_support(world):
    need = raise_need(world)
    support(world, need, 1)
    services.need_support_withdraw(actor_membership=world.representatives[1], need=need)
    assert not need.supports.exists()
    assert len(audited("need_support.withdrawn")) == 1
    with pytest.raises(ValidationError, match="does not support"):
        services.need_support_withdraw(actor_membership=world.representatives[1], need=need)
    support(world, need, 1)  # and may support it again
    assert need.supports.count() == 1


def test_only_the_leadership_group_prioritises_and_it_says_why(world):
    need = raise_need(world)
    for someone in (world.representatives[0], world.member, world.observer, world.guest):
        with pytest.raises(PermissionDenied):
            services.need_prioritise(
                actor_membership=someone, need=need, decision="prioritised", reason="x", priority=1
            )
    with pytest.raises(ValidationError) as error:
        services.need_prioritise(
            actor_membership=world.cd, need=need, decision="prioritised", reason="", priority=1
        )
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as error:
        services.need_prioritise(
            actor_membership=world.cd, need=need, decision="prioritised", reason="Most asked"
        )
    assert list(error.value.message_dict) == ["priority"]
    services.need_prioritise(
        actor_membership=world.federation_lead,
        need=need,
        decision="prioritised",
        reason="Most practices are behind it.",
        priority=1,
        now=NOW,
    )
    need.refresh_from_db()
    assert (need.status, need.priority, need.outcome) == ("prioritised", 1, "")
    entry = AuditEntry.objects.get(action="need.prioritised")
    assert entry.after == {
        "status": "prioritised",
        "priority": 1,
        "reason": "Most practices are behind it.",
    }


def test_a_need_set_aside_tells_its_practices_why(world):
    need = raise_need(world)
    support(world, need, 1)
    services.need_prioritise(
        actor_membership=world.convenor,
        need=need,
        decision="set_aside",
        reason="The ICB is already changing this.",
        priority=4,
        now=NOW,
    )
    need.refresh_from_db()
    assert need.status == "set_aside" and need.priority is None
    assert need.outcome == "Set aside by the leadership group: The ICB is already changing this."
    told = Notification.objects.filter(key__startswith=f"need:{need.pk}:set_aside")
    assert sorted(n.user_id for n in told) == sorted(
        [world.representatives[0].user_id, world.member.user_id, world.representatives[1].user_id]
    )
    # Reconsidered: prioritised again, the outcome goes.
    services.need_prioritise(
        actor_membership=world.cd,
        need=need,
        decision="prioritised",
        reason="Worse now.",
        priority=2,
    )
    need.refresh_from_db()
    assert need.outcome == "" and need.outcome_at is None


def test_the_leadership_turns_a_need_into_a_mandate_whose_audit_keeps_no_text(world):
    need = raise_need(world)
    for someone in (world.representatives[1], world.member, world.observer, world.guest):
        with pytest.raises(PermissionDenied):
            services.mandate_create(
                actor_membership=someone,
                need=need,
                ask="a",
                of_whom=world.icb,
                opening_position="b",
                limits="c",
            )
    with pytest.raises(ValidationError) as error:
        services.mandate_create(
            actor_membership=world.cd,
            need=need,
            ask="",
            of_whom=world.icb,
            opening_position="b",
            limits="",
        )
    assert set(error.value.message_dict) == {"ask"}  # the first empty field is named
    mandate = make_mandate(world, need)
    need.refresh_from_db()
    assert need.status == NeedStatus.NEGOTIATING
    assert mandate.of_whom == world.icb and mandate.limits == SECRET
    with pytest.raises(ValidationError, match="only a raised or prioritised need"):
        make_mandate(world, need)
    services.mandate_update(
        actor_membership=world.cd, mandate=mandate, limits=SECRET + " (and no further)"
    )
    entries = AuditEntry.objects.filter(action__startswith="mandate.")
    assert [e.action for e in entries.order_by("pk")] == ["mandate.created", "mandate.changed"]
    assert entries.order_by("pk").last().after == {"changed": ["limits"], "of_whom": world.icb.pk}
    for entry in entries:
        assert "ICB pays" not in json.dumps([entry.before, entry.after, entry.object_label])


def test_a_mandate_asks_an_organisation_the_collective_may_see(world):
    need = raise_need(world)
    from alliance.testing import CollectiveFactory, OrganisationFactory

    elsewhere = OrganisationFactory(ods_code=None, owner=CollectiveFactory(), kind="other")
    with pytest.raises(ValidationError) as error:
        services.mandate_create(
            actor_membership=world.cd,
            need=need,
            ask="a",
            of_whom=elsewhere.pk,
            opening_position="b",
            limits="c",
        )
    assert list(error.value.message_dict) == ["of_whom"]


def test_the_negotiation_records_meetings_offers_and_notes_with_their_dates(world):
    mandate = make_mandate(world, raise_need(world))
    event = services.negotiation_event_record(
        actor_membership=world.cd,
        mandate=mandate,
        kind="offer",
        happened_on=NOW.date(),
        text="The ICB offers clinics until 3pm.",
        now=NOW,
    )
    assert (event.kind, event.happened_on) == ("offer", NOW.date())
    with pytest.raises(ValidationError) as error:
        services.negotiation_event_record(
            actor_membership=world.cd,
            mandate=mandate,
            kind="meeting",
            happened_on=NOW.date() + dt.timedelta(days=1),
            text="Tomorrow",
            now=NOW,
        )
    assert list(error.value.message_dict) == ["happened_on"]
    with pytest.raises(PermissionDenied):
        services.negotiation_event_record(
            actor_membership=world.representatives[0],
            mandate=mandate,
            kind="note",
            happened_on=NOW.date(),
            text="x",
        )
    assert NegotiationEvent.objects.count() == 1


def test_the_outcome_closes_the_need_tells_its_practices_and_goes_to_every_practice(world):
    need = raise_need(world)
    support(world, need, 1, 2, 3, 4)
    mandate = make_mandate(world, need)
    services.mandate_outcome_record(
        actor_membership=world.cd,
        mandate=mandate,
        status="concluded",
        outcome="The ICB will fund bloods until 4pm in every practice.",
        meaning="You can book bloods until 4pm from April.",
        now=NOW,
    )
    mandate.refresh_from_db()
    need.refresh_from_db()
    assert (mandate.status, mandate.outcome_at) == ("concluded", NOW)
    assert (need.status, need.outcome, need.outcome_at) == (
        "closed",
        "The ICB will fund bloods until 4pm in every practice.",
        NOW,
    )
    # (a) every practice that raised or supported it is told (practice F is not).
    told = Notification.objects.filter(key=f"need:{need.pk}:outcome:{mandate.pk}")
    expected = [r.user_id for r in world.representatives[:5]] + [world.member.user_id]
    assert sorted(n.user_id for n in told) == sorted(expected)
    assert (
        told.first().subject == "What happened to what you raised: No phlebotomy capacity after 1pm"
    )
    # (b) every practice gets it through the golden thread, as a notice.
    briefing = Briefing.objects.get()
    assert mandate.briefing == briefing and briefing.decision_id is None
    assert briefing.title == "Outcome: No phlebotomy capacity after 1pm"
    assert briefing.published_at == NOW
    assert Thread.objects.filter(briefing=briefing).count() == 6
    assert audited("mandate.concluded") == [(world.cd.user_id, world.collective.pk)]
    with pytest.raises(ValidationError, match="already ended"):
        services.mandate_outcome_record(
            actor_membership=world.cd, mandate=mandate, status="abandoned", outcome="x", meaning="y"
        )
    with pytest.raises(ValidationError, match="closed"):
        support(world, need, 5)


def test_an_outcome_that_reads_hard_is_not_recorded_until_confirmed(world):
    need = raise_need(world)
    mandate = make_mandate(world, need)
    hard = (
        "Notwithstanding considerable organisational reconfiguration, commissioning "
        "arrangements necessitate comprehensive contractual renegotiation, prioritising "
        "interoperability, sustainability and accountability considerations."
    )
    with pytest.raises(ValidationError, match="reads hard"):
        services.mandate_outcome_record(
            actor_membership=world.cd,
            mandate=mandate,
            status="abandoned",
            outcome=hard,
            meaning=hard,
            now=NOW,
        )
    assert Mandate.objects.get().status == "open" and not Briefing.objects.exists()
    assert Need.objects.get().status == "negotiating" and not Notification.objects.exists()
    services.mandate_outcome_record(
        actor_membership=world.cd,
        mandate=mandate,
        status="abandoned",
        outcome=hard,
        meaning=hard,
        confirm_hard=True,
        now=NOW,
    )
    assert Mandate.objects.get().status == "abandoned"
    assert audited("mandate.abandoned") == [(world.cd.user_id, world.collective.pk)]


def test_another_collectives_need_cannot_be_acted_on(world, outsider):
    need = raise_need(world)
    with pytest.raises(PermissionDenied):
        services.need_prioritise(
            actor_membership=outsider, need=need, decision="set_aside", reason="x"
        )


def test_the_demo_has_three_needs_one_of_them_a_mandate_and_loads_once(world):
    from system.demo_voice import load_voice_demo

    load_voice_demo(world.convenor, now=NOW)
    load_voice_demo(world.convenor, now=NOW)
    assert Need.objects.count() == 3
    mandate = Mandate.objects.get()
    assert mandate.of_whom == world.icb and mandate.need.supports.count() == 3
    assert mandate.events.count() == 1
