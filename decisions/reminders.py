"""Reminders to leadership organisations that have no position on a proposal's current
version: one the day before the consent round closes, and one whenever the facilitator
presses "remind".

When a reminder is due: `closes_on` is the last date of the consent round and the round is
treated as closing at the start of that date, in the site's time zone (settings.TIME_ZONE).
"Closing within the next 24 hours" is therefore "closes_on is tomorrow's local date". The
job runs hourly; the first run of that local day sends the reminders and later runs find
nothing new to send.

Who is reminded: the representatives and deputies (active accounts) of each leadership
organisation of the proposal's collective with no position on the current version, either
none at all or one given on an earlier version (stale). One e-mail per organisation.

Each reminder is sent once: a ProposalReminder row per (proposal, organisation, version,
kind) is written in the same transaction as the e-mail goes, so a retried job sends nothing
twice. An amendment makes a new version, and with it the organisations due again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from audit.services import audit_record
from collectives.models import ORGANISATION_ROLES, Membership
from decisions import services
from decisions.models import Phase, Position, Proposal, ProposalReminder

logger = logging.getLogger(__name__)

CLOSING = "closing"
MANUAL = "manual"


def proposal_path(slug: str, pk: int) -> str:
    """The proposal's page (path only)."""
    try:
        return reverse("decisions:proposal", args=[slug, pk])
    except NoReverseMatch:  # the pages are not wired in yet
        return f"/c/{slug}/proposals/{pk}/"


@dataclass(frozen=True)
class DueOrganisation:
    pk: int
    name: str
    stated_on: int | None  # the version its (stale) position was given on, if any


def organisations_due(proposal: Proposal, current: int) -> list[DueOrganisation]:
    """Leadership organisations with no position on version `current`, by name."""
    members = services.leadership_members(proposal.collective_id)
    stated = dict(
        Position.objects.filter(proposal=proposal).values_list("organisation_id", "version__number")
    )
    return [
        DueOrganisation(pk=pk, name=name, stated_on=stated.get(pk))
        for pk, name in sorted(members.items(), key=lambda member: member[1])
        if stated.get(pk) != current
    ]


