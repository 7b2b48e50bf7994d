"""The notifications' API: a person's own notifications in a collective, marking them read
(one, or all), and how often they are e-mailed, under the same rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from notifications import services
from notifications.models import Frequency, Notification

JSON = "application/json"


def _notify(user: Any, collective: Any, key: str) -> Notification:
    services.notify(
        users=[user],
        collective=collective,
        key=key,
        subject=f"About {key}",
        body="Something happened.",
        path=f"/c/{collective.slug}/decisions/1/",
    )
    return Notification.objects.get(user=user, key=key)


@pytest.fixture
def inbox(member, convenor) -> dict[str, Notification]:
    """Two notifications for the member, and one for the convenor, in collective A."""
    collective = member.collective
    return {
        "first": _notify(member.user, collective, "first"),
        "second": _notify(member.user, collective, "second"),
        "convenors": _notify(convenor.user, collective, "convenors"),
    }


def _read_url(member: Any, notification: Notification) -> str:
    return reverse("api:notification_read", args=[member.collective.slug, notification.pk])


def _unread(user: Any) -> set[str]:
    return set(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list("key", flat=True)
    )


def test_a_person_lists_their_own_notifications_and_marks_one_read(client, member, inbox):
    client.force_login(member.user)
    url = reverse("api:notifications", args=[member.collective.slug])
    listed = client.get(url).json()["results"]
    assert [n["subject"] for n in listed] == ["About second", "About first"]
    assert all(n["read_at"] is None for n in listed)
    response = client.post(_read_url(member, inbox["first"]), content_type=JSON)
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert response.json()["path"] == f"/c/{member.collective.slug}/decisions/1/"
    assert _unread(member.user) == {"second"}
    read = {n["subject"]: n["read_at"] for n in client.get(url).json()["results"]}
    assert read["About first"] is not None and read["About second"] is None


def test_a_person_marks_all_their_notifications_read(client, member, convenor, inbox):
    elsewhere = MembershipFactory(user=member.user).collective
    _notify(member.user, elsewhere, "elsewhere")
    client.force_login(member.user)
    url = reverse("api:notifications_read_all", args=[member.collective.slug])
    assert client.post(url, content_type=JSON).status_code == 204
    assert _unread(member.user) == {"elsewhere"}  # only this collective's
    assert _unread(convenor.user) == {"convenors"}  # and only their own


def test_another_persons_notification_is_not_found(client, member, convenor, outsider, inbox):
    theirs = _read_url(member, inbox["convenors"])
    assert client.post(theirs, content_type=JSON).status_code == 401
    client.force_login(member.user)
    assert client.post(theirs, content_type=JSON).status_code == 404
    client.force_login(outsider.user)
    for url in (
        _read_url(member, inbox["first"]),
        reverse("api:notification_read", args=[outsider.collective.slug, inbox["first"].pk]),
        reverse("api:notifications_read_all", args=[member.collective.slug]),
        reverse("api:notifications", args=[member.collective.slug]),
    ):
        assert client.post(url, content_type=JSON).status_code in (404, 405), url
        assert client.get(url).status_code in (404, 405), url
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_a_person_chooses_how_often_notifications_are_emailed(client, member):
    url = reverse("api:notification_preference")
    assert client.put(url, {"frequency": "daily"}, content_type=JSON).status_code == 401
    client.force_login(member.user)
    assert client.get(url).json() == {"frequency": Frequency.IMMEDIATE}
    response = client.put(url, {"frequency": "weekly"}, content_type=JSON)
    assert response.status_code == 200 and response.json() == {"frequency": "weekly"}
    assert client.get(url).json() == {"frequency": "weekly"}
    assert services.frequency_for(member.user) == Frequency.WEEKLY
    [entry] = AuditEntry.objects.filter(action="notification_preference.changed")
    assert (entry.actor_label, entry.before, entry.after) == (
        member.user.email,
        {"frequency": "immediate"},
        {"frequency": "weekly"},
    )
    for body in ({"frequency": "hourly"}, {}, {"frequency": None}):
        response = client.put(url, body, content_type=JSON)
        assert response.status_code == 400 and list(response.json()) == ["frequency"], body
    assert services.frequency_for(member.user) == Frequency.WEEKLY


def test_reading_a_read_notification_again_keeps_when_it_was_first_read(client, member, inbox):
    client.force_login(member.user)
    first = client.post(_read_url(member, inbox["first"]), content_type=JSON).json()["read_at"]
    again = client.post(_read_url(member, inbox["first"]), content_type=JSON).json()["read_at"]
    assert first == again


def test_the_schema_describes_the_notifications(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    prefix = "/api/v1/collectives/{slug}/notifications/"
    assert "get" in paths[prefix]
    assert "post" in paths[prefix + "read-all/"]
    assert "post" in paths[prefix + "{id}/read/"]
    assert {"get", "put"} <= set(paths["/api/v1/me/notification-preference/"])
    assert {"NotificationOutput", "PreferenceIO"} <= set(schema["components"]["schemas"])
