"""The e-mails that carry notifications: a plain-text part and an HTML part, each with a
link straight to the page (one click, then sign in if needed)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.models import Digest, Frequency, Notification


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_one(notification: Notification) -> None:
    context = {
        "service": settings.SERVICE_NAME,
        "n": notification,
        "link": absolute(notification.path),
        "settings_link": absolute("/account/notifications/"),
    }
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string("notifications/email/one.txt", context),
        to=[notification.user.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/one.html", context), "text/html"
    )
    message.send()


def send_digest(digest: Digest, notifications: list[Notification]) -> None:
    by_collective: dict[str, list[dict[str, object]]] = defaultdict(list)
    for n in notifications:
        by_collective[n.collective.name].append({"n": n, "link": absolute(n.path)})
    period = "daily" if digest.frequency == Frequency.DAILY else "weekly"
    count = len(notifications)
    context = {
        "service": settings.SERVICE_NAME,
        "period": period,
        "count": count,
        "groups": sorted(by_collective.items()),
        "settings_link": absolute("/account/notifications/"),
    }
    message = EmailMultiAlternatives(
        subject=f"Your {period} {settings.SERVICE_NAME} digest: "
        f"{count} update{'s' if count != 1 else ''}",
        body=render_to_string("notifications/email/digest.txt", context),
        to=[notifications[0].user.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    message.send()
