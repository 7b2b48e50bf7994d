"""The register and the autonomy ledger: who may do what, the going-live rule, versions and
answers, variations that expire, and what a practice has agreed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from shared_services import selectors, services
from shared_services.models import Answer, SharedServicesSettings, Stage, StageMove

from .conftest import make_hub

LATER = timezone.localdate() + dt.timedelta(days=90)


def _agree_all(hub, way, answer=Answer.AGREED):
    for rep in hub.representatives:
        services.way_answer(actor_membership=rep, way=way, answer=answer)


def test_a_convenor_adds_a_service_at_the_idea_stage_with_its_practices(hub):
    assert hub.service.stage == Stage.IDEA
    assert [r.practice.name for r in selectors.ledger(hub.service).rows] == [
        "Surgery 1",
        "Surgery 2",
        "Surgery 3",
    ]
    (move,) = StageMove.objects.filter(service=hub.service)
    assert (move.to_stage, move.by) == (Stage.IDEA, hub.convenor.user)
    assert AuditEntry.objects.filter(action="shared_services.service_created").count() == 1


def test_only_a_convenor_adds_a_service(hub):
    with pytest.raises(PermissionDenied):
        services.service_create(
            actor_membership=hub.representatives[0],
            name="Staff bank",
            kind="staff_bank",
            host=hub.service.host_id,
        )


def test_a_service_hosted_outside_the_collective_is_refused(convenor, outsider):
    other = make_hub(outsider)
    with pytest.raises(ValidationError) as refused:
        services.service_create(
            actor_membership=convenor, name="Hub", kind="documents", host=other.service.host_id
        )
    assert refused.value.message_dict == {
        "host": ["Choose a member federation, PCN or practice of the collective."]
    }


def test_every_stage_move_records_who_and_why(hub):
    services.stage_move(
        actor_membership=hub.convenor, service=hub.service, to_stage="exploring", reason="Asked"
    )
    moves = list(hub.service.moves.values_list("from_stage", "to_stage", "reason"))
    assert moves == [("", "idea", "Added."), ("idea", "exploring", "Asked")]
    with pytest.raises(ValidationError, match="This cannot be empty"):
        services.stage_move(
            actor_membership=hub.convenor, service=hub.service, to_stage="agreeing", reason=" "
        )


def test_the_lead_runs_their_service_but_a_representative_does_not(hub):
    lead = MembershipFactory(collective=hub.convenor.collective, role=Role.MEMBER)
    services.service_update(actor_membership=hub.convenor, service=hub.service, lead=lead.user_id)
    hub.service.refresh_from_db()
    services.way_add(actor_membership=lead, service=hub.service, title="Coding", text="v2")
    with pytest.raises(PermissionDenied):
        services.way_add(
            actor_membership=hub.representatives[0], service=hub.service, title="X", text="Y"
        )
    with pytest.raises(PermissionDenied):  # only a convenor names another lead
        services.service_update(actor_membership=lead, service=hub.service, lead=None)


def test_the_service_cannot_go_live_until_every_practice_agrees_every_way(hub):
    way = services.way_add(
        actor_membership=hub.convenor, service=hub.service, title="Coding", text="Protocol v2"
    )
    for rep in hub.representatives[:2]:
        services.way_answer(actor_membership=rep, way=way, answer=Answer.AGREED)
    with pytest.raises(ValidationError) as refused:
        services.stage_move(
            actor_membership=hub.convenor, service=hub.service, to_stage="running", reason="Go"
        )
    assert "Outstanding: Surgery 3: Coding." in refused.value.message_dict["stage"][0]
    services.way_answer(
        actor_membership=hub.representatives[2],
        way=way,
        answer=Answer.VARIATION,
        variation="Coded within 3 days",
        variation_reason="One coder",
        variation_until=LATER,
    )
    services.stage_move(
        actor_membership=hub.convenor, service=hub.service, to_stage="running", reason="Go"
    )
    hub.service.refresh_from_db()
    assert hub.service.stage == Stage.RUNNING


def test_the_collective_may_let_a_service_go_live_before_all_agree(hub):
    services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="a")
    services.settings_update(actor_membership=hub.convenor, may_run_before_all_agree=True)
    services.stage_move(
        actor_membership=hub.convenor, service=hub.service, to_stage="running", reason="Go"
    )
    assert SharedServicesSettings.objects.get().may_run_before_all_agree


def test_a_new_version_asks_every_practice_again_and_keeps_their_old_answers(hub):
    way = services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="1")
    _agree_all(hub, way)
    services.way_revise(actor_membership=hub.convenor, way=way, text="2", change_note="Faster")
    ledger = selectors.ledger(hub.service)
    assert ledger.columns[0].version.number == 2
    assert ledger.columns[0].adoption(3) == "0 of 3"
    assert [c.label for row in ledger.rows for c in row.cells] == [
        "Agreed (given on version 1)"
    ] * 3
    services.way_answer(actor_membership=hub.representatives[0], way=way, answer=Answer.AGREED)
    assert selectors.ledger(hub.service).columns[0].agreed == 1
    first = hub.practices[0]
    (agreement,) = selectors.agreements_of(hub.convenor.collective_id, first.pk)
    assert (agreement.answer.version.number, agreement.on_current_version) == (2, True)
    (older,) = selectors.agreements_of(hub.convenor.collective_id, hub.practices[1].pk)
    assert (older.answer.version.number, older.on_current_version) == (1, False)


def test_a_variation_says_what_why_and_until_when_and_counts_only_until_it_expires(hub):
    way = services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="1")
    rep = hub.representatives[0]
    with pytest.raises(ValidationError) as refused:
        services.way_answer(actor_membership=rep, way=way, answer=Answer.VARIATION, variation="x")
    assert "variation_reason" in refused.value.message_dict
    given = services.way_answer(
        actor_membership=rep,
        way=way,
        answer=Answer.VARIATION,
        variation="x",
        variation_reason="y",
        variation_until=timezone.localdate() + dt.timedelta(days=10),
    )
    assert selectors.agreed(given)
    assert not selectors.agreed(given, today=timezone.localdate() + dt.timedelta(days=11))
    expiring = selectors.variations_expiring(hub.convenor.collective_id, rep.organisation_id)
    assert expiring == [given]


def test_only_a_practices_representative_answers_for_it_and_only_in_its_services(hub, convenor):
    way = services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="1")
    with pytest.raises(PermissionDenied):
        services.way_answer(actor_membership=hub.convenor, way=way, answer=Answer.AGREED)
    services.participant_leave(
        actor_membership=hub.convenor, service=hub.service, organisation=hub.practices[0].pk
    )
    with pytest.raises(PermissionDenied, match="is not in Document hub"):
        services.way_answer(actor_membership=hub.representatives[0], way=way, answer="agreed")


def test_what_waits_for_a_practice(hub):
    way = services.way_add(actor_membership=hub.convenor, service=hub.service, title="A", text="1")
    practice = hub.practices[0].pk
    cid = hub.convenor.collective_id
    assert [w.way for w in selectors.waiting_for(cid, practice)] == [way]
    assert selectors.services_waiting_on(cid, practice) == []
    services.stage_move(
        actor_membership=hub.convenor, service=hub.service, to_stage="agreeing", reason="Now"
    )
    assert selectors.services_waiting_on(cid, practice) == [hub.service]
    services.way_answer(
        actor_membership=hub.representatives[0], way=way, answer="not_yet", would_help="Training"
    )
    assert selectors.waiting_for(cid, practice) == []


def test_monthly_values_are_entered_corrected_and_uploaded_with_clear_errors(hub):
    measure = services.measure_add(
        actor_membership=hub.convenor,
        service=hub.service,
        name="Turnaround",
        unit="days",
        better="down",
    )
    assert (
        services.measure_values_set(
            actor_membership=hub.convenor,
            measure=measure,
            values=[("2026-01", 3), ("2026-02", 2.5)],
        )
        == 2
    )
    assert (
        services.measure_values_set(
            actor_membership=hub.convenor, measure=measure, values=[("2026-01", 3), ("2026-02", 2)]
        )
        == 1
    )
    data = b"month,value\n2026-03,2\n2026-04,1.5\n"
    assert (
        services.measure_values_upload(actor_membership=hub.convenor, measure=measure, data=data)
        == 2
    )
    with pytest.raises(ValidationError) as refused:
        services.measure_values_upload(
            actor_membership=hub.convenor, measure=measure, data=b"2026-05,2\n2026-06,lots\n"
        )
    assert refused.value.message_dict == {"file": ["Row 2, value: 'lots' is not a number."]}
    assert list(measure.values.values_list("value", flat=True)) == [3, 2, 2, 1.5]


def test_the_run_chart_shows_a_special_cause_on_seeded_values(hub):
    measure = services.measure_add(
        actor_membership=hub.convenor, service=hub.service, name="Backlog", unit="documents"
    )
    values = [
        (f"2025-{m:02d}", v)
        for m, v in zip(range(1, 13), [40, 42, 39, 41, 40, 43, 38, 41, 40, 42, 39, 90], strict=True)
    ]
    services.measure_values_set(actor_membership=hub.convenor, measure=measure, values=values)
    chart = selectors.run_chart(measure)
    assert chart.points[-1].signals == ("above_upper_limit",)
    assert chart.variation == "special cause – improvement"
