"""Reminders to organisations that have not finished a round, 3 days and 1 day before it
closes. Each reminder is sent once (ReminderSent): a retried job sends nothing twice."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from collectives.models import ORGANISATION_ROLES, Membership, Role
from surveys.models import AnswerMode, ReminderSent, Response, SurveyRound

DAYS_BEFORE = (3, 1)


def _recipients(survey: SurveyRound, organisation_id: int) -> list[str]:
    roles = list(ORGANISATION_ROLES)
    if survey.answer_mode == AnswerMode.STAFF:
        roles.append(Role.MEMBER)
    return list(
        Membership.objects.filter(
            collective_id=survey.collective_id, organisation_id=organisation_id, role__in=roles
        ).values_list("user__email", flat=True)
    )


def reminders_send(*, today: dt.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails went."""
    today = today or timezone.localdate()
    sent = 0
    for days in DAYS_BEFORE:
        closing = today + dt.timedelta(days=days)
        for survey in SurveyRound.objects.filter(
            closes_on=closing, closed_at__isnull=True, opens_on__lte=today
        ).select_related("collective"):
            finished = set(
                Response.objects.filter(round=survey, submitted_at__isnull=False).values_list(
                    "organisation_id", flat=True
                )
            )
            for participant in survey.round_participants.select_related("organisation"):
                organisation = participant.organisation
                if organisation.pk in finished:
                    continue
                recipients = _recipients(survey, organisation.pk)
                if not recipients:
                    continue
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            round=survey, organisation=organisation, days_before=days
                        )
                        _send(survey, organisation.name, recipients, days)
                except IntegrityError:
                    continue  # already reminded for this mark
                sent += len(recipients)
    return sent


def _send(survey: SurveyRound, organisation: str, recipients: list[str], days: int) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "surveys:answer", args=[survey.collective.slug, survey.pk]
    )
    when = "tomorrow" if days == 1 else f"in {days} days"
    text = (
        f"Hello,\n\n{survey.title} for {survey.collective.name} closes {when}, on "
        f"{survey.closes_on:%d %B %Y}, and {organisation} has not finished answering yet.\n\n"
        f"Your answers are confidential: nobody sees another organisation's own answers.\n\n"
        f"Answer here: {link}\n"
    )
    message = EmailMultiAlternatives(
        subject=f"Reminder: {survey.title} closes {when}", body=text, to=recipients
    )
    message.attach_alternative(
        f"<p>Hello,</p><p>{escape(survey.title)} for {escape(survey.collective.name)} closes "
        f"{when}, on {survey.closes_on:%d %B %Y}, and {escape(organisation)} has not finished "
        f"answering yet.</p><p>Your answers are confidential: nobody sees another "
        f'organisation\'s own answers.</p><p><a href="{link}">Answer the survey</a></p>',
        "text/html",
    )
    message.send()
