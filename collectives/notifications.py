from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from collectives.models import ORGANISATION_ROLES, Invitation, Membership
from notifications.services import notify


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """Send the invitation e-mail once: a retried job finds it sent and sends nothing.

    Returns True when an e-mail was sent.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("collective", "organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.email_sent_at or not invitation.is_usable:
            return False
        from collectives.services import token_hash

        if invitation.token_hash != token_hash(token):
            return False  # superseded by a resend
        context = {
            "invitation": invitation,
            "link": settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token]),
            "service_name": settings.SERVICE_NAME,
        }
        message = EmailMultiAlternatives(
            subject=f"You are invited to join {invitation.collective.name} on "
            f"{settings.SERVICE_NAME}",
            body=render_to_string("collectives/email/invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("collectives/email/invitation.html", context), "text/html"
        )
        message.send()
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
    return True


def representatives_tell(*, membership: Membership, entry: AuditEntry, how: str) -> None:
    """Someone now works for or speaks for an organisation: its representatives and deputies
    hear of it (in Alliance, and by e-mail as each prefers), so nobody is attached to an
    organisation behind its back. Called by the services inside their transaction: the
    e-mails go after it commits."""
    organisation, collective = membership.organisation, membership.collective
    if organisation is None:
        return
    speakers = (
        Membership.objects.filter(
            collective=collective, organisation=organisation, role__in=ORGANISATION_ROLES
        )
        .exclude(pk=membership.pk)
        .select_related("user")
    )
    person = membership.user.display_name
    notify(
        users=[m.user for m in speakers],
        collective=collective,
        key=f"membership:{membership.pk}:attached:{entry.pk}",
        subject=f"{person} is now in {collective.name} for {organisation.name}",
        body=f"{how}\n\n{person} ({membership.user.email}) is now "
        f"{membership.get_role_display().lower()} for {organisation.name} in "
        f"{collective.name}, and sees what {organisation.name}'s people see there. "
        f"If they should not be, ask a convenor of {collective.name} to change it.",
        path=reverse("collectives:members", args=[collective.slug])
        + "?"
        + urlencode({"q": membership.user.email}),
    )
