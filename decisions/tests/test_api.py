"""The decisions API: the same rules as the pages, within the caller's collective only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.testing import MembershipFactory, audited
from audit.models import AuditEntry
from collectives.models import Role
from decisions import services
from decisions.models import (
    Comment,
    Decision,
    DecisionStatus,
    ItemStatus,
    Phase,
    Position,
    Proposal,
    SenseCheck,
    TrackedItem,
)


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
        ("proposals", "post", ()),
        ("proposal", "get", ("proposal",)),
        ("proposal_move", "post", ("proposal",)),
        ("proposal_positions", "post", ("proposal",)),
        ("proposal_sense_checks", "get", ("proposal",)),
        ("proposal_sense_checks", "post", ("proposal",)),
        ("proposal_versions", "post", ("proposal",)),
        ("proposal_comments", "get", ("proposal",)),
        ("proposal_comments", "post", ("proposal",)),
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
    body = {"stance": "support", "summary": "x", "title": "x", "problem": "x", "text": "x"}
    response = getattr(client, method)(
        _url(group, name, *(ids[e] for e in extra)),
        body if method != "get" else None,  # a GET's data would be its query string
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


# Writes: every page action of a proposal's life, under the page's rules ----------------------


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _observer(group):
    return MembershipFactory(
        collective=group.convenor.collective,
        role=Role.OBSERVER,
        organisation=group.reps[0].organisation,
    )


def _in_sense_check(group):
    proposal = services.proposal_create(
        actor_membership=group.convenor,
        title="Shared staff bank",
        problem="Locums.",
        text="A bank.",
    )
    services.proposal_move(actor_membership=group.convenor, proposal=proposal, phase="sense_check")
    return proposal


def _decided(group):
    group.all_support()
    return services.decision_record(
        actor_membership=group.convenor, proposal=group.proposal, summary="One service."
    )


def test_a_representative_writes_a_proposal_that_another_facilitates(client, group):
    rep = group.reps[0]
    client.force_login(rep.user)
    response = _post(
        client,
        _url(group, "proposals"),
        {
            "title": "Shared staff bank",
            "problem": "Locums cost too much.",
            "text": "A **shared** bank.",
            "closes_on": "2030-03-31",
            "facilitator": group.reps[3].pk,
        },
    )
    assert response.status_code == 201
    body = response.json()
    proposal = Proposal.objects.get(title="Shared staff bank")
    assert body["id"] == proposal.pk and body["phase"] == "draft"
    assert body["current_version"] == 1 and body["closes_on"] == "2030-03-31"
    assert body["versions"][0]["problem"] == "Locums cost too much."
    assert body["versions"][0]["why"] == "" and body["blockers"] != []
    assert (proposal.author, proposal.facilitator) == (rep.user, group.reps[3].user)
    assert audited("proposal.created")[-1] == (rep.user_id, rep.collective_id)
    listed = client.get(_url(group, "proposals")).json()
    assert [p["title"] for p in listed] == ["Shared staff bank", group.proposal.title]


def test_a_proposal_without_a_facilitator_is_facilitated_by_its_author(client, group):
    client.force_login(group.convenor.user)
    response = _post(
        client, _url(group, "proposals"), {"title": "Bank", "problem": "p", "text": "t"}
    )
    assert response.status_code == 201
    assert Proposal.objects.get(title="Bank").facilitator == group.convenor.user


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OBSERVER, Role.GUEST])
def test_members_observers_and_guests_do_not_propose(client, group, role):
    someone = MembershipFactory(collective=group.convenor.collective, role=role)
    client.force_login(someone.user)
    response = _post(client, _url(group, "proposals"), {"title": "x", "problem": "p", "text": "t"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only convenors and representatives can propose."}
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": " "}, "title", "Give the proposal a title."),
        ({"title": "x" * 201}, "title", "Ensure this field has no more than 200 characters."),
        ({"problem": ""}, "problem", "Say what problem the proposal solves."),
        ({"text": ""}, "text", "Write the proposal."),
        ({"closes_on": "soon"}, "closes_on", "Date has wrong format."),
        ({"facilitator": 0}, "facilitator", "Ensure this value is greater than or equal to 1."),
        ({"facilitator": 2**63}, "facilitator", "Ensure this value is less than or equal to"),
        ({"facilitator": "Rep"}, "facilitator", "A valid integer is required."),
    ],
)
def test_a_bad_proposal_is_a_400_naming_the_field(client, group, data, field, message):
    client.force_login(group.convenor.user)
    body = {"title": "Bank", "problem": "p", "text": "t", **data}
    response = _post(client, _url(group, "proposals"), body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    assert Proposal.objects.count() == 1


def test_the_facilitator_must_be_a_convenor_representative_or_deputy_of_the_collective(
    client, group, outsider
):
    member = MembershipFactory(collective=group.convenor.collective, role=Role.MEMBER)
    client.force_login(group.convenor.user)
    for pk in (member.pk, outsider.pk):
        response = _post(
            client,
            _url(group, "proposals"),
            {"title": "Bank", "problem": "p", "text": "t", "facilitator": pk},
        )
        assert response.status_code == 400
        assert response.json() == {
            "facilitator": [
                "No other convenor, representative or deputy of this collective has "
                f"membership id {pk}."
            ]
        }
    assert Proposal.objects.count() == 1


def test_the_facilitator_moves_a_proposal_on(client, group):
    client.force_login(group.convenor.user)
    response = _post(client, _url(group, "proposal_move", group.proposal.pk), {"phase": "parked"})
    assert response.status_code == 200
    assert response.json()["phase"] == "parked"
    group.proposal.refresh_from_db()
    assert group.proposal.phase == Phase.PARKED
    entry = AuditEntry.objects.filter(action="proposal.moved").latest("pk")
    assert (entry.before, entry.after) == ({"phase": "consent"}, {"phase": "parked"})
    assert entry.actor == group.convenor.user
    assert client.get(_url(group, "proposal", group.proposal.pk)).json()["phase"] == "parked"


def test_only_the_facilitator_or_a_convenor_moves_a_proposal(client, group):
    client.force_login(group.reps[0].user)
    response = _post(client, _url(group, "proposal_move", group.proposal.pk), {"phase": "parked"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the proposal's facilitator (or a convenor) can do that."
    }
    group.proposal.refresh_from_db()
    assert group.proposal.phase == Phase.CONSENT
    assert len(audited("proposal.moved")) == 1  # the fixture's move to the consent round


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ("consensus", "A proposal in consent round cannot move to consensus reached."),
        ("draft", "A proposal in consent round cannot move to draft."),
        ("decided", '"decided" is not a valid choice.'),
    ],
)
def test_a_move_the_rules_do_not_allow_is_a_400_naming_the_phase(client, group, phase, message):
    client.force_login(group.convenor.user)
    response = _post(client, _url(group, "proposal_move", group.proposal.pk), {"phase": phase})
    assert response.status_code == 400
    assert response.json() == {"phase": [message]}
    group.proposal.refresh_from_db()
    assert group.proposal.phase == Phase.CONSENT


def test_a_representative_gives_their_organisations_view_in_the_sense_check(client, group):
    proposal = _in_sense_check(group)
    rep = group.reps[1]
    client.force_login(rep.user)
    url = _url(group, "proposal_sense_checks", proposal.pk)
    response = _post(client, url, {"temperature": "concerned", "comment": "Who pays? "})
    assert response.status_code == 201
    body = response.json()
    assert body["organisation"] == {"id": rep.organisation_id, "name": "South PCN"}
    assert (body["temperature"], body["comment"]) == ("concerned", "Who pays?")
    assert _post(client, url, {"temperature": "looks_good"}).status_code == 201
    assert [(c["temperature"], c["comment"]) for c in client.get(url).json()] == [
        ("looks_good", "")
    ]
    assert SenseCheck.objects.get().stated_by == rep.user
    entries = AuditEntry.objects.filter(action="sense_check.stated").order_by("pk")
    assert [(e.before, e.after["temperature"]) for e in entries] == [
        (None, "concerned"),
        ({"temperature": "concerned"}, "looks_good"),
    ]


def test_only_a_leadership_members_representative_gives_a_view(client, group):
    proposal = _in_sense_check(group)
    url = _url(group, "proposal_sense_checks", proposal.pk)
    for someone in (group.convenor, _observer(group)):
        client.force_login(someone.user)
        response = _post(client, url, {"temperature": "looks_good"})
        assert response.status_code == 403
        assert "representative or deputy" in response.json()["detail"]
    assert not SenseCheck.objects.exists() and not audited("sense_check.stated")


def test_a_sense_check_outside_its_phase_or_without_a_temperature_is_a_400(client, group):
    client.force_login(group.reps[0].user)
    response = _post(
        client,
        _url(group, "proposal_sense_checks", group.proposal.pk),
        {"temperature": "looks_good"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The sense check is not open for this proposal."]
    }
    proposal = _in_sense_check(group)
    response = _post(
        client, _url(group, "proposal_sense_checks", proposal.pk), {"temperature": "warm"}
    )
    assert response.status_code == 400
    assert response.json() == {"temperature": ['"warm" is not a valid choice.']}
    assert not SenseCheck.objects.exists()


def test_the_facilitator_amends_a_proposal_addressing_an_objection(client, group):
    objection = _object(group)
    client.force_login(group.convenor.user)
    response = _post(
        client,
        _url(group, "proposal_versions", group.proposal.pk),
        {"text": "One service, with a clinic in each PCN.", "addresses": [objection.pk]},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 2 and body["text"] == "One service, with a clinic in each PCN."
    assert body["problem"] == "Each practice runs its own clinics; patients wait."
    objection.refresh_from_db()
    assert objection.status == ItemStatus.ADDRESSED and objection.addressed_by.number == 2
    entry = AuditEntry.objects.get(action="proposal.amended")
    assert entry.after == {"version": 2, "addresses": [objection.pk]}
    detail = client.get(_url(group, "proposal", group.proposal.pk)).json()
    assert detail["current_version"] == 2 and detail["items"][0]["addressed_by"] == 2


def test_only_the_facilitator_or_a_convenor_amends(client, group):
    client.force_login(group.reps[0].user)
    response = _post(client, _url(group, "proposal_versions", group.proposal.pk), {"text": "Mine."})
    assert response.status_code == 403
    assert group.proposal.versions.count() == 1 and not audited("proposal.amended")


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        (["item"], "A valid integer is required."),
        ([0], "Ensure this value is greater than or equal to 1."),
        ([999999], "Not an open objection or concern of this proposal: 999999."),
        ("withdrawn", "Not an open objection or concern of this proposal: {}."),
    ],
)
def test_an_amendment_naming_what_is_not_an_open_item_is_a_400(client, group, addresses, message):
    if addresses == "withdrawn":
        objection = _object(group)
        services.item_withdraw(membership=group.reps[1], item=objection)
        addresses, message = [objection.pk], message.format(objection.pk)
    client.force_login(group.convenor.user)
    response = _post(
        client,
        _url(group, "proposal_versions", group.proposal.pk),
        {"text": "Amended.", "addresses": addresses},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["addresses"]
    assert message in str(response.json()["addresses"])
    assert group.proposal.versions.count() == 1


def test_members_comment_and_reply_mentioning_organisations(client, group, member):
    client.force_login(member.user)
    url = _url(group, "proposal_comments", group.proposal.pk)
    response = _post(client, url, {"text": "What does @South PCN think?"})
    assert response.status_code == 201
    first = response.json()
    assert first["parent"] is None and first["author"] == "Morgan Member"
    assert first["mentions"] == [{"id": group.reps[1].organisation_id, "name": "South PCN"}]
    client.force_login(group.reps[1].user)
    reply = _post(client, url, {"text": "We like it.", "parent": first["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == first["id"]
    listed = client.get(url).json()
    assert [(c["text"], c["parent"]) for c in listed] == [
        ("What does @South PCN think?", None),
        ("We like it.", first["id"]),
    ]
    assert audited("comment.added") == [
        (member.user_id, member.collective_id),
        (group.reps[1].user_id, member.collective_id),
    ]


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.GUEST])
def test_observers_and_guests_read_the_discussion_but_do_not_comment(client, group, role):
    # Found by the fuzz test's walk: a guest (a system partner) could add to the discussion.
    reader = MembershipFactory(
        collective=group.convenor.collective, role=role, organisation=group.reps[0].organisation
    )
    client.force_login(reader.user)
    url = _url(group, "proposal_comments", group.proposal.pk)
    response = _post(client, url, {"text": "Me too."})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Observers and guests read the discussion but do not add to it."
    }
    assert client.get(url).json() == []
    assert not Comment.objects.exists()
    page = client.get(
        reverse("decisions:proposal", args=[group.convenor.collective.slug, group.proposal.pk])
    )
    assert 'name="text"' not in page.content.decode()  # no comment form to fill in


def test_a_reply_to_a_comment_of_another_proposal_is_a_400_naming_the_parent(client, group):
    other = _in_sense_check(group)
    elsewhere = services.comment_add(membership=group.reps[0], proposal=other, text="Elsewhere.")
    client.force_login(group.reps[0].user)
    url = _url(group, "proposal_comments", group.proposal.pk)
    response = _post(client, url, {"text": "Reply.", "parent": elsewhere.pk})
    assert response.status_code == 400
    assert response.json() == {"parent": [f"No comment on this proposal has id {elsewhere.pk}."]}
    response = _post(client, url, {"text": "  "})
    assert response.status_code == 400
    assert response.json() == {"text": ["Write something first."]}
    assert Comment.objects.count() == 1


def test_a_leadership_member_asks_to_revisit_a_decision(client, group):
    decision = _decided(group)
    rep = group.reps[2]
    client.force_login(rep.user)
    response = _post(
        client,
        _url(group, "decision_revisit", decision.pk),
        {"why": "Patients cannot reach the hub."},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Revisit: One phlebotomy service for the island"
    assert body["phase"] == "draft"
    assert body["versions"][0]["problem"] == "Patients cannot reach the hub."
    assert Proposal.objects.get(pk=body["id"]).revisits == decision
    assert client.get(_url(group, "decision", decision.pk)).json()["status"] == "under_review"
    assert audited("decision.revisit_requested") == [(rep.user_id, rep.collective_id)]


def test_only_a_leadership_member_asks_to_revisit(client, group, member):
    decision = _decided(group)
    for someone in (group.convenor, member):
        client.force_login(someone.user)
        response = _post(client, _url(group, "decision_revisit", decision.pk), {"why": "Wrong."})
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only a leadership-group member can ask to revisit a decision."
        }
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.IN_FORCE and Proposal.objects.count() == 1


def test_a_revisit_without_a_reason_or_of_a_decision_under_review_is_a_400(client, group):
    decision = _decided(group)
    client.force_login(group.reps[0].user)
    url = _url(group, "decision_revisit", decision.pk)
    assert _post(client, url, {"why": ""}).json() == {
        "why": ["Say why the group should look at this again."]
    }
    assert _post(client, url, {"why": "Wrong."}).status_code == 201
    response = _post(client, url, {"why": "Still wrong."})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This decision is under review."]}
    assert Proposal.objects.count() == 2


def test_an_outsider_cannot_revisit_a_decision(client, group, outsider):
    decision = _decided(group)
    client.force_login(outsider.user)
    assert (
        _post(client, _url(group, "decision_revisit", decision.pk), {"why": "x"}).status_code == 404
    )
    own = reverse("api:decision_revisit", args=[outsider.collective.slug, decision.pk])
    assert _post(client, own, {"why": "x"}).status_code == 404
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("proposals", ()),
        ("proposal_move", ("proposal",)),
        ("proposal_sense_checks", ("proposal",)),
        ("proposal_versions", ("proposal",)),
        ("proposal_comments", ("proposal",)),
        ("decision_revisit", ("proposal",)),
    ],
)
def test_anonymous_writes_are_refused(client, group, name, extra):
    ids = {"proposal": group.proposal.pk}
    response = _post(client, _url(group, name, *(ids[e] for e in extra)), {"text": "x"})
    assert response.status_code == 401
    assert Proposal.objects.count() == 1 and not Comment.objects.exists()


def test_the_schema_documents_the_proposal_writes(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path, component in (
        ("proposals/", "ProposalInput"),
        ("proposals/{id}/move/", "ProposalMoveInput"),
        ("proposals/{id}/sense-checks/", "SenseCheckInput"),
        ("proposals/{id}/versions/", "AmendInput"),
        ("proposals/{id}/comments/", "CommentInput"),
        ("decisions/{id}/revisit/", "RevisitInput"),
    ):
        post = paths["/api/v1/collectives/{slug}/" + path]["post"]
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{component}"}, path
        assert set(post["responses"]) & {"200", "201"}, path
