"""The daily nudge job: the rules raise each nudge once per period, the people of the
organisations concerned are told in the app and by e-mail as each prefers (at once, in the
weekly digest, or not at all), through a real SMTP server, on a fixed clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from notifications.models import Frequency, Notification
from notifications.services import digests_send, preference_set
from relationships import services
from relationships.models import Nudge, Scope
from relationships.nudges import nudges_raise_and_notify, open_nudges_for

LONDON = zoneinfo.ZoneInfo("Europe/London")
WEDNESDAY = dt.datetime(2025, 3, 5, 6, 0, tzinfo=LONDON)
FRIDAY = WEDNESDAY + dt.timedelta(days=2)
NEXT_MONDAY = dt.datetime(2025, 3, 10, 7, 0, tzinfo=LONDON)  # when the weekly digests go
SITE = "https://alliance.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _emails_only(pair, count=9):
    """Nine e-mails between Oakwood and Riverside the week before, and no conversation."""
    services.email_count_set(
        actor_membership=pair.oakwood_rep,
        other_organisation=pair.riverside.pk,
        week_of=dt.date(2025, 2, 24),
        count=count,
    )


def _run(capture, now):
    with capture(execute=True):
        return nudges_raise_and_notify(now)


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def _to(mailbox, user) -> list:
    return [m for m in mailbox.messages if m["To"] == user.email]


def test_emails_and_no_conversation_raise_a_nudge_once_a_week(
    pair, mailbox, django_capture_on_commit_callbacks
):
    _emails_only(pair)
    assert _run(django_capture_on_commit_callbacks, WEDNESDAY)["raised"] == 1
    (nudge,) = Nudge.objects.filter(collective=pair.collective)
    assert nudge.rule == "email_only"
    assert nudge.key.endswith(":2025-03-03")
    assert "9 emails and no conversation in 6 weeks" in nudge.text
    assert set(nudge.organisations.values_list("pk", flat=True)) == set(pair.both)
    # The same day again, and later in the week: nothing new.
    assert _run(django_capture_on_commit_callbacks, WEDNESDAY + dt.timedelta(hours=1)) == {
        "raised": 0,
        "notified": 0,
    }
    assert _run(django_capture_on_commit_callbacks, FRIDAY)["raised"] == 0
    assert Nudge.objects.filter(collective=pair.collective).count() == 1
    # Still no conversation the next week: that week's nudge.
    assert _run(django_capture_on_commit_callbacks, NEXT_MONDAY)["raised"] == 1


def test_the_people_of_the_two_organisations_are_told_at_once_and_only_once(
    pair, mailbox, django_capture_on_commit_callbacks
):
    _emails_only(pair)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    _run(django_capture_on_commit_callbacks, WEDNESDAY + dt.timedelta(hours=1))
    nudge = Nudge.objects.get(collective=pair.collective)
    told = Notification.objects.filter(key=f"nudge:{nudge.pk}")
    assert {n.user for n in told} == {pair.oakwood_rep.user, pair.riverside_rep.user}
    for n in told:
        assert n.subject == nudge.text
        assert n.path == reverse("relationships:nudges", args=[pair.collective.slug])
    assert sorted(m["To"] for m in mailbox.messages) == [
        "olivia@oakwood.example.org",
        "ravi@riverside.example.org",
    ]
    (message,) = _to(mailbox, pair.oakwood_rep.user)
    assert message["Subject"].strip() == nudge.text
    assert f"{SITE}/c/{pair.collective.slug}/relationships/nudges/" in _plain(message)


def test_a_weekly_person_gets_the_nudge_in_the_weekly_digest_once_even_when_retried(
    pair, mailbox, django_capture_on_commit_callbacks
):
    preference_set(user=pair.oakwood_rep.user, frequency=Frequency.WEEKLY)
    _emails_only(pair)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)  # the job retried
    nudge = Nudge.objects.get(collective=pair.collective)
    assert _to(mailbox, pair.oakwood_rep.user) == []  # nothing at once
    assert len(_to(mailbox, pair.riverside_rep.user)) == 1  # immediate
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(frequency=Frequency.WEEKLY, now=NEXT_MONDAY) == 1
        assert digests_send(frequency=Frequency.WEEKLY, now=NEXT_MONDAY) == 0  # retried
        assert digests_send(frequency=Frequency.WEEKLY, now=NEXT_MONDAY.replace(hour=9)) == 0
    (digest,) = _to(mailbox, pair.oakwood_rep.user)
    assert "weekly" in digest["Subject"]
    assert nudge.text in _plain(digest)
    assert f"{SITE}/c/{pair.collective.slug}/relationships/nudges/" in _plain(digest)
    assert len(_to(mailbox, pair.riverside_rep.user)) == 1  # not in any digest


def test_someone_who_wants_no_emails_sees_the_nudge_only_in_alliance(
    pair, mailbox, django_capture_on_commit_callbacks
):
    preference_set(user=pair.oakwood_rep.user, frequency=Frequency.NONE)
    _emails_only(pair)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    nudge = Nudge.objects.get(collective=pair.collective)
    assert Notification.objects.filter(user=pair.oakwood_rep.user, key=f"nudge:{nudge.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        for frequency in (Frequency.DAILY, Frequency.WEEKLY):
            digests_send(frequency=frequency, now=NEXT_MONDAY)
    assert _to(mailbox, pair.oakwood_rep.user) == []
    assert len(_to(mailbox, pair.riverside_rep.user)) == 1
    assert Notification.objects.get(user=pair.oakwood_rep.user).emailed_at is None


def test_people_of_other_organisations_and_observers_are_not_told(
    pair, mailbox, django_capture_on_commit_callbacks
):
    from alliance.testing import MembershipFactory
    from collectives.models import Role

    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    gone = MembershipFactory(
        collective=pair.collective, role=Role.MEMBER, organisation=pair.oakwood
    )
    gone.user.is_active = False
    gone.user.save()
    _emails_only(pair)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {pair.oakwood_rep.user_id, pair.riverside_rep.user_id}
    assert observer.user_id not in told and pair.hillside_member.user_id not in told


def test_a_dismissed_nudge_is_not_raised_again_in_the_same_period(
    pair, mailbox, django_capture_on_commit_callbacks
):
    _emails_only(pair)
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    nudge = Nudge.objects.get(collective=pair.collective)
    services.nudge_dismiss(actor_membership=pair.riverside_rep, nudge=nudge)
    mailbox.clear()
    assert _run(django_capture_on_commit_callbacks, FRIDAY)["raised"] == 0
    nudge.refresh_from_db()
    assert nudge.dismissed_at is not None
    assert not open_nudges_for(
        collective=pair.collective, organisation_id=pair.oakwood.pk, now=FRIDAY
    ).exists()
    assert mailbox.messages == []


def test_a_missed_rhythm_is_raised_once_for_its_latest_missed_period(
    pair, mailbox, django_capture_on_commit_callbacks
):
    rhythm = services.rhythm_agree(
        actor_membership=pair.oakwood_rep,
        name="Weekly call",
        scope=Scope.PAIR,
        organisations=pair.both,
        modes=["video"],
        period="weekly",
        starts_on=dt.date(2025, 2, 3),
    )
    _run(django_capture_on_commit_callbacks, WEDNESDAY)
    (nudge,) = Nudge.objects.filter(rule="rhythm_missed")
    assert nudge.key == f"rhythm_missed:{rhythm.pk}:2025-02-24"
    services.nudge_dismiss(actor_membership=pair.oakwood_rep, nudge=nudge)
    assert _run(django_capture_on_commit_callbacks, FRIDAY)["raised"] == 0
    # The week of 3 March is missed too: a new nudge about it.
    _run(django_capture_on_commit_callbacks, NEXT_MONDAY)
    assert set(Nudge.objects.values_list("key", flat=True)) == {
        f"rhythm_missed:{rhythm.pk}:2025-02-24",
        f"rhythm_missed:{rhythm.pk}:2025-03-03",
    }


def test_the_daily_task_runs_the_job(pair, mailbox, django_capture_on_commit_callbacks):
    from relationships import tasks

    services.rhythm_agree(
        actor_membership=pair.oakwood_rep,
        name="Weekly call",
        scope=Scope.PAIR,
        organisations=pair.both,
        modes=["video"],
        period="weekly",
        starts_on=dt.date(2025, 2, 3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.raise_nudges.call_local()
    assert Nudge.objects.filter(rule="rhythm_missed").exists()
    assert Notification.objects.filter(key__startswith="nudge:").count() == 2
