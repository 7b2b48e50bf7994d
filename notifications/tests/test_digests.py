"""Notifications in the app and by e-mail: at once, or in a daily or weekly digest; each
e-mailed at most once, through a real SMTP server, on a fixed clock."""

from __future__ import annotations

import datetime as dt
import socket
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from notifications import services, tasks
from notifications.models import Digest, Frequency, Notification, NotificationPreference

LONDON = zoneinfo.ZoneInfo("Europe/London")
MONDAY = dt.datetime(2025, 3, 3, 7, 0, tzinfo=LONDON)  # a Monday, 07:00, when digests go
SITE = "https://alliance.example"


def _at(days: float, hours: float = 0) -> dt.datetime:
    return MONDAY + dt.timedelta(days=days, hours=hours)


@pytest.fixture
def person(collective, settings):
    settings.SITE_URL = SITE
    return MembershipFactory(collective=collective, user__email="pat@example.org").user


def _notify(capture, person, collective, key, *, now, subject=None, path=None):
    with capture(execute=True):
        return services.notify(
            users=[person],
            collective=collective,
            key=key,
            subject=subject or f"About {key}",
            body=f"Something happened: {key}.",
            path=path or f"/c/{collective.slug}/decisions/{len(key)}/",
            now=now,
        )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Weekly and daily digests ------------------------------------------------------------------


def test_a_weekly_person_gets_every_update_of_the_week_in_one_email_on_monday(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    keys = ["briefing:1:published", "question:7:answered", "briefing:2:published"]
    for day, key in enumerate(keys, start=1):
        _notify(django_capture_on_commit_callbacks, person, collective, key, now=_at(day))
    assert mailbox.messages == []  # nothing at once
    # The daily job does not touch weekly people.
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(7)) == 0
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 1
    [message] = mailbox.messages
    assert message["To"] == person.email
    assert message["Subject"] == "Your weekly Alliance digest: 3 updates"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for key in keys:
        link = f"{SITE}/c/{collective.slug}/decisions/{len(key)}/"
        assert f"About {key}" in text and f"Something happened: {key}." in text
        assert link in text
        assert f"About {key}" in html and f'href="{link}"' in html
    assert collective.name in text
    assert f"{SITE}/account/notifications/" in text
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    digest = Digest.objects.get()
    assert (digest.frequency, digest.period_start) == ("weekly", dt.date(2025, 3, 10))
    assert digest.notifications.count() == 3


def test_a_retried_weekly_job_sends_nothing_more(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    _notify(django_capture_on_commit_callbacks, person, collective, "a", now=_at(2))
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 1
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7, 0.5)) == 0
    # Even with something new, the same week's digest is not sent twice.
    _notify(django_capture_on_commit_callbacks, person, collective, "b", now=_at(7, 1))
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7, 2)) == 0
    assert len(mailbox.messages) == 1
    assert Digest.objects.count() == 1


def test_next_weeks_updates_go_in_next_mondays_digest(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    _notify(django_capture_on_commit_callbacks, person, collective, "week-one", now=_at(3))
    services.digests_send(frequency=Frequency.WEEKLY, now=_at(7))
    _notify(django_capture_on_commit_callbacks, person, collective, "week-two", now=_at(9))
    _notify(django_capture_on_commit_callbacks, person, collective, "week-two-b", now=_at(12))
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(14)) == 1
    first, second = mailbox.messages
    assert first["Subject"] == "Your weekly Alliance digest: 1 update"
    assert second["Subject"] == "Your weekly Alliance digest: 2 updates"
    first_text = first.get_body(("plain",)).get_content()
    second_text = second.get_body(("plain",)).get_content()
    assert "About week-one" in first_text and "About week-two" not in first_text
    assert "About week-two" in second_text and "About week-two-b" in second_text
    assert "About week-one" not in second_text
    assert sorted(Digest.objects.values_list("period_start", flat=True)) == [
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 17),
    ]


def test_a_weekly_person_with_nothing_new_gets_no_email(person, collective, mailbox):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 0
    assert mailbox.messages == []
    assert not Digest.objects.exists()


def test_an_update_after_the_digest_ran_waits_for_the_next_one(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    _notify(django_capture_on_commit_callbacks, person, collective, "later", now=_at(7, 3))
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 0
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(14)) == 1
    assert "About later" in mailbox.messages[0].get_body(("plain",)).get_content()


