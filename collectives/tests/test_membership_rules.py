"""Who may be placed in which organisation, through the API, the member page and
invitations alike: only a member organisation of the same collective, whatever the role; a
convenor never places themselves (an invitation does, and the organisation is told)."""

from __future__ import annotations

import html
from typing import Any

import pytest

from alliance.testing import MemberOrganisationFactory, MembershipFactory, UserFactory
from audit.models import AuditEntry
from collectives import services
from collectives.models import Invitation, Membership, Role
from notifications.models import Notification


def _api(membership: Membership) -> str:
    return f"/api/v1/collectives/{membership.collective.slug}/memberships/{membership.pk}/"


def _patch(client: Any, membership: Membership, role: str, organisation_pk: int | None) -> Any:
    """A convenor's API call changing someone's role and organisation."""
    return client.patch(
        _api(membership),
        {"role": role, "organisation": organisation_pk},
        content_type="application/json",
    )


def _page(membership: Membership) -> str:
    return f"/c/{membership.collective.slug}/members/{membership.pk}/"


def _place(membership: Membership) -> tuple[str, int | None]:
    found = Membership.objects.get(pk=membership.pk)
    return found.role, found.organisation_id


def _invite(convenor: Membership, email: str, role: str, member: Any) -> str:
    """An invitation for someone to join for that member organisation; its link's token."""
    invitation = services.invitation_create(
        actor_membership=convenor, email=email, role=role, organisation=member.organisation
    )
    token = f"token-for-{email}"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.token_hash(token))
    return token


@pytest.fixture
def representative(collective, practice) -> Membership:
    return MembershipFactory(
        collective=collective,
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
        user__full_name="Rita Representative",
        user__email="rita@example.org",
    )


@pytest.fixture
def second_convenor(collective) -> Membership:
    """So that a convenor stepping down is not refused as the last one."""
    return MembershipFactory(collective=collective, role=Role.CONVENOR)


@pytest.mark.parametrize("role", list(Role))
def test_it_refuses_a_convenors_patch_naming_an_organisation_for_themselves(
    client, convenor, second_convenor, practice, role
):
    client.force_login(convenor.user)
    response = _patch(client, convenor, role, practice.organisation.pk)
    assert response.status_code == 400
    assert response.json() == {
        "organisation": [
            "You cannot attach yourself to Oakwood Surgery. Ask another convenor to invite "
            "you for it: the organisation's representative is told."
        ]
    }
    assert _place(convenor) == (Role.CONVENOR, None)
    assert not AuditEntry.objects.filter(action="membership.changed").exists()


