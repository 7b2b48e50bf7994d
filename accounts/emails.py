"""The e-mail that carries a one-time sign-in link to someone locked out by failed sign-ins."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from accounts.models import SignInLink


def sign_in_link_email_send(*, link_id: int) -> bool:
    """Send the link's e-mail once: a retried job finds it sent and sends nothing, and a
    link that has expired or been used is not sent. Returns True when an e-mail was sent.

    The token is made here, so it never waits in the job queue or the database."""
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=link_id)
            .first()
        )
        now = timezone.now()
        if link is None or link.emailed_at or link.used_at or link.expires_at <= now:
            return False
        if not link.user.is_active:
            return False
        token = tokens.sign_in_link_token(link_id=link.pk)
        context = {
            "service": settings.SERVICE_NAME,
            "link": settings.SITE_URL.rstrip("/") + reverse("accounts:sign_in_link", args=[token]),
            "user": link.user,
            "locked_at": link.created_at,
            "expires_at": link.expires_at,
            "ip_address": link.ip_address,
            "attempts": settings.LOGIN_LOCKOUT_ATTEMPTS,
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "link_minutes": settings.SIGN_IN_LINK_MINUTES,
        }
        message = EmailMultiAlternatives(
            subject=f"Failed attempts to sign in to {settings.SERVICE_NAME} with your e-mail "
            "address",
            body=render_to_string("accounts/email/sign_in_link.txt", context),
            to=[link.user.email],
        )
        message.attach_alternative(
            render_to_string("accounts/email/sign_in_link.html", context), "text/html"
        )
        message.send()
        link.emailed_at = now
        link.save(update_fields=["emailed_at"])
    return True
