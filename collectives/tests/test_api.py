"""The collectives' API does what the pages do, under the same rules: setting up a collective
(data stewards only), its settings, adding and removing member organisations, resending and
withdrawing invitations, and accepting one as someone new."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from alliance.testing import (
    CollectiveFactory,
    MemberOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from audit.models import AuditEntry
from collectives import services
from collectives.models import Collective, CollectiveOrganisation, Invitation, Membership, Role
from directory.models import Organisation

JSON = "application/json"
STRONG = "correct horse battery staple"


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type=JSON)


@pytest.fixture
def steward(db: None) -> User:
    """A data steward: a superuser of the service."""
    return UserFactory(is_superuser=True, full_name="Stella Steward")


# Setting up a collective ---------------------------------------------------------------


def test_it_lets_a_data_steward_set_up_a_collective_and_be_its_first_convenor(client, steward):
    client.force_login(steward)
    body = {"name": "Solent GP Alliance", "area": "Solent", "description": "General practice."}
    response = _post(client, reverse("api:collectives"), body)
    assert response.status_code == 201, response.json()
    assert response.json() == {**body, "slug": "solent-gp-alliance", "readability_threshold": 60.0}
    listed = client.get(reverse("api:collectives")).json()["results"]
    assert [c["slug"] for c in listed] == ["solent-gp-alliance"]
    membership = Membership.objects.get(collective__slug="solent-gp-alliance")
    assert (membership.user, membership.role) == (steward, Role.CONVENOR)
    entries = AuditEntry.objects.filter(collective=membership.collective).order_by("id")
    assert [(e.action, e.actor_label) for e in entries] == [
        ("collective.created", steward.email),
        ("membership.created", steward.email),
    ]


def test_it_refuses_to_let_anyone_but_a_data_steward_set_up_a_collective(client, convenor):
    body = {"name": "Mine", "area": "Here", "description": "Ours."}
    assert _post(client, reverse("api:collectives"), body).status_code == 401
    client.force_login(convenor.user)
    response = _post(client, reverse("api:collectives"), body)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the service's data stewards set up a collective."}
    assert not Collective.objects.filter(name="Mine").exists()
    # A body it would refuse makes no difference: the refusal says nothing about the fields.
    response = _post(client, reverse("api:collectives"), {"name": ""})
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the service's data stewards set up a collective."},
    )


def test_it_names_the_field_when_setting_up_a_collective_goes_wrong(client, steward):
    CollectiveFactory(slug="taken")
    client.force_login(steward)
    url = reverse("api:collectives")
    good = {"name": "New", "area": "Here", "description": "Ours."}
    for change, field in (
        ({"name": "x" * 151}, "name"),
        ({"name": ""}, "name"),
        ({"slug": "not a slug"}, "slug"),
        ({"slug": "taken"}, "slug"),
        ({"description": None}, "description"),
    ):
        response = _post(client, url, {**good, **change})
        assert response.status_code == 400, change
        assert list(response.json()) == [field], response.json()
    assert Collective.objects.count() == 1


# The collective's settings -------------------------------------------------------------


def test_a_convenor_changes_the_collectives_settings(client, convenor):
    client.force_login(convenor.user)
    url = reverse("api:collective", args=[convenor.collective.slug])
    response = client.patch(
        url, {"name": "Renamed", "readability_threshold": 50}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    read = client.get(url).json()
    assert (read["name"], read["readability_threshold"]) == ("Renamed", 50.0)
    assert read["area"] == convenor.collective.area  # left out, so unchanged
    [entry] = AuditEntry.objects.filter(action="collective.changed")
    assert entry.before["name"] != "Renamed" and entry.after["name"] == "Renamed"


def test_only_a_convenor_changes_the_settings_and_outsiders_find_nothing(
    client, convenor, member, outsider
):
    url = reverse("api:collective", args=[convenor.collective.slug])
    assert client.patch(url, {"name": "X"}, content_type=JSON).status_code == 401
    for who, status in ((member, 403), (outsider, 404)):
        client.force_login(who.user)
        assert client.patch(url, {"name": "X"}, content_type=JSON).status_code == status
    assert Collective.objects.get(pk=convenor.collective.pk).name != "X"
    assert not AuditEntry.objects.filter(action="collective.changed").exists()


def test_bad_settings_get_a_400_naming_the_field(client, convenor):
    client.force_login(convenor.user)
    url = reverse("api:collective", args=[convenor.collective.slug])
    for body, field in (
        ({"readability_threshold": 101}, "readability_threshold"),
        ({"readability_threshold": "plain"}, "readability_threshold"),
        ({"name": ""}, "name"),
        ({"area": "x" * 151}, "area"),
    ):
        response = client.patch(url, body, content_type=JSON)
        assert response.status_code == 400 and list(response.json()) == [field], body


# Member organisations ------------------------------------------------------------------


def _organisations(convenor: Membership) -> str:
    return reverse("api:organisations", args=[convenor.collective.slug])


def test_a_convenor_adds_a_directory_organisation(client, convenor):
    surgery = OrganisationFactory(name="Riverside Surgery")
    client.force_login(convenor.user)
    response = _post(
        client, _organisations(convenor), {"organisation": surgery.pk, "is_leadership": True}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["organisation"]["name"] == "Riverside Surgery"
    assert response.json()["is_leadership"] is True
    listed = client.get(_organisations(convenor)).json()["results"]
    assert [m["organisation"]["id"] for m in listed] == [surgery.pk]
    [entry] = AuditEntry.objects.filter(action="member_organisation.added")
    assert (entry.actor_label, entry.collective) == (convenor.user.email, convenor.collective)


def test_a_convenor_adds_the_collectives_own_organisation(client, convenor):
    client.force_login(convenor.user)
    response = _post(
        client,
        _organisations(convenor),
        {"new_organisation": {"name": "Solent LMC", "kind": "lmc", "postcode": "so14 1aa"}},
    )
    assert response.status_code == 201, response.json()
    made = Organisation.objects.get(name="Solent LMC")
    assert (made.owner, made.ods_code, made.postcode) == (convenor.collective, None, "SO14 1AA")
    assert CollectiveOrganisation.objects.filter(
        collective=convenor.collective, organisation=made, is_leadership=False
    ).exists()
    assert _actions() == ["organisation.created", "member_organisation.added"]


def test_only_a_convenor_adds_an_organisation_and_outsiders_find_nothing(
    client, convenor, member, outsider
):
    surgery = OrganisationFactory()
    body = {"organisation": surgery.pk}
    assert _post(client, _organisations(convenor), body).status_code == 401
    for who, status in ((member, 403), (outsider, 404)):
        client.force_login(who.user)
        assert _post(client, _organisations(convenor), body).status_code == status
        new = {"new_organisation": {"name": "Ours", "kind": "lmc"}}
        assert _post(client, _organisations(convenor), new).status_code == status
    assert not CollectiveOrganisation.objects.filter(organisation=surgery).exists()
    assert not Organisation.objects.filter(name="Ours").exists()


def test_another_collectives_own_organisation_is_not_found_like_a_missing_one(
    client, convenor, outsider
):
    theirs = OrganisationFactory(name="Their Own LMC", owner=outsider.collective, ods_code=None)
    client.force_login(convenor.user)
    hidden = _post(client, _organisations(convenor), {"organisation": theirs.pk})
    missing = _post(client, _organisations(convenor), {"organisation": theirs.pk + 1000})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert "Their Own" not in hidden.content.decode()
    assert not CollectiveOrganisation.objects.filter(collective=convenor.collective).exists()


def test_bad_organisations_get_a_400_naming_the_field(client, convenor, practice):
    client.force_login(convenor.user)
    url = _organisations(convenor)
    for body, field in (
        ({}, "organisation"),
        ({"organisation": 0}, "organisation"),
        ({"organisation": "one"}, "organisation"),
        ({"organisation": 2**63}, "organisation"),
        ({"organisation": 1, "new_organisation": {"name": "A", "kind": "lmc"}}, "organisation"),
        ({"new_organisation": {"name": "A", "kind": "practice"}}, "new_organisation"),
        ({"new_organisation": {"name": "x" * 201, "kind": "lmc"}}, "new_organisation"),
        (
            {"new_organisation": {"name": "A", "kind": "lmc", "postcode": "x" * 11}},
            "new_organisation",
        ),
    ):
        response = _post(client, url, body)
        assert response.status_code == 400 and list(response.json()) == [field], body
    again = _post(client, url, {"organisation": practice.organisation.pk})
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": [f"Oakwood Surgery is already a member of {convenor.collective}."]
    }
    assert CollectiveOrganisation.objects.filter(collective=convenor.collective).count() == 1


def _member_organisation(convenor: Membership, member: Any) -> str:
    return reverse("api:member_organisation", args=[convenor.collective.slug, member.pk])


def test_a_convenor_removes_an_organisation(client, convenor):
    leaving = MemberOrganisationFactory(collective=convenor.collective)
    client.force_login(convenor.user)
    assert client.delete(_member_organisation(convenor, leaving)).status_code == 204
    assert client.get(_member_organisation(convenor, leaving)).status_code == 404
    [entry] = AuditEntry.objects.filter(action="member_organisation.removed")
    assert entry.before["organisation"] == leaving.organisation_id and entry.after is None


def test_only_a_convenor_removes_an_organisation_and_not_while_someone_speaks_for_it(
    client, convenor, member, outsider, practice
):
    url = _member_organisation(convenor, practice)
    assert client.delete(url).status_code == 401
    for who, status in ((member, 403), (outsider, 404)):
        client.force_login(who.user)
        assert client.delete(url).status_code == status
    MembershipFactory(
        collective=convenor.collective, role=Role.REPRESENTATIVE, organisation=practice.organisation
    )
    client.force_login(convenor.user)
    response = client.delete(url)
    assert response.status_code == 400
    assert "still has 1 representative" in response.json()["non_field_errors"][0]
    assert CollectiveOrganisation.objects.filter(pk=practice.pk).exists()


# Invitations ---------------------------------------------------------------------------


def _invitation(convenor: Membership, email: str = "new@example.org", **extra: Any) -> Invitation:
    return services.invitation_create(
        actor_membership=convenor, email=email, role=Role.MEMBER, **extra
    )


def _invitation_url(invitation: Invitation, verb: str) -> str:
    return reverse(f"api:invitation_{verb}", args=[invitation.collective.slug, invitation.pk])


def test_a_convenor_resends_an_invitation_with_a_new_link(
    client, convenor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invitation(convenor)
    old_hash = invitation.token_hash
    client.force_login(convenor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _invitation_url(invitation, "resend"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "pending"
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert [m.to for m in mailoutbox] == [["new@example.org"]] * 2  # first sent, then again
    assert _actions() == ["invitation.created", "invitation.resent"]


def test_a_convenor_withdraws_an_invitation(client, convenor):
    invitation = _invitation(convenor)
    client.force_login(convenor.user)
    response = _post(client, _invitation_url(invitation, "revoke"))
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    listed = client.get(reverse("api:invitations", args=[convenor.collective.slug])).json()
    assert [i["status"] for i in listed["results"]] == ["revoked"]
    assert _actions() == ["invitation.created", "invitation.revoked"]
    # A withdrawn invitation is not sent again.
    again = _post(client, _invitation_url(invitation, "resend"))
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": ["This invitation was revoked; it cannot be resent."]
    }


@pytest.mark.parametrize("verb", ["resend", "revoke"])
def test_only_a_convenor_resends_or_withdraws_and_outsiders_find_nothing(
    client, convenor, member, outsider, verb
):
    invitation = _invitation(convenor)
    url = _invitation_url(invitation, verb)
    assert _post(client, url).status_code == 401
    for who, status in ((member, 403), (outsider, 404)):
        client.force_login(who.user)
        assert _post(client, url).status_code == status
    # Nor is it found under the outsider's own collective.
    other = reverse(f"api:invitation_{verb}", args=[outsider.collective.slug, invitation.pk])
    assert _post(client, other).status_code == 404
    assert _actions() == ["invitation.created"]


# Accepting an invitation ---------------------------------------------------------------


def _token(invitation: Invitation, token: str = "the-token-from-the-email") -> str:
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.token_hash(token))
    return token


def _accept(client: Any, **body: Any) -> Any:
    return _post(client, reverse("api:invitation_accept"), body)


def test_someone_new_accepts_an_invitation_with_a_name_and_a_password(client, convenor, practice):
    invitation = services.invitation_create(
        actor_membership=convenor,
        email="new@example.org",
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
    )
    response = _accept(client, token=_token(invitation), full_name="Nia New", password=STRONG)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["full_name"], body["role"]) == (
        "new@example.org",
        "Nia New",
        "representative",
    )
    assert body["collective"]["slug"] == convenor.collective.slug
    assert body["organisation"]["id"] == practice.organisation.pk
    user = User.objects.get(email="new@example.org")
    assert user.check_password(STRONG)
    assert Membership.objects.filter(user=user, collective=convenor.collective).exists()
    assert _actions() == [
        "invitation.created",
        "user.created",
        "invitation.accepted",
        "membership.created",
    ]
    # The link is used up.
    again = _accept(client, token="the-token-from-the-email", full_name="X", password=STRONG)
    assert again.status_code == 400 and list(again.json()) == ["token"]


def test_accepting_with_bad_input_gets_a_400_naming_the_field_and_makes_no_account(
    client, convenor
):
    token = _token(_invitation(convenor))
    for body, field in (
        ({"full_name": "Nia New", "password": "password"}, "password"),
        ({"full_name": "Nia New", "password": "new@example.org"}, "password"),
        ({"full_name": "   ", "password": STRONG}, "full_name"),
        ({"full_name": "x" * 151, "password": STRONG}, "full_name"),
        ({"full_name": "Nia New"}, "password"),
        ({"full_name": "Nia New", "password": STRONG, "token": "x" * 101}, "token"),
        ({"full_name": "Nia New", "password": STRONG, "token": "not-the-token"}, "token"),
    ):
        response = _accept(client, **{"token": token, **body})
        assert response.status_code == 400, body
        assert list(response.json()) == [field], (body, response.json())
    assert not User.objects.filter(email="new@example.org").exists()
    assert _actions() == ["invitation.created"]


def test_a_withdrawn_invitation_or_one_for_an_existing_account_is_refused(client, convenor):
    withdrawn = _invitation(convenor)
    services.invitation_revoke(actor_membership=convenor, invitation=withdrawn)
    response = _accept(client, token=_token(withdrawn), full_name="Nia New", password=STRONG)
    assert response.status_code == 400
    assert response.json() == {"token": ["This invitation can no longer be used."]}
    UserFactory(email="known@example.org")
    known = _invitation(convenor, email="known@example.org")
    response = _accept(client, token=_token(known, "t2"), full_name="Kay", password=STRONG)
    assert response.status_code == 400
    assert response.json() == {
        "token": ["An account with this e-mail address already exists: sign in."]
    }
    assert not Membership.objects.filter(user__email="known@example.org").exists()


def test_a_refused_join_leaves_no_account_behind(client, convenor, practice):
    """The account and the membership are made together or not at all: here the
    organisation the invitation is for has left the collective since."""
    invitation = services.invitation_create(
        actor_membership=convenor,
        email="new@example.org",
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
    )
    services.member_organisation_remove(actor_membership=convenor, member=practice)
    response = _accept(client, token=_token(invitation), full_name="Nia New", password=STRONG)
    assert response.status_code == 400
    assert "Ask the convenor for a new invitation." in response.json()["token"][0]
    assert not User.objects.filter(email="new@example.org").exists()


def test_accepting_is_limited_as_anonymous_requests_are(client, db, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda throttle: 1_000_000.0)
    wrong = {"token": "guess", "full_name": "Guess", "password": STRONG}
    statuses = {_accept(client, **wrong).status_code for _ in range(60)}
    assert statuses == {400}
    response = _accept(client, **wrong)
    assert response.status_code == 429 and response["Retry-After"] == "60"


def test_the_schema_describes_the_collectives_writes(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    prefix = "/api/v1/collectives/"
    assert "post" in paths[prefix]
    assert "patch" in paths[prefix + "{slug}/"]
    assert "post" in paths[prefix + "{slug}/organisations/"]
    assert "delete" in paths[prefix + "{slug}/organisations/{id}/"]
    for verb in ("resend", "revoke"):
        assert "post" in paths[prefix + "{slug}/invitations/{id}/" + verb + "/"]
    accept = paths["/api/v1/invitations/accept/"]["post"]
    assert accept["security"] == [{}]  # no sign-in
    components = schema["components"]["schemas"]
    assert {"CollectiveCreateInput", "MemberOrganisationAddInput", "InvitationAcceptInput"} <= set(
        components
    )
