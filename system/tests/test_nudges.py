"""Cold key relationships, on a fixed clock: a key relationship with no contact for six
weeks (the collective's setting) raises a nudge to its owner alone, once per cold spell,
snoozable until a date they give, through the habits' nudge pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from alliance.testing import MembershipFactory
from collectives.models import Role
from directory.models import Person
from notifications.models import Notification
from relationships import services as habits
from relationships.models import Contact, ContactParticipant, Mode, Nudge
from relationships.selectors.community import open_nudges_visible_to
from system.attention_relationships import cold_relationships_for_you
from system.models import KeyRelationship, Stakeholder, SystemSettings
from system.nudges import RULE, cold_nudges_forget, cold_nudges_raise_and_notify

LONDON = zoneinfo.ZoneInfo("Europe/London")
MET = dt.datetime(2025, 1, 6, 10, 0, tzinfo=LONDON)  # the last coffee, a Monday
TEXT = (
    "Clare Director and NHS Hampshire and Isle of Wight ICB's Director of Strategy: "
    "no contact in 6 weeks — book a coffee"
)


def _stakeholder(world, name="Dana Strategy", role="Director of Strategy", organisation=None):
    organisation = organisation or world.icb
    person = Person.objects.create(
        name=name,
        organisation=organisation,
        email=f"{name.split()[0].lower()}@example.nhs.uk",
        owner=world.collective,
    )
    return Stakeholder.objects.create(
        collective=world.collective, person=person, organisation=organisation, role=role
    )


def _key(world, stakeholder, owner=None, since=MET - dt.timedelta(days=60)):
    owner = owner or world.cd
    return KeyRelationship.objects.create(
        collective=world.collective, stakeholder=stakeholder, owner=owner.user, since=since
    )


def _contact(world, stakeholder, when, collective=None):
    contact = Contact.objects.create(
        collective=collective or world.collective, happened_at=when, mode=Mode.IN_PERSON
    )
    ContactParticipant.objects.create(contact=contact, person=stakeholder.person)
    ContactParticipant.objects.create(contact=contact, user=world.cd.user)
    return contact


@pytest.fixture
def dana(world):
    stakeholder = _stakeholder(world)
    _key(world, stakeholder)
    _contact(world, stakeholder, MET)
    return stakeholder


def _run(capture, now):
    with capture(execute=True):
        return cold_nudges_raise_and_notify(now)["raised"]


def _texts(membership, now):
    return [n.text for n in open_nudges_visible_to(membership, now=now)]


def test_a_key_relationship_goes_cold_after_six_weeks_and_is_nudged_once(
    world, dana, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _run(capture, MET + dt.timedelta(weeks=5, days=6)) == 0
    assert not Nudge.objects.exists()

    six_weeks = MET + dt.timedelta(weeks=6)
    assert _run(capture, six_weeks) == 1
    assert _texts(world.cd, six_weeks) == [TEXT]

    # The next day's run adds nothing.
    assert _run(capture, six_weeks + dt.timedelta(days=1)) == 0
    assert Nudge.objects.filter(rule=RULE).count() == 1


def test_the_nudge_is_for_its_owner_alone(world, dana, client, django_capture_on_commit_callbacks):
    now = MET + dt.timedelta(weeks=7)
    _run(django_capture_on_commit_callbacks, now)
    assert _texts(world.cd, now) == [TEXT.replace("6 weeks", "7 weeks")]
    for other in (world.convenor, world.federation_lead, world.member, world.representatives[0]):
        assert _texts(other, now) == []
    (nudge,) = Nudge.objects.all()
    assert nudge.user_id == world.cd.user_id

    # The owner sees it on the nudges page and the API, marked as theirs alone.
    client.force_login(world.cd.user)
    slug = world.collective.slug
    page = client.get(reverse("relationships:nudges", args=[slug])).content.decode()
    assert "no contact in" in page and "For you alone" in page
    api = client.get(reverse("api:nudges", args=[slug])).json()["results"]
    assert [n["for_you_alone"] for n in api] == [True]

    # A convenor neither sees nor acts on it: it is not found.
    client.force_login(world.convenor.user)
    page = client.get(reverse("relationships:nudges", args=[slug])).content.decode()
    assert "no contact in" not in page
    dismiss = reverse("relationships:nudge_action", args=[slug, nudge.pk, "dismiss"])
    assert client.post(dismiss).status_code == 404
    assert client.post(reverse("api:nudge_dismiss", args=[slug, nudge.pk])).status_code == 404
    nudge.refresh_from_db()
    assert nudge.dismissed_at is None


def test_the_owner_is_told_once_in_the_app(world, dana, django_capture_on_commit_callbacks):
    now = MET + dt.timedelta(weeks=6)
    _run(django_capture_on_commit_callbacks, now)
    _run(django_capture_on_commit_callbacks, now + dt.timedelta(days=1))
    told = Notification.objects.filter(key__startswith="nudge:")
    assert list(told.values_list("user_id", "subject")) == [(world.cd.user_id, TEXT)]


def test_a_snoozed_nudge_stays_snoozed_until_the_date_given(
    world, dana, django_capture_on_commit_callbacks
):
    raised_on = MET + dt.timedelta(weeks=6)
    _run(django_capture_on_commit_callbacks, raised_on)
    (nudge,) = Nudge.objects.all()
    until = dt.date(2025, 3, 3)
    habits.nudge_snooze(actor_membership=world.cd, nudge=nudge, until=until, now=raised_on)

    day_before = dt.datetime(2025, 3, 2, 23, 30, tzinfo=LONDON)
    _run(django_capture_on_commit_callbacks, day_before)  # the daily run leaves it snoozed
    assert Nudge.objects.count() == 1
    assert _texts(world.cd, day_before) == []
    assert cold_relationships_for_you(world.cd, now=day_before) == []

    on_the_day = dt.datetime(2025, 3, 3, 0, 30, tzinfo=LONDON)
    assert _texts(world.cd, on_the_day) == [nudge.text]
    (item,) = cold_relationships_for_you(world.cd, now=on_the_day)
    assert item.title == nudge.text
    assert item.href == reverse("relationships:nudges", args=[world.collective.slug])


def test_a_snooze_date_must_be_ahead_and_within_ninety_days(world, dana, client):
    from django.core.exceptions import ValidationError

    now = MET + dt.timedelta(weeks=6)
    cold_nudges_raise_and_notify(now)
    (nudge,) = Nudge.objects.all()
    for until in (now.date(), now.date() + dt.timedelta(days=91)):
        with pytest.raises(ValidationError) as refused:
            habits.nudge_snooze(actor_membership=world.cd, nudge=nudge, until=until, now=now)
        assert refused.value.message_dict == {
            "until": ["Snooze until a date after today and within 90 days."]
        }


def test_the_owner_snoozes_until_a_date_on_the_nudges_page(world, dana, client):
    from django.utils import timezone

    cold_nudges_raise_and_notify(timezone.now())  # long after the last coffee: cold now
    (nudge,) = Nudge.objects.all()
    client.force_login(world.cd.user)
    slug = world.collective.slug
    until = timezone.localdate() + dt.timedelta(days=20)
    action = reverse("relationships:nudge_action", args=[slug, nudge.pk, "snooze"])
    page = client.post(action, {"days": "7", "until": until.isoformat()}, follow=True)
    assert f"Nudge snoozed until {until:%-d %B %Y}." in page.content.decode()
    nudge.refresh_from_db()
    assert timezone.localtime(nudge.snoozed_until).date() == until
    refused = client.post(action, {"until": "someday"}, follow=True).content.decode()
    assert "Enter the date to snooze until, like 2025-03-20." in refused


def test_contact_warms_it_up_and_a_new_cold_spell_raises_a_new_nudge(
    world, dana, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _run(capture, MET + dt.timedelta(weeks=6))
    coffee = MET + dt.timedelta(weeks=6, days=2)
    _contact(world, dana, coffee)
    _run(capture, coffee + dt.timedelta(days=1))
    (old,) = Nudge.objects.all()
    assert old.dismissed_at is not None  # closed: the relationship is warm again
    assert _texts(world.cd, coffee + dt.timedelta(days=1)) == []

    assert _run(capture, coffee + dt.timedelta(weeks=6)) == 1
    assert Nudge.objects.filter(dismissed_at__isnull=True).count() == 1


def test_a_contact_closes_the_home_item_at_once(world, dana, django_capture_on_commit_callbacks):
    now = MET + dt.timedelta(weeks=6)
    _run(django_capture_on_commit_callbacks, now)
    assert len(cold_relationships_for_you(world.cd, now=now)) == 1
    _contact(world, dana, now + dt.timedelta(hours=1))
    assert cold_relationships_for_you(world.cd, now=now + dt.timedelta(hours=2)) == []


def test_with_no_contact_ever_it_counts_from_becoming_key(
    world, django_capture_on_commit_callbacks
):
    stakeholder = _stakeholder(world, name="Cai Community", role="", organisation=world.council)
    _key(world, stakeholder, owner=world.federation_lead, since=MET)
    capture = django_capture_on_commit_callbacks
    assert _run(capture, MET + dt.timedelta(weeks=5, days=6)) == 0
    assert _run(capture, MET + dt.timedelta(weeks=6)) == 1
    assert _texts(world.federation_lead, MET + dt.timedelta(weeks=6)) == [
        "Fred Federation and Cai Community of Isle of Wight Council: no contact in the 6 weeks "
        "since they became a key relationship — book a coffee"
    ]


def test_the_collective_setting_changes_when_it_is_cold(
    world, dana, django_capture_on_commit_callbacks
):
    SystemSettings.objects.create(collective=world.collective, cold_after_weeks=3)
    assert _run(django_capture_on_commit_callbacks, MET + dt.timedelta(weeks=3)) == 1


def test_another_collectives_contacts_do_not_warm_it(
    world, dana, outsider, django_capture_on_commit_callbacks
):
    _contact(world, dana, MET + dt.timedelta(weeks=5), collective=outsider.collective)
    assert _run(django_capture_on_commit_callbacks, MET + dt.timedelta(weeks=6)) == 1


def test_an_erased_stakeholder_or_a_departed_owner_is_not_nudged(
    world, django_capture_on_commit_callbacks
):
    erased = _stakeholder(world, name="Eve Erased")
    _key(world, erased)
    Stakeholder.objects.filter(pk=erased.pk).update(erased_at=MET)
    departed = MembershipFactory(collective=world.collective, role=Role.CONVENOR)
    kept = _stakeholder(world, name="Kim Kept", organisation=world.acute_trust)
    _key(world, kept, owner=departed)
    departed.delete()
    assert _run(django_capture_on_commit_callbacks, MET + dt.timedelta(weeks=8)) == 0


def test_forgetting_a_key_relationship_removes_its_nudges_and_notifications(
    world, dana, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks, MET + dt.timedelta(weeks=6))
    kr = KeyRelationship.objects.get()
    assert cold_nudges_forget(collective_id=world.collective.pk, key_relationship_ids=[kr.pk]) == 1
    assert not Nudge.objects.exists()
    assert not Notification.objects.filter(key__startswith="nudge:").exists()


def test_a_guest_has_no_home_item(world):
    assert cold_relationships_for_you(world.guest) == []


def test_the_daily_task_runs_the_job(world, dana, django_capture_on_commit_callbacks):
    from system import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.raise_cold_relationship_nudges.call_local()  # today: long after the coffee
    assert Nudge.objects.filter(rule=RULE, user=world.cd.user).count() == 1
