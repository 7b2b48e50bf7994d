"""Writes to collectives: members, roles, organisations, invitations.

Every function here checks the actor's right to act, writes inside a transaction, records
an audit entry and queues any e-mail only after the transaction commits.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import partial

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.selectors import account_exists
from audit.services import audit_record, snapshot
from collectives import notifications
from collectives.access import require_convenor, require_data_steward
from collectives.models import (
    HAND_ADDED_KINDS,
    INVITATION_VALID_FOR,
    ORGANISATION_ROLES,
    Collective,
    CollectiveOrganisation,
    CollectivePersonRole,
    Invitation,
    Membership,
    Role,
)
from directory.models import Organisation, Person, PersonRole
from directory.selectors import people_seen_by
from directory.services import organisation_create

MEMBERSHIP_FIELDS = ["user", "role", "organisation"]
FULL_NAME_MAX = User._meta.get_field("full_name").max_length or 150


def _check_role_organisation(
    *, collective: Collective, role: str, organisation: Organisation | None
) -> None:
    """Whatever the role, an organisation someone is placed in must be a member organisation
    of this collective (a member, observer or guest too: it decides what they see)."""
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role in a collective."})
    if role in ORGANISATION_ROLES and organisation is None:
        raise ValidationError(
            {"organisation": "A representative or deputy must speak for a member organisation."}
        )
    if (
        organisation is not None
        and not CollectiveOrganisation.objects.filter(
            collective=collective, organisation=organisation
        ).exists()
    ):
        raise ValidationError(
            {
                "organisation": f"{organisation.name} is not a member organisation of "
                f"{collective.name}."
            }
        )


def _check_not_attaching_yourself(
    *,
    actor_membership: Membership,
    membership: Membership,
    role: str,
    organisation: Organisation | None,
) -> None:
    """A convenor may change anyone's role, but not put themselves in an organisation or
    make themselves speak for one: that would let them read its survey answers without its
    knowing. An invitation does it instead, and the organisation's representative is told."""
    if membership.pk != actor_membership.pk:
        return
    invite = "Ask another convenor to invite you for it: the organisation's representative is told."
    if organisation is not None and organisation.pk != membership.organisation_id:
        raise ValidationError(
            {"organisation": f"You cannot attach yourself to {organisation.name}. {invite}"}
        )
    if organisation is not None and role in ORGANISATION_ROLES and role != membership.role:
        raise ValidationError(
            {
                "role": f"You cannot make yourself {Role(role).label.lower()} for "
                f"{organisation.name}. {invite}"
            }
        )


def _lock_collective(collective: Collective) -> None:
    """Serialise changes to a collective's people: lock its row until the transaction ends.

    Taking this one lock first (rather than locking membership rows one by one) means two
    convenors stepping down at once queue up instead of deadlocking, and the second sees
    that only one convenor is left.
    """
    Collective.objects.select_for_update().filter(pk=collective.pk).values_list("pk").get()


def _convenor_count(collective: Collective) -> int:
    return Membership.objects.filter(collective=collective, role=Role.CONVENOR).count()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Collectives ---------------------------------------------------------------------------