def test_it_refuses_a_convenor_attaching_themselves_on_the_member_page(client, convenor, practice):
    client.force_login(convenor.user)
    hint = "You cannot put yourself in an organisation or make yourself speak for one."
    assert hint in client.get(_page(convenor)).content.decode()
    response = client.post(
        _page(convenor), {"role": Role.CONVENOR, "organisation": practice.organisation.pk}
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert "You cannot attach yourself to Oakwood Surgery." in page
    assert _place(convenor) == (Role.CONVENOR, None)


def test_it_refuses_a_convenor_making_themselves_speak_for_their_organisation(
    client, convenor, second_convenor, practice
):
    Membership.objects.filter(pk=convenor.pk).update(organisation=practice.organisation)
    client.force_login(convenor.user)
    for role in (Role.REPRESENTATIVE, Role.DEPUTY):
        response = _patch(client, convenor, role, practice.organisation.pk)
        assert response.status_code == 400
        assert response.json()["role"][0].startswith(
            f"You cannot make yourself {role.label.lower()} for Oakwood Surgery."
        )
    assert _place(convenor) == (Role.CONVENOR, practice.organisation.pk)


def test_it_lets_a_convenor_step_down_keeping_their_organisation(
    client, convenor, second_convenor, practice
):
    Membership.objects.filter(pk=convenor.pk).update(organisation=practice.organisation)
    client.force_login(convenor.user)
    response = _patch(client, convenor, Role.MEMBER, practice.organisation.pk)
    assert response.status_code == 200
    assert _place(convenor) == (Role.MEMBER, practice.organisation.pk)


@pytest.mark.parametrize("role", list(Role))
def test_it_refuses_an_organisation_outside_the_collective_for_every_role(
    client, convenor, member, role
):
    elsewhere = MemberOrganisationFactory(organisation__name="Faraway Surgery")
    client.force_login(convenor.user)
    response = _patch(client, member, role, elsewhere.organisation.pk)
    assert response.status_code == 400
    assert response.json() == {
        "organisation": [f"Faraway Surgery is not a member organisation of {convenor.collective}."]
    }
    assert _place(member) == (Role.MEMBER, member.organisation_id)
    invited = client.post(
        f"/api/v1/collectives/{convenor.collective.slug}/invitations/",
        {"email": "new@example.org", "role": role, "organisation": elsewhere.organisation.pk},
        content_type="application/json",
    )
    assert invited.status_code == 400 and "Faraway Surgery" in invited.json()["organisation"][0]
    assert not Invitation.objects.exists()


def test_it_refuses_to_attach_an_observer_to_another_collectives_practice(
    client, convenor, practice
):
    observer = MembershipFactory(collective=convenor.collective, role=Role.OBSERVER)
    theirs = MemberOrganisationFactory(organisation__name="Their Surgery")
    client.force_login(convenor.user)
    response = _patch(client, observer, Role.OBSERVER, theirs.organisation.pk)
    assert response.status_code == 400
    assert "Their Surgery is not a member organisation" in response.json()["organisation"][0]
    page = client.post(
        _page(observer), {"role": Role.OBSERVER, "organisation": theirs.organisation.pk}
    )
    assert "Select a valid choice." in page.content.decode()  # not even offered there
    assert _place(observer) == (Role.OBSERVER, None)


def test_it_refuses_an_invitation_whose_organisation_has_since_left(client, convenor, practice):
    token = _invite(convenor, "late@example.org", Role.MEMBER, practice)
    services.member_organisation_remove(actor_membership=convenor, member=practice)
    client.force_login(UserFactory(email="late@example.org"))
    page = html.unescape(client.post(f"/invitations/{token}/").content.decode())
    assert (
        f"Oakwood Surgery is not a member organisation of {convenor.collective}. "
        "Ask the convenor for a new invitation." in page
    )
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def _the_email_to_rita(mailbox: Any) -> tuple[str, str]:
    """The one e-mail that arrived, to the representative: its subject and plain text."""
    [email] = mailbox.messages
    assert email["To"] == "rita@example.org"
    return str(email["Subject"]), email.get_body(("plain",)).get_content()


def test_it_tells_the_representative_when_a_convenor_attaches_someone(
    client, convenor, practice, representative, mailbox, django_capture_on_commit_callbacks
):
    observer = MembershipFactory(
        collective=convenor.collective, role=Role.OBSERVER, user__full_name="Owen Observer"
    )
    client.force_login(convenor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _patch(client, observer, Role.OBSERVER, practice.organisation.pk)
    assert response.status_code == 200
    subject, text = _the_email_to_rita(mailbox)
    assert subject == f"Owen Observer is now in {convenor.collective} for Oakwood Surgery"
    assert "Connie Convenor, a convenor, changed Owen Observer's place" in text
    assert "is now observer (read-only) for Oakwood Surgery" in text
    assert f"/c/{convenor.collective.slug}/members/?q=" in text
    assert list(Notification.objects.values_list("user__email", flat=True)) == ["rita@example.org"]


def test_it_tells_the_representative_when_someone_is_attached_on_the_member_page(
    client, convenor, practice, representative
):
    newcomer = MembershipFactory(collective=convenor.collective, role=Role.MEMBER)
    client.force_login(convenor.user)
    assert "You cannot put yourself" not in client.get(_page(newcomer)).content.decode()
    response = client.post(
        _page(newcomer), {"role": Role.MEMBER, "organisation": practice.organisation.pk}
    )
    assert response.status_code == 302
    [told] = Notification.objects.all()
    assert told.user == representative.user
    assert told.subject.startswith(f"{newcomer.user.display_name} is now in")


def test_it_tells_the_representative_when_someone_joins_through_an_invitation_for_it(
    client, convenor, practice, representative, mailbox, django_capture_on_commit_callbacks
):
    token = _invite(convenor, "dee@example.org", Role.DEPUTY, practice)
    client.force_login(UserFactory(email="dee@example.org", full_name="Dee Deputy"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/invitations/{token}/").status_code == 302
    subject, text = _the_email_to_rita(mailbox)
    assert subject == f"Dee Deputy is now in {convenor.collective} for Oakwood Surgery"
    assert "Dee Deputy accepted an invitation from Connie Convenor" in text
    assert "is now deputy representative for Oakwood Surgery" in text


@pytest.mark.parametrize(("role", "told"), [(Role.OBSERVER, False), (Role.DEPUTY, True)])
def test_it_tells_the_representative_only_when_someone_there_starts_to_speak_for_it(
    client, convenor, member, representative, role, told
):
    client.force_login(convenor.user)
    response = _patch(client, member, role, member.organisation_id)
    assert response.status_code == 200
    expected = [representative.user.pk] if told else []
    assert list(Notification.objects.values_list("user", flat=True)) == expected
