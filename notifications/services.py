"""Writes for notifications: record them, then e-mail them after commit, once each.

`notify` records an in-app notification per person (one per person and key, so calling it
twice for the same thing adds nothing) and queues the e-mail job after the transaction
commits. People on immediate e-mail get one e-mail per notification; people on a daily or
weekly digest get one e-mail per period with everything not yet e-mailed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.changes import collective_changed
from notifications.models import Digest, Frequency, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def frequency_for(user: Any) -> str:
    found = (
        NotificationPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    )
    return found or Frequency.IMMEDIATE


def preference_set(*, user: Any, frequency: str) -> NotificationPreference:
    from audit.services import audit_record

    if frequency not in Frequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    before = frequency_for(user)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    audit_record(
        actor=user,
        action="notification_preference.changed",
        obj=preference,
        collective=None,
        before={"frequency": before},
        after={"frequency": frequency},
    )
    return preference


def notify(
    *,
    users: Iterable[Any],
    collective: Any,
    key: str,
    subject: str,
    body: str,
    path: str,
    now: dt.datetime | None = None,
) -> list[Notification]:
    """Record a notification for each person (once per key) and queue their e-mails."""
    now = now or timezone.now()
    wanted = {user.pk: user for user in users if user is not None and user.is_active}
    if not wanted:
        return []
    already = set(
        Notification.objects.filter(user_id__in=wanted, key=key).values_list("user_id", flat=True)
    )
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                collective=collective,
                key=key,
                subject=subject,
                body=body,
                path=path,
                created_at=now,
            )
            for pk in wanted
            if pk not in already
        ],
        ignore_conflicts=True,
    )
    if created:
        from notifications.tasks import send_immediate

        if collective is not None:
            collective_changed(collective.pk)
        keyed = [key]
        transaction.on_commit(partial(send_immediate, keyed, sorted(wanted)))
    return created


def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def notifications_mark_all_read(*, user: Any, collective_id: int) -> int:
    """Mark every unread notification of the person in one collective as read."""
    return Notification.objects.filter(
        user_id=user.pk, collective_id=collective_id, read_at__isnull=True
    ).update(read_at=timezone.now())


def immediate_send(*, keys: list[str], user_ids: list[int]) -> int:
    """E-mail each not-yet-e-mailed notification with these keys to people on immediate
    e-mail. Each is locked, sent and marked in one transaction: a retry sends nothing twice,
    and a failed send leaves it for the retry. Returns how many e-mails went."""
    from notifications.email import send_one

    sent = 0
    immediate = set(user_ids) - set(
        NotificationPreference.objects.filter(user_id__in=user_ids)
        .exclude(frequency=Frequency.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    pending = Notification.objects.filter(
        key__in=keys, user_id__in=immediate, emailed_at__isnull=True
    ).values_list("pk", flat=True)
    failed: Exception | None = None
    for pk in list(pending):
        try:
            with transaction.atomic():
                notification = (
                    Notification.objects.select_for_update(of=("self",))
                    .filter(pk=pk, emailed_at__isnull=True)
                    .select_related("user", "collective")
                    .first()
                )
                if notification is None:
                    continue  # another run sent it
                send_one(notification)
                notification.emailed_at = timezone.now()
                notification.save(update_fields=["emailed_at"])
                sent += 1
        except Exception as error:  # one address that fails must not hold up the others
            logger.exception("Could not e-mail notification %s", pk)
            failed = failed or error
    if failed is not None:
        raise failed  # so the job is retried for the ones that failed
    return sent


def period_start(frequency: str, now: dt.datetime) -> dt.date:
    """The local date a digest period starts on: today (daily) or this week's Monday."""
    today = timezone.localdate(now)
    if frequency == Frequency.WEEKLY:
        return today - dt.timedelta(days=today.weekday())
    return today


def digests_send(*, frequency: str, now: dt.datetime | None = None) -> int:
    """One e-mail per person on this frequency with everything not yet e-mailed, once per
    period: the Digest row and the e-mail share a transaction, so a retried job finds the
    row and sends nothing. Returns how many digests went."""
    from notifications.email import send_digest

    now = now or timezone.now()
    start = period_start(frequency, now)
    user_ids = (
        NotificationPreference.objects.filter(frequency=frequency)
        .filter(
            user__notifications__emailed_at__isnull=True,
            user__notifications__created_at__lte=now,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    failed: Exception | None = None
    for user_id in list(user_ids):
        try:
            with transaction.atomic():
                digest = Digest.objects.create(
                    user_id=user_id, frequency=frequency, period_start=start, sent_at=now
                )
                pending = list(
                    Notification.objects.select_for_update(of=("self",))
                    .filter(user_id=user_id, emailed_at__isnull=True, created_at__lte=now)
                    .select_related("collective", "user")
                    .order_by("collective__name", "created_at", "id")
                )
                if not pending:
                    raise _NothingToSend
                send_digest(digest, pending)
                Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                    emailed_at=now, digest=digest
                )
        except (IntegrityError, _NothingToSend):
            continue  # this period's digest went already, or nothing is left to send
        except Exception as error:  # one address that fails must not hold up the others
            logger.exception("Could not e-mail the %s digest to user %s", frequency, user_id)
            failed = failed or error
            continue
        sent += 1
    if failed is not None:
        raise failed
    return sent


class _NothingToSend(Exception):
    """Roll back an empty digest."""
