from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from collectives.models import Invitation


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
