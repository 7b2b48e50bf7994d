"""One collective can never reach another's objects, on any page or API endpoint.

The test walks the whole URL conf, so a new endpoint is covered as soon as it is added: an
endpoint under a collective (a `slug` argument) is checked automatically; any other endpoint
must be listed below as public or as one that needs no collective, or the test fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from alliance.testing import MemberOrganisationFactory, MembershipFactory
from collectives import services
from collectives.models import CollectiveOrganisation, Invitation, Membership, Role

# Routes reachable without a collective in the URL, with why they are safe.
PUBLIC = {
    "account_",  # allauth's sign-in, password reset and security pages
    "mfa_",
    "admin:",  # the Django admin: superusers only
    "home:accessibility",
    "api:schema",
    "api:docs",
    "invitation_accept",  # reached with a secret token; tested in collectives
    "api:invitation_accept",  # the same, for someone with no account yet; tested in collectives
    "accounts:sign_in_link",  # a one-time sign-in link with a signed token; tested in accounts
    "relationships:feed_ics",  # a private calendar feed reached with a secret token; tested there
    "healthz",  # probes for load balancers: "ok" or "unavailable", nothing of any collective
    "readyz",
}
SIGNED_IN_WITHOUT_COLLECTIVE = {
    "home:index",
    "collectives:switch",
    "api:me",
    "api:collectives",  # the caller's own; only data stewards set one up (collectives tests)
    "api:notification_preference",  # the signed-in person's own e-mail frequency
    # The directory: shared organisations are public NHS reference data, a collective's own
    # are found only by its members; people are scoped to the user's collectives; only data
    # stewards change shared data (tested below and in directory/tests/test_stewardship.py);
    # imports are for superusers.
    "directory:search",
    "directory:organisation",
    "directory:organisation_new",
    "directory:organisation_edit",
    "directory:person_new",
    "directory:person",
    "directory:person_edit",
    "directory:imports",
    "directory:import_run",
    "directory:organisation_add_to_collective",
    "api:organisations",
    "api:organisation",
    "api:organisation_people",
    "api:people",
    "api:person",
    "notifications:preferences",  # the signed-in person's own e-mail frequency
    # The signed-in person's own API tokens; another person's token is 404 (accounts tests).
    "accounts:api_tokens",
    "accounts:api_token_new",
    "accounts:api_token_revoke",
}

# Which model a route's <pk> names, by a word in the route's name.
PK_MODELS = {
    "member_organisation": CollectiveOrganisation,
    "organisation": CollectiveOrganisation,
    "member": Membership,
    "membership": Membership,
    "invitation": Invitation,
}


def _routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, prefix + str(entry.pattern), ns)
        else:
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry


def _is_public(name: str, route: str) -> bool:
    return any(name.startswith(p) or name == p for p in PUBLIC) or route.startswith("admin/")


def _collective_routes() -> list[tuple[str, str]]:
    found = []
    for name, route, _ in _routes():
        if "<slug:slug>" in route:
            found.append((name, route))
    return found


def _fill(
    route: str, slug: str, pk: int | None, organisation: int = 0, person: int = 0, note: int = 0
) -> str:
    path = "/" + route.replace("<slug:slug>", slug).lstrip("^").rstrip("$")
    path = path.replace("<id:note>", str(note))
    path = path.replace("<id:organisation>", str(organisation))
    path = path.replace("<id:person>", str(person))
    path = path.replace("<id:number>", "1").replace("<str:action>", "withdraw")
    path = path.replace("<id:item>", str(organisation)).replace("<id:item_pk>", str(organisation))
    return path.replace("<id:pcn>", str(organisation)).replace("<id:pk>", str(pk))


# Which habits model a route's <pk> names (pages "relationships:<word>...", API "api:<word>...").
HABITS_PK_MODELS = {
    "contact": "Contact",
    "rhythm": "Rhythm",
    "nudge": "Nudge",
    "ask": "Ask",
    "put_it_right": "PutItRight",
}


def _habits_model(name: str) -> Any:
    from relationships import models

    bare = name.split(":")[-1]
    for word, model in HABITS_PK_MODELS.items():
        if bare.startswith(word):
            return getattr(models, model)
    return None


# Which shared services or sustainability model a route's <pk> names, by the first word of
# its bare name ("shared_services:way_answer", "api:shared_way"): pages and API alike.
SHARED_PK_MODELS = {
    "service": "SharedService",
    "way": "WayOfWorking",
    "measure": "BenefitMeasure",
    "function": "Function",
    "change": "MatrixChange",
    "import": "PracticeDataImport",
}


def _shared_services_model(name: str) -> Any:
    from shared_services import models
    from sustainability.models import PracticeDataImport

    # "api:practice_import" is a PracticeDataImport, like "sustainability:import_run".
    bare = name.split(":")[-1].removeprefix("shared_").removeprefix("practice_")
    for word, model in SHARED_PK_MODELS.items():
        if bare.startswith(word):
            return PracticeDataImport if word == "import" else getattr(models, model)
    raise AssertionError(f"{name}: name it after its model (SHARED_PK_MODELS)")


# Which whole-system model a route's <pk> names, by the start of its bare name
# ("system:need_support", "api:system_need"), the first that matches: pages and API alike.
SYSTEM_PK_MODELS = [
    ("stakeholder", "Stakeholder"),
    ("subject_access", "Stakeholder"),
    ("erase", "Stakeholder"),
    ("series", "MeetingSeries"),
    ("meeting", "SystemMeeting"),
    ("prep_sheet", "SystemMeeting"),
    ("item", "AgendaItem"),
    ("conversation", "PrepConversation"),
    ("mandate_new", "Need"),  # a mandate is made from a need
    ("need", "Need"),
    ("mandate", "Mandate"),
    ("priority", "Priority"),
    ("overlap", "Overlap"),
]


def _system_model(name: str) -> Any:
    from system import models

    bare = name.split(":")[-1].removeprefix("system_")
    for word, model in SYSTEM_PK_MODELS:
        if bare.startswith(word):
            return getattr(models, model)
    return None


def _pk_model(name: str) -> Any:
    if name.startswith("system:") or (name.startswith("api:") and _system_model(name)):
        found = _system_model(name)
        assert found is not None, f"{name}: add the model its <pk> names to SYSTEM_PK_MODELS"
        return found
    if name.startswith("relationships:") or (name.startswith("api:") and _habits_model(name)):
        found = _habits_model(name)
        assert found is not None, f"{name}: add the model its <pk> names to HABITS_PK_MODELS"
        return found
    if name == "golden_thread:write":
        from decisions.models import Decision

        return Decision
    if name.startswith("golden_thread:") or name.startswith("api:briefing"):
        from golden_thread.models import Briefing

        return Briefing
    if name.startswith("notifications:") or name.startswith("api:notification"):
        from notifications.models import Notification

        return Notification
    if name.startswith("decisions:") and name not in (
        "decisions:decision",
        "decisions:revisit",
        "decisions:log",
    ):
        from decisions.models import Proposal

        return Proposal
    if name in ("decisions:decision", "decisions:revisit") or name.startswith("api:decision"):
        from decisions.models import Decision

        return Decision
    if name.startswith("api:proposal"):
        from decisions.models import Proposal

        return Proposal
    if name.startswith(("shared_services:", "api:shared_", "sustainability:", "api:practice")):
        return _shared_services_model(name)
    if name.startswith("surveys:") or name.startswith("api:survey"):
        from surveys.models import SurveyRound

        return SurveyRound
    bare = name.split(":")[-1]
    for word, model in PK_MODELS.items():
        if word in bare:
            return model
    raise AssertionError(f"{name}: add the model its <pk> names to PK_MODELS")


def test_every_route_is_either_under_a_collective_or_listed_as_safe():
    unlisted = [
        (name, route)
        for name, route, _ in _routes()
        if "<slug:slug>" not in route
        and not _is_public(name, route)
        and name not in SIGNED_IN_WITHOUT_COLLECTIVE
    ]
    assert unlisted == [], "New routes must be checked for tenancy: list them in this test"


@pytest.fixture(scope="module")
def collective_b(django_db_setup, django_db_blocker):
    """Collective B, with one of everything: made once for the module's hundreds of routes,
    inside a transaction rolled back when the module ends (each test's own changes are
    rolled back to a savepoint within it, as in a Django TestCase's setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _collective_b(MembershipFactory(role=Role.CONVENOR, user__full_name="Olly Outsider"))
        transaction.set_rollback(True)


def _collective_b(outsider: Membership) -> dict[Any, Any]:
    b = outsider.collective
    org = MemberOrganisationFactory(collective=b)
    person = MembershipFactory(
        collective=b, role=Role.REPRESENTATIVE, organisation=org.organisation
    )
    invitation = services.invitation_create(
        actor_membership=outsider, email="b@example.org", role=Role.MEMBER
    )
    from django.utils import timezone

    from surveys.models import SurveyRound
    from surveys.services import round_open

    others = [MemberOrganisationFactory(collective=b).organisation for _ in range(2)]
    survey = round_open(
        actor_membership=outsider,
        title="B's survey",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        participants=[org.organisation, *others],
    )
    from decisions import services as decision_services
    from decisions.models import Decision, Proposal

    org.is_leadership = True
    org.save()
    proposal = decision_services.proposal_create(
        actor_membership=outsider, title="B's proposal", problem="p", text="t"
    )
    decision_services.proposal_move(actor_membership=outsider, proposal=proposal, phase="consent")
    decision_services.position_state(membership=person, proposal=proposal, stance="support")
    proposal.refresh_from_db()
    decision = decision_services.decision_record(
        actor_membership=outsider, proposal=proposal, summary="s"
    )
    from golden_thread import services as cascade_services
    from golden_thread.models import Briefing
    from notifications.models import Notification

    practice_b = MemberOrganisationFactory(collective=b).organisation
    MembershipFactory(collective=b, role=Role.MEMBER, organisation=practice_b)
    briefing = cascade_services.briefing_save(
        actor_membership=outsider, decision=decision, summary="We agreed.", meaning="Nothing."
    )
    cascade_services.briefing_publish(
        actor_membership=outsider, briefing=briefing, confirm_hard=True
    )
    notification = Notification.objects.filter(collective=b).first()
    assert notification is not None
    from relationships import models as habits_models
    from relationships import services as habits_services

    contact = habits_services.contact_add(
        actor_membership=outsider,
        organisations=[org.organisation.pk, practice_b.pk],
        mode="phone",
        happened_at=timezone.now(),
    )
    rhythm = habits_services.rhythm_agree(
        actor_membership=outsider,
        name="B's weekly call",
        scope="pair",
        organisations=[org.organisation.pk, practice_b.pk],
        modes=["phone"],
        period="weekly",
        starts_on=timezone.localdate(),
    )
    nudge = habits_models.Nudge.objects.create(collective=b, key="b", rule="test", text="B's")
    nudge.organisations.set([org.organisation.pk, practice_b.pk])
    ask = habits_services.ask_post(actor_membership=person, what="B needs a hand")
    from directory.services import person_create

    own_person = person_create(
        actor=outsider.user,
        actor_membership=outsider,
        organisation=org.organisation,
        name="Bo Bee",
        phone="01234 567890",
    )
    put_right = habits_services.put_it_right_record(
        actor_membership=person,
        mistake="We double-booked.",
        impact="Patients waited.",
        will_do="Check the rota.",
        apologises_to=[practice_b.pk],
    )
    from shared_services import models as shared

    service = shared.SharedService.objects.create(
        collective=b, name="B's hub", kind=shared.ServiceKind.DOCUMENTS, host=org.organisation
    )
    shared.Participation.objects.create(service=service, organisation=practice_b)
    way = shared.WayOfWorking.objects.create(service=service, title="B's way")
    shared.WayOfWorkingVersion.objects.create(way=way, number=1, text="B's text")
    measure = shared.BenefitMeasure.objects.create(service=service, name="B's measure", unit="days")
    function = shared.Function.objects.create(collective=b, name="B's function")
    change = shared.MatrixChange.objects.create(collective=b, summary="B's change")
    from sustainability.models import PracticeDataImport

    data_import = PracticeDataImport.objects.create(collective=b)
    from system import models as system

    stakeholder = system.Stakeholder.objects.create(
        collective=b, person=own_person, organisation=own_person.organisation, role="B's director"
    )
    system.Assessment.objects.create(
        stakeholder=stakeholder, warmth=4, sway=4, assessed_on=timezone.localdate()
    )
    system.KeyRelationship.objects.create(
        collective=b, stakeholder=stakeholder, owner=outsider.user
    )
    note = system.StakeholderNote.objects.create(stakeholder=stakeholder, text="B's note")
    series = system.MeetingSeries.objects.create(collective=b, name="B's board")
    meeting = system.SystemMeeting.objects.create(
        series=series, collective=b, starts_at=timezone.now()
    )
    need = system.Need.objects.create(collective=b, practice=practice_b, title="B's need")
    mandate = system.Mandate.objects.create(
        collective=b,
        need=need,
        ask="B asks",
        of_whom=org.organisation,
        opening_position="B opens",
        limits="B's limits",
    )
    item = system.AgendaItem.objects.create(meeting=meeting, title="B's item", mandate=mandate)
    conversation = system.PrepConversation.objects.create(
        item=item, stakeholder=stakeholder, by=outsider.user
    )
    ours = system.Priority.objects.create(collective=b, whose="collective", text="B's priority")
    theirs = system.Priority.objects.create(
        collective=b, whose="stakeholder", stakeholder=stakeholder, text="B's stakeholder's"
    )
    overlap = system.Overlap.objects.create(ours=ours, theirs=theirs)
    return {
        system.Stakeholder: stakeholder.pk,
        system.MeetingSeries: series.pk,
        system.SystemMeeting: meeting.pk,
        system.AgendaItem: item.pk,
        system.PrepConversation: conversation.pk,
        system.Need: need.pk,
        system.Mandate: mandate.pk,
        system.Priority: ours.pk,
        system.Overlap: overlap.pk,
        "note": note.pk,
        shared.SharedService: service.pk,
        shared.WayOfWorking: way.pk,
        shared.BenefitMeasure: measure.pk,
        shared.Function: function.pk,
        shared.MatrixChange: change.pk,
        PracticeDataImport: data_import.pk,
        habits_models.Contact: contact.pk,
        habits_models.Rhythm: rhythm.pk,
        habits_models.Nudge: nudge.pk,
        habits_models.Ask: ask.pk,
        habits_models.PutItRight: put_right.pk,
        Briefing: briefing.pk,
        Notification: notification.pk,
        Proposal: proposal.pk,
        Decision: decision.pk,
        "slug": b.slug,
        "organisation": org.organisation.pk,
        "person": own_person.pk,
        SurveyRound: survey.pk,
        Membership: person.pk,
        CollectiveOrganisation: org.pk,
        Invitation: invitation.pk,
    }


def _snapshot() -> tuple[int, ...]:
    from collectives.models import CollectivePersonRole
    from directory.models import Organisation, Person
    from golden_thread.models import AboutPage, Briefing, Question, Thread, Touch
    from notifications.models import Notification
    from relationships.models import Ask, Contact, Nudge, Offer, PutItRightResponse, Rhythm
    from shared_services import models as shared
    from surveys.models import Response, SurveyRound
    from sustainability.models import PracticeDataImport, PracticeFigure
    from system import models as system

    return (
        tuple(
            model.objects.count()
            for model in (
                system.Stakeholder,
                system.Assessment,
                system.KeyRelationship,
                system.StakeholderNote,
                system.KeyOrganisation,
                system.Priority,
                system.Overlap,
                system.MeetingSeries,
                system.SystemMeeting,
                system.AgendaItem,
                system.PrepConversation,
                system.Need,
                system.NeedSupport,
                system.Mandate,
                system.NegotiationEvent,
                system.SystemSettings,
            )
        ),
        tuple(system.Stakeholder.objects.values_list("role", "agenda_learned", "erased_at")),
        tuple(system.Need.objects.values_list("status", "priority", "outcome")),
        tuple(system.Mandate.objects.values_list("status", "outcome", "limits")),
        tuple(system.AgendaItem.objects.values_list("title", "outcome", "briefing_id")),
        tuple(system.PrepConversation.objects.values_list("stance", "done")),
        tuple(system.StakeholderNote.objects.values_list("text", "reviewed_at")),
        tuple(
            model.objects.count()
            for model in (
                shared.SharedService,
                shared.Participation,
                shared.StageMove,
                shared.BenefitMeasure,
                shared.BenefitValue,
                shared.WayOfWorking,
                shared.WayOfWorkingVersion,
                shared.WayAnswer,
                shared.ReadinessShare,
                shared.Function,
                shared.MatrixCell,
                shared.MatrixChange,
                shared.SharedServicesSettings,
                PracticeDataImport,
                PracticeFigure,
            )
        ),
        tuple(shared.SharedService.objects.values_list("name", "stage", "lead_id")),
        tuple(shared.MatrixChange.objects.values_list("status", "proposal_id")),
        Contact.objects.count(),
        Rhythm.objects.filter(ends_on__isnull=True).count(),
        Nudge.objects.filter(dismissed_at__isnull=True, snoozed_until__isnull=True).count(),
        Ask.objects.filter(status="open").count(),
        Offer.objects.count(),
        PutItRightResponse.objects.count(),
        Briefing.objects.filter(published_at__isnull=False).count(),
        Thread.objects.filter(acknowledged_at__isnull=False).count(),
        Thread.objects.exclude(action_status="").count(),
        Touch.objects.count(),
        Question.objects.count(),
        Question.objects.filter(answered_at__isnull=False).count(),
        AboutPage.objects.count(),
        Notification.objects.filter(read_at__isnull=False).count(),
        SurveyRound.objects.filter(closed_at__isnull=True).count(),
        Response.objects.count(),
        Membership.objects.count(),
        CollectiveOrganisation.objects.count(),
        Invitation.objects.filter(revoked_at__isnull=True).count(),
        tuple(CollectiveOrganisation.objects.values_list("display_name", "note", "is_leadership")),
        tuple(CollectivePersonRole.objects.values_list("person_id", "role")),
        tuple(Organisation.objects.values_list("name", "phone", "owner_id")),
        tuple(Person.objects.values_list("name", "phone", "role", "owner_id")),
    )


@pytest.mark.parametrize("name,route", _collective_routes())
def test_a_member_of_another_collective_gets_404(client, convenor, collective_b, name, route):
    client.force_login(convenor.user)
    pk = collective_b[_pk_model(name)] if "<id:pk>" in route else None
    before = _snapshot()
    for method in ("get", "post", "patch", "delete"):
        # B's own URL, and B's objects under A's URL.
        for url in {
            _fill(
                route,
                b,
                pk,
                collective_b["organisation"],
                collective_b["person"],
                collective_b["note"],
            )
            for b in (collective_b["slug"], convenor.collective.slug)
        }:
            if url == _fill(route, convenor.collective.slug, None) and pk is None:
                continue  # A's own list page is A's to see
            response = getattr(client, method)(url)
            # B's objects look exactly like objects that do not exist: 404, or 405 where the
            # route does not take the method at all.
            missing = url.replace(collective_b["slug"], "no-such-collective")
            if pk is not None:
                missing = missing.replace(f"/{pk}/", "/999999999/")
            expected = getattr(client, method)(missing).status_code
            assert expected in (404, 405), (method, missing, expected)
            assert response.status_code == expected, (method, url, response.status_code)
    assert _snapshot() == before


@pytest.mark.parametrize("name,route", _collective_routes())
def test_anonymous_visitors_are_sent_to_sign_in(client, collective_b, name, route):
    pk = collective_b[_pk_model(name)] if "<id:pk>" in route else None
    url = _fill(
        route,
        collective_b["slug"],
        pk,
        collective_b["organisation"],
        collective_b["person"],
        collective_b["note"],
    )
    response = client.get(url)
    if route.startswith("api/"):
        assert response.status_code == 401, url
    else:
        assert response.status_code == 302, url
        assert re.match(r"^/accounts/login/\?next=", response["Location"]), response["Location"]


@pytest.mark.parametrize("url", ["/", "/api/v1/me/", "/api/v1/collectives/"])
def test_signed_in_routes_without_a_collective_need_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == (401 if url.startswith("/api/") else 302)


def test_the_api_lists_only_the_callers_collectives(client, convenor, collective_b):
    client.force_login(convenor.user)
    slugs = [c["slug"] for c in client.get("/api/v1/collectives/").json()["results"]]
    assert slugs == [convenor.collective.slug]


def test_switching_to_a_collective_you_are_not_in_is_404(client, convenor, collective_b):
    client.force_login(convenor.user)
    assert (
        client.post("/switch-collective/", {"collective": collective_b["slug"]}).status_code == 404
    )


@pytest.fixture
def person_b(collective_b):
    """Someone who works for one of collective B's organisations."""
    from directory.models import Person

    member = CollectiveOrganisation.objects.get(pk=collective_b[CollectiveOrganisation])
    return Person.objects.create(
        name="Bea Bee", organisation=member.organisation, email="bea@example.org"
    )


def test_people_of_another_collective_are_not_found(client, convenor, person_b):
    client.force_login(convenor.user)
    organisation = person_b.organisation
    assert client.get(f"/directory/people/{person_b.pk}/").status_code == 404
    assert client.get(f"/directory/people/{person_b.pk}/edit/").status_code == 404
    assert client.get(f"/api/v1/people/{person_b.pk}/").status_code == 404
    assert client.get("/api/v1/people/").json()["results"] == []
    page = client.get(f"/directory/organisations/{organisation.ods_code}/").content.decode()
    assert "Bea Bee" not in page
    assert "shown to members of the collectives this organisation belongs to" in page
    assert person_b.organisation.collectives.get().name not in page


def test_another_collectives_organisations_cannot_be_edited_or_added_to_it(
    client, convenor, person_b, collective_b
):
    client.force_login(convenor.user)
    code = person_b.organisation.ods_code
    assert client.get(f"/directory/organisations/{code}/edit/").status_code == 403
    assert client.get(f"/directory/organisations/{code}/people/new/").status_code == 403
    response = client.post(
        f"/directory/organisations/{code}/add-to-collective/", {"collective": collective_b["slug"]}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/directory/",
        "/directory/organisations/new/",
        "/directory/people/1/",
        "/directory/imports/",
        "/directory/imports/1/",
    ],
)
def test_the_directory_needs_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/people/"])
def test_the_directory_api_needs_a_token(client, db, url):
    assert client.get(url).status_code == 401


def test_only_superusers_reach_the_import(client, convenor):
    client.force_login(convenor.user)
    assert client.get("/directory/imports/").status_code == 403