@transaction.atomic
def collective_create(
    *,
    actor: User | None,
    convenor: User,
    name: str,
    area: str,
    description: str,
    slug: str = "",
) -> Collective:
    """Set up a collective with its first convenor (only a data steward: see
    ``require_data_steward``). ``actor`` None is the service itself (``load_demo``)."""
    if actor is not None:
        require_data_steward(actor)
    collective = Collective(
        name=name.strip(),
        area=area.strip(),
        description=description.strip(),
        slug=slugify(slug or name)[:60],
    )
    collective.full_clean()
    collective.save()
    membership = Membership.objects.create(collective=collective, user=convenor, role=Role.CONVENOR)
    audit_record(
        actor=actor,
        action="collective.created",
        obj=collective,
        collective=collective,
        after=snapshot(collective),
    )
    audit_record(
        actor=actor,
        action="membership.created",
        obj=membership,
        collective=collective,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return collective


@transaction.atomic
def collective_update(
    *,
    actor_membership: Membership,
    name: str,
    area: str,
    description: str,
    readability_threshold: float | None = None,
) -> Collective:
    require_convenor(actor_membership)
    collective = Collective.objects.select_for_update().get(pk=actor_membership.collective_id)
    before = snapshot(collective)
    collective.name, collective.area, collective.description = (
        name.strip(),
        area.strip(),
        description.strip(),
    )
    if readability_threshold is not None:
        collective.readability_threshold = readability_threshold
    collective.full_clean()
    collective.save()
    audit_record(
        actor=actor_membership.user,
        action="collective.changed",
        obj=collective,
        collective=collective,
        before=before,
        after=snapshot(collective),
    )
    return collective


# Member organisations ------------------------------------------------------------------


@transaction.atomic
def member_organisation_add(
    *, actor_membership: Membership, organisation: Organisation, is_leadership: bool = False
) -> CollectiveOrganisation:
    require_convenor(actor_membership)
    collective = actor_membership.collective
    if organisation.owner_id not in (None, collective.pk):
        raise ValidationError(
            f"{organisation.name} was added by hand by another collective and is its own "
            "record: add your own record of the organisation instead."
        )
    if CollectiveOrganisation.objects.filter(
        collective=collective, organisation=organisation
    ).exists():
        raise ValidationError(f"{organisation.name} is already a member of {collective.name}.")
    member = CollectiveOrganisation.objects.create(
        collective=collective, organisation=organisation, is_leadership=is_leadership
    )
    audit_record(
        actor=actor_membership.user,
        action="member_organisation.added",
        obj=member,
        collective=collective,
        after=snapshot(member),
    )
    return member


@transaction.atomic
def member_organisation_create(
    *,
    actor_membership: Membership,
    name: str,
    kind: str,
    postcode: str = "",
    is_leadership: bool = False,
) -> CollectiveOrganisation:
    """Add an organisation without an ODS code (a federation or an LMC, say) as the
    collective's own record, and make it a member organisation, in one step."""
    require_convenor(actor_membership)
    if kind not in dict(HAND_ADDED_KINDS):
        raise ValidationError(
            {"kind": "Practices, PCNs and NHS bodies have ODS codes: add them from the directory."}
        )
    organisation = organisation_create(
        actor=actor_membership.user,
        actor_membership=actor_membership,
        name=name,
        kind=kind,
        postcode=postcode,
    )
    return member_organisation_add(
        actor_membership=actor_membership, organisation=organisation, is_leadership=is_leadership
    )


@transaction.atomic
def member_organisation_update(
    *,
    actor_membership: Membership,
    member: CollectiveOrganisation,
    is_leadership: bool | None = None,
    display_name: str | None = None,
    note: str | None = None,
) -> CollectiveOrganisation:
    """Change what the collective records about a member organisation: the leadership flag,
    its local name and its note. They are the collective's alone; the directory's record of
    the organisation is not touched. Arguments left as None stay as they are."""
    require_convenor(actor_membership)
    member = CollectiveOrganisation.objects.select_for_update().get(
        pk=member.pk, collective_id=actor_membership.collective_id
    )
    before = snapshot(member)
    if is_leadership is not None:
        member.is_leadership = is_leadership
    if display_name is not None:
        member.display_name = display_name.strip()
    if note is not None:
        member.note = note.strip()
    member.full_clean(exclude=["collective", "organisation"])
    member.save(update_fields=["is_leadership", "display_name", "note"])
    audit_record(
        actor=actor_membership.user,
        action="member_organisation.changed",
        obj=member,
        collective=member.collective,
        before=before,
        after=snapshot(member),
    )
    return member


@transaction.atomic
def member_organisation_remove(
    *, actor_membership: Membership, member: CollectiveOrganisation
) -> None:
    require_convenor(actor_membership)
    speakers = Membership.objects.filter(
        collective_id=member.collective_id,
        organisation_id=member.organisation_id,
        role__in=ORGANISATION_ROLES,
    ).count()
    if speakers:
        raise ValidationError(
            f"{member.organisation.name} still has {speakers} representative"
            f"{'s' if speakers != 1 else ''} or deputies. Change their roles first."
        )
    before = snapshot(member)
    audit_record(
        actor=actor_membership.user,
        action="member_organisation.removed",
        obj=member,
        collective=member.collective,
        before=before,
        after=None,
    )
    member.delete()


@transaction.atomic
def person_roles_set(*, actor_membership: Membership, roles: dict[Person, str]) -> None:
    """Record people's roles in the collective ("" clears one). Each must be someone the
    collective sees; the directory's record of them is not touched."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    seen = set(
        people_seen_by(collective_id=collective.pk)
        .filter(pk__in=[p.pk for p in roles])
        .values_list("pk", flat=True)
    )
    errors = [f"{p.name} is not someone {collective.name} sees." for p in roles if p.pk not in seen]
    errors += [
        f"{role!r} is not a role ({p.name})."
        for p, role in roles.items()
        if role not in ("", *PersonRole.values)
    ]
    if errors:
        raise ValidationError({"role": errors})
    current = {
        r.person_id: r
        for r in CollectivePersonRole.objects.select_for_update().filter(
            collective=collective, person_id__in=seen
        )
    }
    for person, role in roles.items():
        record = current.get(person.pk)
        before = record.role if record else ""
        if before == role:
            continue
        if not role:
            record.delete()  # type: ignore[union-attr]
        elif record is None:
            CollectivePersonRole.objects.create(collective=collective, person=person, role=role)
        else:
            record.role = role
            record.save(update_fields=["role"])
        audit_record(
            actor=actor_membership.user,
            action="person_role.changed",
            obj=person,
            collective=collective,
            before={"role": before},
            after={"role": role},
        )


# People --------------------------------------------------------------------------------


@transaction.atomic
def membership_change(
    *,
    actor_membership: Membership,
    membership: Membership,
    role: str,
    organisation: Organisation | None,
) -> Membership:
    """Change a person's role (and the organisation they work for or speak for). When that
    puts them in an organisation, or makes them speak for it, its representatives are told."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    _lock_collective(collective)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_role_organisation(collective=collective, role=role, organisation=organisation)
    _check_not_attaching_yourself(
        actor_membership=actor_membership,
        membership=membership,
        role=role,
        organisation=organisation,
    )
    if (
        membership.role == Role.CONVENOR
        and role != Role.CONVENOR
        and _convenor_count(collective) <= 1
    ):
        raise ValidationError(
            {
                "role": "A collective needs at least one convenor. "
                "Make someone else a convenor first."
            }
        )
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    attached = organisation is not None and (
        organisation.pk != membership.organisation_id
        or (role in ORGANISATION_ROLES and membership.role not in ORGANISATION_ROLES)
    )
    membership.role = role
    membership.organisation = organisation
    membership.save(update_fields=["role", "organisation"])
    entry = audit_record(
        actor=actor_membership.user,
        action="membership.changed",
        obj=membership,
        collective=collective,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    if attached:
        notifications.representatives_tell(
            membership=membership,
            entry=entry,
            how=f"{actor_membership.user.display_name}, a convenor, changed "
            f"{membership.user.display_name}'s place in {collective.name}.",
        )
    return membership


@transaction.atomic
def membership_remove(*, actor_membership: Membership, membership: Membership) -> None:
    """Remove a person from the collective. Anyone may leave; convenors may remove others."""
    if membership.pk != actor_membership.pk:
        require_convenor(actor_membership)
    collective = actor_membership.collective
    _lock_collective(collective)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.CONVENOR and _convenor_count(collective) <= 1:
        raise ValidationError(
            "This is the collective's last convenor. Make someone else a convenor first."
        )
    audit_record(
        actor=actor_membership.user,
        action="membership.removed",
        obj=membership,
        collective=collective,
        before=snapshot(membership, MEMBERSHIP_FIELDS),
        after=None,
    )
    membership.delete()


# Invitations ---------------------------------------------------------------------------


def _queue_invitation_email(invitation: Invitation, token: str) -> None:
    from collectives.tasks import send_invitation_email

    transaction.on_commit(partial(send_invitation_email, invitation.pk, token))


@transaction.atomic
def invitation_create(
    *,
    actor_membership: Membership,
    email: str,
    role: str,
    organisation: Organisation | None = None,
) -> Invitation:
    """Invite someone by e-mail; the e-mail is sent by a background job after commit."""
    require_convenor(actor_membership)
    collective = actor_membership.collective
    email = email.strip().lower()
    _check_role_organisation(collective=collective, role=role, organisation=organisation)
    if Membership.objects.filter(collective=collective, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {collective.name}."})
    now = timezone.now()
    pending = Invitation.objects.filter(
        collective=collective,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if pending.exists():
        raise ValidationError(
            {"email": f"{email} already has an invitation waiting. Resend it instead."}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        collective=collective,
        email=email,
        role=role,
        organisation=organisation,
        token_hash=token_hash(token),
        invited_by=actor_membership.user,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    audit_record(
        actor=actor_membership.user,
        action="invitation.created",
        obj=invitation,
        collective=collective,
        after=snapshot(invitation, ["email", "role", "organisation", "expires_at"]),
    )
    _queue_invitation_email(invitation, token)
    return invitation


@transaction.atomic
def invitation_resend(*, actor_membership: Membership, invitation: Invitation) -> Invitation:
    """Send a fresh link (the old one stops working) valid for another 7 days."""
    require_convenor(actor_membership)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation was {invitation.status}; it cannot be resent.")
    before = snapshot(invitation, ["expires_at"])
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.email_sent_at = None
    invitation.save(update_fields=["token_hash", "expires_at", "email_sent_at"])
    audit_record(
        actor=actor_membership.user,
        action="invitation.resent",
        obj=invitation,
        collective=invitation.collective,
        before=before,
        after=snapshot(invitation, ["expires_at"]),
    )
    _queue_invitation_email(invitation, token)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor_membership: Membership, invitation: Invitation) -> Invitation:
    require_convenor(actor_membership)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted.")
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor_membership.user,
            action="invitation.revoked",
            obj=invitation,
            collective=invitation.collective,
            before={"revoked_at": None},
            after=snapshot(invitation, ["revoked_at"]),
        )
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("collective", "organisation", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


class InvitationUnusable(ValidationError):
    """The link was used, revoked, has expired, or belongs to someone else: an error in the
    invitation's token."""

    def __init__(self, message: str) -> None:
        super().__init__({"token": message})


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the collective the invitation is for, with its preset role and organisation."""
    found = invitation_by_token(token)
    if found is None:
        raise InvitationUnusable("This invitation link is not valid. Check you copied all of it.")
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if not invitation.is_usable:
        raise InvitationUnusable(
            {
                "accepted": "This invitation has already been used. Sign in to continue.",
                "revoked": "This invitation was withdrawn. Ask the convenor for a new one.",
                "expired": "This invitation has expired (links last 7 days). "
                "Ask the convenor to send a new one.",
            }[invitation.status]
        )
    if invitation.email.lower() != user.email.lower():
        raise InvitationUnusable(
            f"This invitation is for {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and open the link again."
        )
    collective = invitation.collective
    if Membership.objects.filter(collective=collective, user=user).exists():
        raise InvitationUnusable(f"You are already a member of {collective.name}.")
    try:  # the organisation may have left the collective since the invitation was sent
        _check_role_organisation(
            collective=collective, role=invitation.role, organisation=invitation.organisation
        )
    except ValidationError as error:
        raise InvitationUnusable(
            f"{' '.join(error.messages)} Ask the convenor for a new invitation."
        ) from None
    membership = Membership.objects.create(
        collective=collective,
        user=user,
        role=invitation.role,
        organisation=invitation.organisation,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        collective=collective,
        before={"accepted_at": None},
        after=snapshot(invitation, ["accepted_at"]),
    )
    entry = audit_record(
        actor=user,
        action="membership.created",
        obj=membership,
        collective=collective,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    inviter = invitation.invited_by.display_name if invitation.invited_by else "A convenor"
    notifications.representatives_tell(
        membership=membership,
        entry=entry,
        how=f"{user.display_name} accepted an invitation from {inviter} and joined "
        f"{collective.name}.",
    )
    return membership


def _check_new_account(invitation: Invitation, full_name: str, password: str) -> None:
    """The name and password a new account is made with, checked as the sign-up page would:
    a name, and a password the password validators accept."""
    errors: dict[str, list[str]] = {}
    if not full_name.strip():
        errors["full_name"] = ["Enter your full name."]
    elif len(full_name.strip()) > FULL_NAME_MAX:
        errors["full_name"] = [f"Use at most {FULL_NAME_MAX} characters."]
    try:
        password_validation.validate_password(
            password, User(email=invitation.email, full_name=full_name.strip())
        )
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def invited_user_create(*, token: str, full_name: str, password: str) -> User:
    """Create the account an invitation's link leads to; its e-mail is proven by the link."""
    from allauth.account.models import EmailAddress

    invitation = invitation_by_token(token)
    if invitation is None or not invitation.is_usable:
        raise InvitationUnusable("This invitation can no longer be used.")
    if account_exists(email=invitation.email):
        raise InvitationUnusable("An account with this e-mail address already exists: sign in.")
    _check_new_account(invitation, full_name, password)
    user = User.objects.create_user(
        email=invitation.email, password=password, full_name=full_name.strip()
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    audit_record(
        actor=user,
        action="user.created",
        obj=user,
        collective=invitation.collective,
        after={"email": user.email, "full_name": user.full_name},
    )
    return user


@transaction.atomic
def invitation_accept_new_account(*, token: str, full_name: str, password: str) -> Membership:
    """Accept an invitation as someone new: make their account and join, both or neither."""
    user = invited_user_create(token=token, full_name=full_name, password=password)
    return invitation_accept(token=token, user=user)
