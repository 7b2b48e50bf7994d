import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.testing import MemberOrganisationFactory, MembershipFactory, UserFactory
from audit.models import AuditEntry
from collectives import services
from collectives.models import Invitation, Membership, Role


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_it_audits_creating_changing_and_removing_a_membership(
    convenor, practice, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor_membership=convenor,
            email="new@example.org",
            role=Role.MEMBER,
            organisation=practice.organisation,
        )
    token = mailbox.messages[0].get_body(("plain",)).get_content().split("/invitations/")[1]
    token = token.split("/")[0]
    newcomer = UserFactory(email="new@example.org")

    joined = services.invitation_accept(token=token, user=newcomer)
    [created] = _entries("membership.created")[-1:]
    assert created.before is None
    assert created.after == {
        "user": newcomer.pk,
        "role": "member",
        "organisation": practice.organisation.pk,
    }
    assert created.collective == convenor.collective

    services.membership_change(
        actor_membership=convenor,
        membership=joined,
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
    )
    [changed] = _entries("membership.changed")
    assert changed.actor == convenor.user
    assert changed.before["role"] == "member" and changed.after["role"] == "representative"

    services.membership_remove(actor_membership=convenor, membership=joined)
    [removed] = _entries("membership.removed")
    assert removed.before["role"] == "representative" and removed.after is None
    assert not Membership.objects.filter(pk=joined.pk).exists()


def test_it_keeps_the_last_convenor(convenor):
    with pytest.raises(ValidationError, match="last convenor"):
        services.membership_remove(actor_membership=convenor, membership=convenor)
    with pytest.raises(ValidationError, match="at least one convenor"):
        services.membership_change(
            actor_membership=convenor, membership=convenor, role=Role.MEMBER, organisation=None
        )
    assert Membership.objects.get(pk=convenor.pk).role == Role.CONVENOR


def test_it_lets_a_convenor_step_down_once_there_is_another(convenor):
    MembershipFactory(collective=convenor.collective, role=Role.CONVENOR)
    services.membership_remove(actor_membership=convenor, membership=convenor)
    assert not Membership.objects.filter(pk=convenor.pk).exists()


def test_it_lets_only_convenors_manage_members(member, convenor):
    with pytest.raises(PermissionDenied):
        services.membership_change(
            actor_membership=member, membership=convenor, role=Role.MEMBER, organisation=None
        )
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor_membership=member, email="x@example.org", role=Role.MEMBER)


def test_it_requires_a_member_organisation_for_a_representative(convenor, member):
    outside_practice = MemberOrganisationFactory().organisation
    with pytest.raises(ValidationError) as error:
        services.membership_change(
            actor_membership=convenor,
            membership=member,
            role=Role.REPRESENTATIVE,
            organisation=None,
        )
    assert "must speak for a member organisation" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.membership_change(
            actor_membership=convenor,
            membership=member,
            role=Role.REPRESENTATIVE,
            organisation=outside_practice,
        )
    assert "is not a member organisation" in str(error.value)


def _invite(convenor, email="invitee@example.org"):
    return services.invitation_create(actor_membership=convenor, email=email, role=Role.MEMBER)


def _token_for(invitation: Invitation) -> str:
    token = "known-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.token_hash(token))
    return token


def test_an_invitation_works_once(convenor):
    token = _token_for(_invite(convenor))
    user = UserFactory(email="invitee@example.org")
    services.invitation_accept(token=token, user=user)
    with pytest.raises(services.InvitationUnusable, match="already been used"):
        services.invitation_accept(token=token, user=user)


def test_an_invitation_expires_after_seven_days(convenor):
    invitation = _invite(convenor)
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    token = _token_for(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationUnusable, match="expired"):
        services.invitation_accept(token=token, user=UserFactory(email="invitee@example.org"))
    assert not Membership.objects.filter(user__email="invitee@example.org").exists()


def test_an_invitation_is_only_for_the_address_it_was_sent_to(convenor):
    token = _token_for(_invite(convenor))
    with pytest.raises(services.InvitationUnusable, match=r"is for invitee@example\.org"):
        services.invitation_accept(token=token, user=UserFactory(email="someone@example.org"))


def test_an_invitation_presets_role_and_organisation(convenor, practice):
    invitation = services.invitation_create(
        actor_membership=convenor,
        email="rep@example.org",
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
    )
    joined = services.invitation_accept(
        token=_token_for(invitation), user=UserFactory(email="rep@example.org")
    )
    assert (joined.role, joined.organisation) == (Role.REPRESENTATIVE, practice.organisation)


def test_a_withdrawn_invitation_cannot_be_used(convenor):
    invitation = _invite(convenor)
    token = _token_for(invitation)
    services.invitation_revoke(actor_membership=convenor, invitation=invitation)
    with pytest.raises(services.InvitationUnusable, match="withdrawn"):
        services.invitation_accept(token=token, user=UserFactory(email="invitee@example.org"))


def test_it_refuses_a_second_waiting_invitation_or_a_current_member(convenor, member):
    _invite(convenor)
    with pytest.raises(ValidationError, match="already has an invitation"):
        _invite(convenor)
    with pytest.raises(ValidationError, match="already a member"):
        _invite(convenor, email=member.user.email)


def test_a_failed_write_leaves_nothing_behind(convenor):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor_membership=convenor,
            email="x@example.org",
            role=Role.REPRESENTATIVE,
            organisation=None,
        )
    assert AuditEntry.objects.count() == before
    assert not Invitation.objects.exists()


def test_removing_an_organisation_with_representatives_is_refused(convenor, practice, member):
    services.membership_change(
        actor_membership=convenor,
        membership=member,
        role=Role.REPRESENTATIVE,
        organisation=practice.organisation,
    )
    with pytest.raises(ValidationError, match="representative"):
        services.member_organisation_remove(actor_membership=convenor, member=practice)