def test_a_daily_person_gets_one_email_a_day(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.DAILY)
    _notify(django_capture_on_commit_callbacks, person, collective, "mon-1", now=_at(0, 2))
    _notify(django_capture_on_commit_callbacks, person, collective, "mon-2", now=_at(0, 5))
    assert mailbox.messages == []
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(1)) == 1
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(1, 1)) == 0  # a retry
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 0
    _notify(django_capture_on_commit_callbacks, person, collective, "tue-1", now=_at(1, 4))
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(2)) == 1
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(3)) == 0  # nothing new
    first, second = mailbox.messages
    assert first["Subject"] == "Your daily Alliance digest: 2 updates"
    assert second["Subject"] == "Your daily Alliance digest: 1 update"
    assert "About tue-1" in second.get_body(("plain",)).get_content()
    assert "About mon-1" not in second.get_body(("plain",)).get_content()


def test_the_digest_jobs_send_through_huey(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    services.preference_set(user=person, frequency=Frequency.DAILY)
    _notify(
        django_capture_on_commit_callbacks,
        person,
        collective,
        "now",
        now=dt.datetime.now(tz=LONDON) - dt.timedelta(minutes=5),
    )
    tasks.send_daily_digests.call_local()
    tasks.send_daily_digests.call_local()
    tasks.send_weekly_digests.call_local()
    assert len(mailbox.messages) == 1
    assert "daily" in mailbox.messages[0]["Subject"]


def test_everyone_on_a_digest_gets_their_own(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    other = MembershipFactory(collective=collective, user__email="sam@example.org").user
    for someone in (person, other):
        services.preference_set(user=someone, frequency=Frequency.WEEKLY)
    _notify(django_capture_on_commit_callbacks, person, collective, "for-pat", now=_at(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[person, other],
            collective=collective,
            key="for-both",
            subject="For both",
            body="Both of you.",
            path="/",
            now=_at(2),
        )
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7)) == 2
    by_to = {m["To"]: m.get_body(("plain",)).get_content() for m in mailbox.messages}
    assert set(by_to) == {"pat@example.org", "sam@example.org"}
    assert "About for-pat" in by_to["pat@example.org"] and "For both" in by_to["pat@example.org"]
    assert "About for-pat" not in by_to["sam@example.org"]


# Immediate e-mail -------------------------------------------------------------------------


def test_an_immediate_person_gets_one_email_per_notification(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    _notify(django_capture_on_commit_callbacks, person, collective, "first", now=_at(0))
    _notify(django_capture_on_commit_callbacks, person, collective, "second", now=_at(1))
    assert [m["Subject"] for m in mailbox.messages] == ["About first", "About second"]
    message = mailbox.messages[0]
    assert message["To"] == person.email
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{SITE}/c/{collective.slug}/decisions/5/"
    assert "Something happened: first." in text and link in text
    assert f'href="{link}"' in html
    assert f"{SITE}/account/notifications/" in text
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    # Immediate people are in no digest.
    assert services.digests_send(frequency=Frequency.DAILY, now=_at(2)) == 0
    assert len(mailbox.messages) == 2


def test_notifying_twice_with_the_same_key_emails_once(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    first = _notify(django_capture_on_commit_callbacks, person, collective, "same", now=_at(0))
    again = _notify(django_capture_on_commit_callbacks, person, collective, "same", now=_at(1))
    assert len(first) == 1 and again == []
    assert len(mailbox.messages) == 1
    assert Notification.objects.filter(user=person, key="same").count() == 1
    # A retried e-mail job sends nothing more either.
    tasks.send_immediate.call_local(["same"], [person.pk])
    assert len(mailbox.messages) == 1


def test_nobody_inactive_is_notified(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    person.is_active = False
    person.save()
    assert _notify(django_capture_on_commit_callbacks, person, collective, "k", now=_at(0)) == []
    assert not Notification.objects.exists()
    assert mailbox.messages == []


def test_a_failed_send_leaves_the_notification_for_the_retry(
    person, collective, mailbox, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_PORT = _closed_port()
    _notify(django_capture_on_commit_callbacks, person, collective, "flaky", now=_at(0))
    assert mailbox.messages == []
    notification = Notification.objects.get(key="flaky")
    assert notification.emailed_at is None
    settings.EMAIL_PORT = mailbox.port
    tasks.send_immediate.call_local(["flaky"], [person.pk])
    assert [m["Subject"] for m in mailbox.messages] == ["About flaky"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    tasks.send_immediate.call_local(["flaky"], [person.pk])
    assert len(mailbox.messages) == 1


def test_a_failed_digest_is_sent_by_the_retry(
    person, collective, mailbox, django_capture_on_commit_callbacks, settings
):
    services.preference_set(user=person, frequency=Frequency.WEEKLY)
    _notify(django_capture_on_commit_callbacks, person, collective, "flaky", now=_at(1))
    settings.EMAIL_PORT = _closed_port()
    with pytest.raises(OSError):
        services.digests_send(frequency=Frequency.WEEKLY, now=_at(7))
    assert not Digest.objects.exists()
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_PORT = mailbox.port
    assert services.digests_send(frequency=Frequency.WEEKLY, now=_at(7, 0.1)) == 1
    assert len(mailbox.messages) == 1


def test_one_address_that_cannot_be_sent_to_does_not_stop_the_others(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    # Whichever order they are sent in, someone comes after the broken address.
    broken = MembershipFactory(collective=collective, user__email="x@@example.org").user
    others = [MembershipFactory(collective=collective).user for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[person, broken, *others],
            collective=collective,
            key="briefing:1:published",
            subject="New decision for your practice",
            body="Please acknowledge it.",
            path="/",
            now=_at(0),
        )
    assert sorted(m["To"] for m in mailbox.messages) == sorted(u.email for u in [person, *others])
    assert list(
        Notification.objects.filter(emailed_at__isnull=True).values_list("user", flat=True)
    ) == [broken.pk]


def test_one_digest_that_cannot_be_sent_does_not_stop_the_others(
    person, collective, mailbox, django_capture_on_commit_callbacks
):
    broken = MembershipFactory(collective=collective, user__email="x@@example.org").user
    other = MembershipFactory(collective=collective).user
    for someone in (person, broken, other):
        services.preference_set(user=someone, frequency=Frequency.WEEKLY)
        _notify(django_capture_on_commit_callbacks, someone, collective, "k", now=_at(1))
    with pytest.raises(ValueError):
        services.digests_send(frequency=Frequency.WEEKLY, now=_at(7))
    assert sorted(m["To"] for m in mailbox.messages) == sorted([person.email, other.email])
    assert sorted(Digest.objects.values_list("user", flat=True)) == sorted([person.pk, other.pk])
    assert Notification.objects.get(user=broken).emailed_at is None


# Pages ------------------------------------------------------------------------------------


def test_the_inbox_lists_a_persons_notifications_and_opening_one_marks_it_read(
    person, collective, client, django_capture_on_commit_callbacks
):
    other = MembershipFactory(collective=collective).user
    _notify(django_capture_on_commit_callbacks, person, collective, "one", now=_at(0))
    _notify(
        django_capture_on_commit_callbacks,
        person,
        collective,
        "two",
        now=_at(1),
        path=f"/c/{collective.slug}/briefings/3/#question-4",
    )
    _notify(django_capture_on_commit_callbacks, other, collective, "theirs", now=_at(1))
    client.force_login(person)
    url = f"/c/{collective.slug}/notifications/"
    page = client.get(url).content.decode()
    assert "About one" in page and "About two" in page
    assert "About theirs" not in page
    assert "Mark all 2 as read" in page
    two = Notification.objects.get(user=person, key="two")
    response = client.post(f"{url}{two.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/c/{collective.slug}/briefings/3/#question-4"
    two.refresh_from_db()
    assert two.read_at is not None
    assert Notification.objects.get(user=person, key="one").read_at is None
    assert "Mark all 1 as read" in client.get(url).content.decode()
    theirs = Notification.objects.get(user=other)
    assert client.post(f"{url}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_no_one_can_mark_someone_elses_notification_read(
    person, collective, django_capture_on_commit_callbacks
):
    other = MembershipFactory(collective=collective).user
    _notify(django_capture_on_commit_callbacks, other, collective, "theirs", now=_at(1))
    theirs = Notification.objects.get(user=other)
    with pytest.raises(PermissionDenied, match="Not your notification"):
        services.notification_mark_read(user=person, notification=theirs)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_outsider_sees_no_inbox(person, collective, client, outsider):
    client.force_login(outsider.user)
    assert client.get(f"/c/{collective.slug}/notifications/").status_code == 404


def test_the_preferences_page_saves_a_choice(person, client):
    client.force_login(person)
    page = client.get("/account/notifications/").content.decode()
    assert "How often should we e-mail you?" in page
    response = client.post("/account/notifications/", {"frequency": "weekly"}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/notifications/"
    assert "Saved: A weekly digest (on Mondays)" in response.content.decode()
    assert NotificationPreference.objects.get(user=person).frequency == "weekly"
    entry = AuditEntry.objects.get(action="notification_preference.changed")
    assert (entry.before, entry.after) == ({"frequency": "immediate"}, {"frequency": "weekly"})


def test_the_preferences_page_refuses_an_unknown_choice(person, client):
    client.force_login(person)
    response = client.post("/account/notifications/", {"frequency": "hourly"})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()
    assert services.frequency_for(person) == Frequency.IMMEDIATE
