"""The readiness page, the sharing tick and the export, as each person sees them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from alliance.testing import (
    MemberOrganisationFactory,
    MembershipFactory,
    audited,
    page_queries,
    table_rows,
)
from audit.models import AuditEntry
from collectives.models import Role
from relationships.models import Contact
from shared_services.models import ReadinessShare
from shared_services.tests.test_readiness_support import (
    BUILD_CASE,
    BUILD_TRUST,
    NOT_READY,
    READY,
    add_practice,
    answer,
    closed_round,
    make_world,
    place,
    tags,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

COUNTS_CAPTION = "Practices that have not shared their readiness, in each of the four"
NOT_ENOUGH = "Not enough practices to show readiness"


def _get(client, membership, url):
    client.force_login(membership.user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _counts(page):
    rows = [row for row in table_rows(page) if len(row) == 3 and row[0] in LABELS]
    return {row[0]: int(row[2]) for row in rows}


LABELS = {"Ready", "Build trust", "Build the case", "Not ready"}


# Each practice sees its own placement ---------------------------------------------------


def test_each_practice_sees_its_own_quadrant_and_no_one_elses(client):
    world = make_world(4, names=["Oak Surgery", "Ash Surgery", "Elm Surgery", "Yew Surgery"])
    survey = closed_round(world)
    for index, answers in enumerate((READY, BUILD_TRUST, BUILD_CASE, NOT_READY)):
        place(world, survey, world.practices[index], answers)
    expected = ["Ready", "Build trust", "Build the case", "Not ready"]
    for index, label in enumerate(expected):
        page = _get(client, world.rep(index), world.page())
        assert f'<h2 class="nhsuk-heading-l">{world.practices[index].name}</h2>' in page
        assert tags(page)[0] == label
        assert not set(tags(page)) & (set(expected) - {label})


def test_the_representative_sees_the_evidence_and_the_read_is_audited(client):
    world = make_world(3)
    survey = closed_round(world, title="Autumn trust survey")
    oak, ash = world.practices[0], world.practices[1]
    answer(survey, oak, alone=2, joint=5, trust={world.host.pk: 3, ash.pk: 1})
    page = _get(client, world.rep(0), world.page())
    assert "4.5 out of 5 (believes)" in page  # (6 - 2 + 5) / 2
    assert "2.0 out of 4 (low trust)" in page  # (3 + 1) / 2
    assert "Autumn trust survey" in page
    trust = table_rows(page)
    assert ["Island Federation (host)", "3.0", "Trusted"] in trust
    assert [ash.name, "1.0", "Low"] in trust
    assert f"Your trust in {ash.name} is low" in page
    entry = AuditEntry.objects.get(action="shared_services.readiness_evidence_read")
    assert entry.after == {"service": world.service.pk, "organisation": oak.pk}


def test_a_member_sees_the_placement_but_not_the_answers_behind_it(client):
    world = make_world(3)
    survey = closed_round(world)
    ash = world.practices[1]
    answer(survey, world.practices[0], alone=2, joint=5, trust={world.host.pk: 3, ash.pk: 1})
    page = _get(client, world.member(0), world.page())
    assert tags(page) == ["Build trust"]
    assert "out of 4" not in page and "out of 5" not in page
    assert f"Your trust in {ash.name}" not in page
    assert "shown only to the people who answer the trust survey" in page
    assert not AuditEntry.objects.filter(action="shared_services.readiness_evidence_read").exists()


def test_a_practice_that_answered_no_closed_round_is_told_there_is_not_enough_to_say(client):
    world = make_world(3)
    open_round = closed_round(world)
    open_round.closed_at = None
    open_round.closes_on = timezone.localdate() + dt.timedelta(days=3)
    open_round.save()
    place(world, open_round, world.practices[0], READY)
    page = _get(client, world.rep(0), world.page())
    assert tags(page) == ["Not enough to say"]
    assert "It has answered no closed trust survey round." in page
    assert "Answer the next trust survey round" in page


def test_no_conversation_with_the_host_in_six_weeks_is_suggested_until_there_is_one(client):
    world = make_world(3)
    place(world, closed_round(world), world.practices[0], READY)
    page = _get(client, world.rep(0), world.page())
    assert "No conversation with Island Federation, the service&#39;s host, in 6 weeks" in page
    contact = Contact.objects.create(
        collective=world.collective, happened_at=timezone.now() - dt.timedelta(days=3), mode="video"
    )
    contact.organisations.set([world.practices[0], world.host])
    page = _get(client, world.rep(0), world.page())
    assert "No conversation with Island Federation" not in page


def test_someone_not_in_a_practice_of_the_service_gets_an_explanation(client):
    world = make_world(3)
    place(world, closed_round(world), world.practices[0], READY)
    observer = MembershipFactory(collective=world.collective, role=Role.OBSERVER)
    elsewhere = MemberOrganisationFactory(
        collective=world.collective, organisation__name="Birch Surgery"
    ).organisation
    outside = MembershipFactory(
        collective=world.collective, role=Role.REPRESENTATIVE, organisation=elsewhere
    )
    for person in (observer, outside):
        page = _get(client, person, world.page())
        assert "Who sees readiness" in page
        assert world.practices[0].name not in page
        assert tags(page) == []
        client.force_login(person.user)
        assert client.post(world.page("share"), {"share": "true"}).status_code == 403


def test_a_guest_is_refused_and_another_collective_finds_nothing(client, outsider):
    world = make_world(3)
    guest = MembershipFactory(collective=world.collective, role=Role.GUEST)
    client.force_login(guest.user)
    assert client.get(world.page()).status_code == 403
    client.force_login(outsider.user)
    assert client.get(world.page()).status_code == 404
    other = f"/c/{outsider.collective.slug}/shared-services/{world.service.pk}/readiness/"
    assert client.get(other).status_code == 404


# The lead's counts -------------------------------------------------------------------------


def test_with_k_3_the_lead_of_a_service_of_two_practices_sees_no_counts(client):
    world = make_world(2, k=3)
    survey = closed_round(world)
    place(world, survey, world.practices[0], READY)
    place(world, survey, world.practices[1], NOT_READY)
    for viewer in (world.lead, world.convenor):
        page = _get(client, viewer, world.page())
        assert NOT_ENOUGH in page
        assert COUNTS_CAPTION not in page
        assert _counts(page) == {}
        for practice in world.practices:
            assert practice.name not in page


def test_with_k_3_the_lead_of_a_service_of_three_practices_sees_the_counts(client):
    world = make_world(3, k=3)
    survey = closed_round(world)
    for practice, answers in zip(world.practices, (READY, READY, NOT_READY), strict=True):
        place(world, survey, practice, answers)
    for viewer in (world.lead, world.convenor):
        page = _get(client, viewer, world.page())
        assert NOT_ENOUGH not in page
        assert COUNTS_CAPTION in page
        assert _counts(page) == {"Ready": 2, "Build trust": 0, "Build the case": 0, "Not ready": 1}
        for practice in world.practices:
            assert practice.name not in page


def test_a_higher_k_needs_more_practices(client):
    world = make_world(4, k=5)
    survey = closed_round(world)
    for practice in world.practices:
        place(world, survey, practice, READY)
    assert NOT_ENOUGH in _get(client, world.lead, world.page())
    place(world, survey, add_practice(world, "Fifth Surgery"), READY)
    assert _counts(_get(client, world.lead, world.page()))["Ready"] == 5


def test_practices_that_cannot_be_placed_are_not_counted(client):
    world = make_world(4, k=3)
    survey = closed_round(world)
    for practice in world.practices[:2]:
        place(world, survey, practice, READY)
    page = _get(client, world.lead, world.page())
    assert NOT_ENOUGH in page  # two answered; the other two cannot be placed
    place(world, survey, world.practices[2], BUILD_CASE)
    assert _counts(_get(client, world.lead, world.page())) == {
        "Ready": 2,
        "Build trust": 0,
        "Build the case": 1,
        "Not ready": 0,
    }


def test_a_lead_at_a_practice_in_the_service_is_not_counted_their_own(client):
    world = make_world(3, k=3, lead_at=0)
    survey = closed_round(world)
    for practice in world.practices:
        place(world, survey, practice, READY)
    page = _get(client, world.lead, world.page())
    assert NOT_ENOUGH in page  # the lead knows their own practice's: two others are left
    assert f'<h2 class="nhsuk-heading-l">{world.practices[0].name}</h2>' in page  # their own
    assert _get(client, world.convenor, world.page()).count(COUNTS_CAPTION) == 1


# The sharing tick --------------------------------------------------------------------------


def test_the_sharing_tick_shows_that_one_practice_to_the_lead_and_revoking_hides_it(client):
    world = make_world(4, k=3)
    survey = closed_round(world)
    for practice, answers in zip(
        world.practices, (READY, BUILD_TRUST, BUILD_CASE, NOT_READY), strict=True
    ):
        place(world, survey, practice, answers)
    ash = world.practices[1]
    before = _get(client, world.lead, world.page())
    assert ash.name not in before
    assert _counts(before) == {"Ready": 1, "Build trust": 1, "Build the case": 1, "Not ready": 1}

    client.force_login(world.rep(1).user)
    response = client.post(world.page("share"), {"share": "true"}, follow=True)
    assert response.redirect_chain[-1] == (world.page(), 302)
    share = ReadinessShare.objects.get()
    assert share.organisation == ash and share.shared_by == world.rep(1).user
    assert audited("shared_services.readiness_shared") == [
        (world.rep(1).user.pk, world.collective.pk)
    ]

    shared = _get(client, world.lead, world.page())
    assert [
        ash.name,
        "Build trust",
        share.shared_at.astimezone().strftime("%-d %B %Y"),
    ] in table_rows(shared)
    assert [world.practices[0].name] not in [row[:1] for row in table_rows(shared)]
    # Counted now: only the three that have not shared, so the total minus Ash tells nothing.
    assert _counts(shared) == {"Ready": 1, "Build trust": 0, "Build the case": 1, "Not ready": 1}

    # Revoking asks first, then hides it again.
    client.force_login(world.rep(1).user)
    asked = client.post(world.page("share"), {})
    assert asked.status_code == 200 and "Stop sharing" in asked.content.decode()
    assert ReadinessShare.objects.get().revoked_at is None
    assert client.get(world.page("share")).status_code == 200
    client.post(world.page("share"), {"confirm": "true"}, follow=True)
    assert ReadinessShare.objects.get().revoked_at is not None
    assert audited("shared_services.readiness_share_revoked") == [
        (world.rep(1).user.pk, world.collective.pk)
    ]
    after = _get(client, world.lead, world.page())
    assert ash.name not in after
    assert _counts(after) == _counts(before)


def test_when_too_few_have_not_shared_the_lead_sees_only_the_shared_ones(client):
    world = make_world(4, k=3)
    survey = closed_round(world)
    for practice in world.practices:
        place(world, survey, practice, READY)
    for index in (0, 1):
        client.force_login(world.rep(index).user)
        client.post(world.page("share"), {"share": "true"}, follow=True)
    page = _get(client, world.lead, world.page())
    assert NOT_ENOUGH in page and _counts(page) == {}
    names = [row[0] for row in table_rows(page)]
    assert world.practices[0].name in names and world.practices[1].name in names
    assert world.practices[2].name not in page and world.practices[3].name not in page


def test_only_the_practices_representative_or_deputy_can_tick_it(client):
    world = make_world(3)
    place(world, closed_round(world), world.practices[0], READY)
    for person in (world.member(0), world.lead, world.convenor):
        client.force_login(person.user)
        assert client.post(world.page("share"), {"share": "true"}).status_code == 403
    deputy = MembershipFactory(
        collective=world.collective, role=Role.DEPUTY, organisation=world.practices[0]
    )
    client.force_login(deputy.user)
    assert client.post(world.page("share"), {"share": "true"}).status_code == 302
    assert ReadinessShare.objects.get().organisation == world.practices[0]
    page = _get(client, world.member(0), world.page())
    assert "is shared with the service's lead and the convenors since" in page
    assert "Stop sharing" not in page  # a member sees it, but may not change it


def test_a_practice_that_left_the_service_cannot_share(client):
    world = make_world(3)
    world.service.participations.filter(organisation=world.practices[0]).update(
        left_on=timezone.localdate()
    )
    client.force_login(world.rep(0).user)
    assert client.post(world.page("share"), {"share": "true"}).status_code == 403
    assert not ReadinessShare.objects.exists()


# The export -------------------------------------------------------------------------------


def _csv(client, membership, world):
    client.force_login(membership.user)
    response = client.get(world.page("export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_holds_what_the_page_shows_each_person(client):
    world = make_world(3)
    survey = closed_round(world, title="Autumn")
    for practice, answers in zip(world.practices, (READY, BUILD_TRUST, NOT_READY), strict=True):
        place(world, survey, practice, answers)
    ours = _csv(client, world.rep(1), world)
    assert ["Our readiness", world.practices[1].name, "Build trust", "", "", ""] in ours
    assert ["Trust (1 to 4)", world.practices[1].name, "", "", "2.0", "Autumn"] in ours
    assert not any(row[0] == "Practices that have not shared" for row in ours)
    member = _csv(client, world.member(1), world)
    assert ["Our readiness", world.practices[1].name, "Build trust", "", "", ""] in member
    assert not any(row[0].startswith("Trust") for row in member)
    lead = _csv(client, world.lead, world)
    assert ["Practices that have not shared", "", "Ready", "1", "", ""] in lead
    assert not any(
        practice.name in cell for row in lead for cell in row for practice in world.practices
    )
    client.force_login(world.lead.user)
    response = client.get(world.page("export") + "?format=xlsx")
    rows = xlsx_rows(response.content)
    assert ["Practices that have not shared", None, "Build trust", 1, None, None] in rows


# Queries ----------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_however_many_practices_and_rounds(client):
    def queries(practices, rounds):
        world = make_world(practices, k=3)
        for n in range(rounds):
            survey = closed_round(world, title=f"Round {n}", days_ago=20 + 30 * n)
            for practice in world.practices:
                place(world, survey, practice, READY)
        client.force_login(world.rep(0).user)
        client.post(world.page("share"), {"share": "true"})
        found = []
        for person in (world.lead, world.rep(0), world.member(1)):
            client.force_login(person.user)
            found.append(page_queries(client, world.page()))
        return found

    assert queries(3, 1) == queries(12, 3)


def test_a_practice_named_like_a_formula_is_exported_as_text(client):
    world = make_world(3, names=['=HYPERLINK("https://evil.example","x")', "+Ash", "@Elm"])
    survey = closed_round(world)
    for practice in world.practices:
        place(world, survey, practice, READY)
    client.force_login(world.rep(0).user)
    client.post(world.page("share"), {"share": "true"}, follow=True)
    rows = _csv(client, world.lead, world)
    assert [
        "Shared with the service lead",
        "'" + world.practices[0].name,
        "Ready",
        "",
        "",
        "",
    ] in rows
    client.force_login(world.lead.user)
    cells = [
        c
        for row in xlsx_rows(client.get(world.page("export") + "?format=xlsx").content)
        for c in row
    ]
    assert "'" + world.practices[0].name in cells


def test_the_lead_searches_the_practices_that_share(client):
    world = make_world(4, names=["Oak Surgery", "Ash Surgery", "Elm Surgery", "Yew Surgery"])
    survey = closed_round(world)
    for index, practice in enumerate(world.practices):
        place(world, survey, practice, READY)
        ReadinessShare.objects.create(
            service=world.service, organisation=practice, shared_by=world.rep(index).user
        )
    page = _get(client, world.lead, world.page())
    assert "4 practices" in page
    found = _get(client, world.lead, world.page() + "?q=ash")
    assert "1 practice<" in found and "Ash Surgery" in found and "Oak Surgery" not in found
    none = _get(client, world.lead, world.page() + "?q=nowhere")
    assert "No practice that shares matches your search." in none


def test_in_a_per_person_round_staff_see_the_figures_only_once_k_of_them_answered(client):
    world = make_world(3, k=3)
    survey = closed_round(world, per_person=True)
    oak = world.practices[0]
    staff = [world.member(0), world.rep(0)]
    trust = {world.host.pk: 3, world.practices[1].pk: 3}
    for person in staff:
        answer(survey, oak, alone=2, joint=4, trust=trust, respondent=person.user)
    page = _get(client, world.member(0), world.page())
    assert tags(page)[0] == "Ready" and "out of 4" not in page
    third = MembershipFactory(collective=world.collective, role=Role.MEMBER, organisation=oak)
    answer(survey, oak, alone=2, joint=4, trust=trust, respondent=third.user)
    assert "3.0 out of 4 (trusts)" in _get(client, world.member(0), world.page())