def _recipients(collective_id: int, organisation_id: int) -> list[str]:
    return sorted(
        Membership.objects.filter(
            collective_id=collective_id,
            organisation_id=organisation_id,
            role__in=ORGANISATION_ROLES,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )


def _remind(proposal: Proposal, current: int, kind: str) -> tuple[int, list[str]]:
    """Remind every organisation due on this version not yet reminded (of this kind).
    Returns how many people were e-mailed and the organisations reminded."""
    people = 0
    reminded = []
    for organisation in organisations_due(proposal, current):
        recipients = _recipients(proposal.collective_id, organisation.pk)
        if not recipients:
            continue  # nobody to tell yet: not recorded, so a later run still reminds
        try:
            with transaction.atomic():
                ProposalReminder.objects.create(
                    proposal=proposal,
                    organisation_id=organisation.pk,
                    version_number=current,
                    kind=kind,
                )
                _send(proposal, current, organisation, recipients, kind)
        except IntegrityError:
            continue  # already reminded about this version
        except (smtplib.SMTPException, OSError):
            # The record is rolled back with the failed e-mail: the next run tries again.
            logger.exception(
                "Could not send the reminder about proposal %s to %s", proposal.pk, organisation
            )
            continue
        people += len(recipients)
        reminded.append(organisation.name)
    return people, reminded


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the reminders due now for consent rounds closing tomorrow (local date).
    Returns how many people were e-mailed."""
    tomorrow = timezone.localdate(now or timezone.now()) + dt.timedelta(days=1)
    proposals = Proposal.objects.filter(phase=Phase.CONSENT, closes_on=tomorrow).select_related(
        "collective"
    )
    sent = 0
    for proposal in proposals:
        current = proposal.versions.order_by("-number").values_list("number", flat=True).first()
        if current is not None:
            sent += _remind(proposal, current, CLOSING)[0]
    return sent


def remind_now(*, actor_membership: Membership, proposal: Proposal) -> int:
    """The facilitator's (or a convenor's) "remind": e-mail the organisations with no position
    on the current version. Once per version: pressing it again sends nothing until an
    amendment. Returns how many people were e-mailed."""
    services._require_facilitator(actor_membership, proposal)
    proposal = Proposal.objects.select_related("collective").get(pk=proposal.pk)
    if proposal.phase != Phase.CONSENT:
        raise ValidationError("Reminders go out during the consent round.")
    current = services.current_version(proposal).number
    sent, reminded = _remind(proposal, current, MANUAL)
    if reminded:
        audit_record(
            actor=actor_membership.user,
            action="proposal.reminded",
            obj=proposal,
            collective=proposal.collective,
            after={"version": current, "organisations": reminded},
        )
    return sent


def _send(
    proposal: Proposal,
    current: int,
    organisation: DueOrganisation,
    recipients: list[str],
    kind: str,
) -> None:
    link = settings.SITE_URL.rstrip("/") + proposal_path(proposal.collective.slug, proposal.pk)
    title, collective = proposal.title, proposal.collective.name
    if organisation.stated_on is None:
        why = f"{organisation.name} has not stated its position yet."
    else:
        why = (
            f"{organisation.name} stated its position on version {organisation.stated_on}; "
            f"the proposal has since been amended, so please reconfirm or change it."
        )
    closes = (
        f" The consent round closes on {proposal.closes_on:%d %B %Y}." if proposal.closes_on else ""
    )
    subject = (
        f"Reminder: the consent round on {title} closes tomorrow"
        if kind == CLOSING
        else f"Reminder: state your position on {title}"
    )
    text = (
        f"Hello,\n\n{collective} is deciding by consensus on “{title}” (version {current}). "
        f"{why}{closes}\n\n"
        "The organisation takes the position; its representative or deputy states it.\n\n"
        f"State your organisation's position here: {link}\n"
    )
    message = EmailMultiAlternatives(subject=subject, body=text, to=recipients)
    message.attach_alternative(
        f"<p>Hello,</p><p>{escape(collective)} is deciding by consensus on "
        f"“{escape(title)}” (version {current}). {escape(why)}{escape(closes)}</p>"
        "<p>The organisation takes the position; its representative or deputy states it.</p>"
        f'<p><a href="{escape(link)}">State your organisation\'s position</a></p>',
        "text/html",
    )
    message.send()


REVIEW = "review"


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """On a decision's review date, remind its facilitator (once: a retried job sends
    nothing more). Returns the number of e-mails sent."""
    from decisions.models import Decision, DecisionStatus

    today = today or timezone.localdate()
    sent = 0
    due = Decision.objects.filter(review_on=today, status=DecisionStatus.IN_FORCE).select_related(
        "proposal__facilitator", "collective"
    )
    for decision in due:
        facilitator = decision.proposal.facilitator
        if facilitator is None or not facilitator.is_active:
            continue
        organisation_id = (
            Membership.objects.filter(collective=decision.collective, user=facilitator)
            .values_list("organisation_id", flat=True)
            .first()
        ) or decision.proposal.positions.values_list("organisation_id", flat=True).first()
        if organisation_id is None:
            continue
        try:
            with transaction.atomic():
                ProposalReminder.objects.create(
                    proposal=decision.proposal,
                    organisation_id=organisation_id,
                    version_number=0,
                    kind=REVIEW,
                )
                link = settings.SITE_URL.rstrip("/") + reverse(
                    "decisions:decision", args=[decision.collective.slug, decision.pk]
                )
                text = (
                    f"Hello,\n\nThe decision “{decision.title}” of {decision.collective.name} "
                    f"is due for review today. Check it still works for every member; if it "
                    f"does not, any leadership member can ask to revisit it.\n\n{link}\n"
                )
                message = EmailMultiAlternatives(
                    subject=f"Review due: {decision.title}", body=text, to=[facilitator.email]
                )
                message.attach_alternative(
                    f"<p>Hello,</p><p>The decision “{escape(decision.title)}” of "
                    f"{escape(decision.collective.name)} is due for review today. Check it "
                    "still works for every member; if it does not, any leadership member can "
                    f'ask to revisit it.</p><p><a href="{escape(link)}">Open the decision</a></p>',
                    "text/html",
                )
                message.send()
        except IntegrityError:
            continue
        sent += 1
    return sent
