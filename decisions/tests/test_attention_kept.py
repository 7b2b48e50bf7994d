"""The attention items are worked out once and kept (alliance.changes), yet an item still
appears or disappears on the very next page once what causes it changes: a write on a page,
another member's write, a write through the API, a write with no request at all."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_mint
from alliance.changes import stamp
from alliance.testing import MembershipFactory
from decisions import services

POSITION = "State your position: One phlebotomy service for the island"


def _home(client, membership) -> str:
    response = client.get(reverse("home:collective", args=[membership.collective.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _count(page: str) -> int:
    """The number beside "Home" in the header (none shown: 0)."""
    found = re.search(r'<span class="app-count"[^>]*>(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def test_the_items_are_worked_out_once_and_not_on_every_page(client, group):
    north = group.reps[0]
    client.force_login(north.user)
    with CaptureQueriesContext(connection) as first:
        _home(client, north)
    with CaptureQueriesContext(connection) as again:
        page = _home(client, north)
    assert POSITION in page
    # The second visit reads only the session, the user and their memberships.
    assert len(again) == 3, [q["sql"] for q in again]
    assert len(first) > len(again)


def test_a_position_stated_on_its_page_leaves_the_list_on_the_next_page(client, group):
    north = group.reps[0]
    client.force_login(north.user)
    before = _home(client, north)
    assert POSITION in before
    slug = north.collective.slug
    response = client.post(
        reverse("decisions:position", args=[slug, group.proposal.pk]), {"stance": "support"}
    )
    assert response.status_code == 302
    after = _home(client, north)
    assert POSITION not in after
    assert _count(after) == _count(before) - 1


def test_another_members_amendment_puts_it_back_at_once(client, group):
    north = group.reps[0]
    services.position_state(membership=north, proposal=group.proposal, stance="support")
    client.force_login(north.user)
    assert POSITION not in _home(client, north)
    services.proposal_amend(
        actor_membership=group.convenor, proposal=group.proposal, text="One service, two hubs."
    )
    assert POSITION in _home(client, north)


def test_a_position_stated_through_the_api_leaves_the_list_at_once(client, group):
    north = group.reps[0]
    # A token signs the practice system in inside the API view, not before it.
    key = api_token_mint(user=north.user, name="practice system").key
    client.force_login(north.user)
    assert POSITION in _home(client, north)
    response = Client().post(
        reverse("api:proposal_positions", args=[north.collective.slug, group.proposal.pk]),
        {"stance": "support"},
        content_type="application/json",
        headers={"authorization": f"Token {key}"},
    )
    assert response.status_code == 201, response.content
    assert POSITION not in _home(client, north)


def test_a_write_in_one_collective_keeps_what_another_worked_out(group):
    other = MembershipFactory()
    here, there = stamp(group.convenor.collective_id), stamp(other.collective_id)
    services.position_state(membership=group.reps[0], proposal=group.proposal, stance="support")
    assert stamp(other.collective_id) == there
    assert stamp(group.convenor.collective_id) != here
