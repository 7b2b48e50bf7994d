"""Reminders to organisations with no position on the current version: each sent once."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from decisions import services, tasks
from decisions.models import Proposal, ProposalReminder
from decisions.reminders import remind_now, reminders_send

LONDON = zoneinfo.ZoneInfo("Europe/London")
# 23:30 on 9 June in London (22:30 UTC): the round closing on 10 June is due.
NOW = dt.datetime(2031, 6, 9, 23, 30, tzinfo=LONDON)
CLOSES = dt.date(2031, 6, 10)


def _recipients(mailbox):
    return sorted(address for message in mailbox.messages for address in message["To"].split(", "))


def _closing(group, closes_on=CLOSES):
    Proposal.objects.filter(pk=group.proposal.pk).update(closes_on=closes_on)
    group.proposal.refresh_from_db()


def test_only_organisations_without_a_position_on_the_current_version_are_reminded(
    group, mailbox, settings
):
    settings.SITE_URL = "https://alliance.example"
    _closing(group)
    group.all_support(except_for=(3, 4))
    deputy = MembershipFactory(
        collective=group.convenor.collective,
        role=Role.DEPUTY,
        organisation=group.reps[4].organisation,
    )
    MembershipFactory(  # staff of a member organisation are not asked
        collective=group.convenor.collective,
        role=Role.MEMBER,
        organisation=group.reps[4].organisation,
    )
    assert reminders_send(now=NOW) == 3
    assert _recipients(mailbox) == sorted(
        [group.reps[3].user.email, group.reps[4].user.email, deputy.user.email]
    )
    message = next(m for m in mailbox.messages if group.reps[3].user.email in m["To"])
    assert message["Subject"] == (
        "Reminder: the consent round on One phlebotomy service for the island closes tomorrow"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"/c/{group.convenor.collective.slug}/proposals/{group.proposal.pk}/"
    assert "Island LMC has not stated its position yet." in text
    assert "closes on 10 June 2031" in text and link in text
    assert f'href="https://alliance.example{link}"' in html


def test_a_retried_job_sends_nothing_more(group, mailbox):
    _closing(group)
    group.all_support(except_for=(4,))
    assert reminders_send(now=NOW) == 1
    assert reminders_send(now=NOW + dt.timedelta(minutes=20)) == 0
    tasks.send_proposal_reminders.call_local()
    assert len(mailbox.messages) == 1
    assert ProposalReminder.objects.get().kind == "closing"


def test_a_new_version_makes_organisations_due_again(group, mailbox):
    _closing(group)
    group.all_support(except_for=(4,))
    reminders_send(now=NOW)
    services.proposal_amend(
        actor_membership=group.convenor, proposal=group.proposal, text="One service, two hubs."
    )
    group.all_support(except_for=(0, 4))  # North PCN has not reconfirmed on version 2
    mailbox.clear()
    assert reminders_send(now=NOW) == 2
    assert _recipients(mailbox) == sorted([group.reps[0].user.email, group.reps[4].user.email])
    north = next(m for m in mailbox.messages if group.reps[0].user.email in m["To"])
    assert "stated its position on version 1" in north.get_body(("plain",)).get_content()
    assert sorted(ProposalReminder.objects.values_list("version_number", flat=True)) == [1, 2, 2]


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2031, 6, 8, 23, 59, tzinfo=LONDON),  # closes the day after tomorrow
        dt.datetime(2031, 6, 10, 0, 1, tzinfo=LONDON),  # closes today: too late for this one
    ],
)
def test_only_rounds_closing_tomorrow_local_time_are_reminded(group, mailbox, now):
    _closing(group)
    assert reminders_send(now=now) == 0
    assert mailbox.messages == []


def test_the_closing_date_is_read_in_local_time(group, mailbox):
    _closing(group)
    # 23:30 UTC on 8 June is already 00:30 on 9 June in London (summer time).
    assert reminders_send(now=dt.datetime(2031, 6, 8, 23, 30, tzinfo=dt.UTC)) == 5


def test_proposals_outside_the_consent_round_are_not_reminded(group, mailbox):
    _closing(group)
    services.proposal_move(actor_membership=group.convenor, proposal=group.proposal, phase="parked")
    assert reminders_send(now=NOW) == 0


def test_the_facilitator_reminds_once_per_version(group, mailbox):
    group.all_support(except_for=(2,))
    assert remind_now(actor_membership=group.convenor, proposal=group.proposal) == 1
    assert _recipients(mailbox) == [group.reps[2].user.email]
    message = mailbox.messages[0]
    assert message["Subject"] == (
        "Reminder: state your position on One phlebotomy service for the island"
    )
    assert AuditEntry.objects.filter(action="proposal.reminded").count() == 1
    assert remind_now(actor_membership=group.convenor, proposal=group.proposal) == 0
    assert len(mailbox.messages) == 1
    services.proposal_amend(
        actor_membership=group.convenor, proposal=group.proposal, text="One service, two hubs."
    )
    assert remind_now(actor_membership=group.convenor, proposal=group.proposal) == 5


def test_a_manual_reminder_does_not_stop_the_closing_one(group, mailbox):
    _closing(group)
    group.all_support(except_for=(2,))
    remind_now(actor_membership=group.convenor, proposal=group.proposal)
    assert reminders_send(now=NOW) == 1
    assert len(mailbox.messages) == 2


def test_only_the_facilitator_or_a_convenor_sends_a_reminder(group, mailbox):
    with pytest.raises(PermissionDenied):
        remind_now(actor_membership=group.reps[0], proposal=group.proposal)
    assert mailbox.messages == [] and not ProposalReminder.objects.exists()


def test_reminders_go_only_in_the_consent_round(group, mailbox):
    services.proposal_move(actor_membership=group.convenor, proposal=group.proposal, phase="parked")
    with pytest.raises(ValidationError):
        remind_now(actor_membership=group.convenor, proposal=group.proposal)
    assert mailbox.messages == []


def test_the_facilitator_is_reminded_on_the_review_date_once(group, mailbox):
    import datetime as dt

    from decisions import services as decision_services
    from decisions.reminders import review_reminders_send

    group.all_support()
    review_on = dt.date(2027, 6, 30)
    decision_services.decision_record(
        actor_membership=group.convenor,
        proposal=group.proposal,
        summary="Agreed.",
        review_on=review_on,
    )
    assert review_reminders_send(today=review_on - dt.timedelta(days=1)) == 0
    assert review_reminders_send(today=review_on) == 1
    assert review_reminders_send(today=review_on) == 0  # a retried job
    [message] = mailbox.messages
    assert message["To"] == group.convenor.user.email
    assert message["Subject"] == "Review due: One phlebotomy service for the island"
    assert "/decisions/" in message.get_body(("plain",)).get_content()
