"""A member, a guest and an observer see no stakeholder notes (nor what we learned of a
stakeholder: their agenda, their own priorities) and no mandate limits, on any page, API
answer or export of whole-system working, nor in the pages around it (home, the contact log,
notifications, the golden thread). The walk takes every route of system.urls and
system.api.urls with every id that could name something, so a new endpoint is walked as
soon as it is added."""

from __future__ import annotations

import pytest
from django.urls import reverse

from system import services_voice
from system.tests.conftest import World

from .test_privacy import NOTE, make_dana
from .test_privacy_walk import _leaks, _system_routes, _urls

LIMITS = "We walk away below 40 hours a week of phlebotomy"
AGENDA = "Same-day access at scale"  # what we learned of Dana's agenda (make_dana)
THEIR_PRIORITY = "Fewer admissions"  # Dana's own priority, as we learned it


@pytest.fixture
def walked(world: World) -> tuple[list[str], list[str]]:
    dana = make_dana(world)
    need = services_voice.need_raise(
        actor_membership=world.representatives[0], title="No phlebotomy after 1pm"
    )
    mandate = services_voice.mandate_create(
        actor_membership=world.cd,
        need=need,
        ask="Fund afternoon phlebotomy",
        of_whom=world.icb,
        opening_position="Five afternoons a week",
        limits=LIMITS,
    )
    slug = world.collective.slug
    ids = sorted(
        {
            dana.stakeholder.pk,
            dana.person.pk,
            dana.meeting.pk,
            dana.meeting.series_id,
            dana.item.pk,
            dana.conversation.pk,
            dana.ours.pk,
            dana.theirs.pk,
            need.pk,
            mandate.pk,
            world.icb.pk,
            world.practices[0].pk,
        }
    )
    urls = [url for route in _system_routes() for url in _urls(route, slug, ids)]
    around = [
        reverse("home:collective", args=[slug]),
        reverse("relationships:contacts", args=[slug]),
        reverse("api:contacts", args=[slug]),
        reverse("relationships:nudges", args=[slug]),
        reverse("notifications:inbox", args=[slug]),
        reverse("api:notifications", args=[slug]),
        reverse("golden_thread:briefings", args=[slug]),
    ]
    return urls, around


def test_the_walk_finds_the_notes_and_the_limits_where_the_leadership_sees_them(
    client, world: World, walked: tuple[list[str], list[str]]
) -> None:
    urls, _ = walked
    client.force_login(world.cd.user)
    seen = _leaks(client, urls, secrets=(NOTE, LIMITS, AGENDA, THEIR_PRIORITY))
    slug = world.collective.slug
    assert any("/system/stakeholders/" in url for url in seen), seen
    assert any("/system/mandates/" in url for url in seen), seen
    assert reverse("system:mandates_xlsx", args=[slug]) in seen  # exports are walked too
    assert reverse("api:system_mandates", args=[slug]) in seen


@pytest.mark.parametrize("who", ["member", "guest", "observer"])
def test_no_member_guest_or_observer_sees_a_note_or_a_limit(
    client, world: World, walked: tuple[list[str], list[str]], who: str
) -> None:
    urls, around = walked
    client.force_login(getattr(world, who).user)
    assert _leaks(client, urls + around, secrets=(NOTE, LIMITS, AGENDA, THEIR_PRIORITY)) == []
