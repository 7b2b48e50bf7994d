"""The demo collective shows the five habits on a first visit (relationships.demo)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from collectives.models import Collective
from relationships.models import Ask, Contact, Nudge, PutItRight, Rhythm


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (each runs in its own savepoint inside
    this transaction) and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_practice_manager_sees_contacts_a_rhythm_a_nudge_asks_and_a_put_it_right(
    loaded, db, client
):
    slug = Collective.objects.order_by("pk").first().slug
    client.force_login(User.objects.get(email="member@example.org"))
    base = f"/c/{slug}/relationships"

    overview = _text(client.get(f"{base}/"))
    assert "Asks for help answered (last 12 months) 50% (1 of 2)" in overview
    assert "Rhythm periods kept" in overview
    rhythms = _text(client.get(f"{base}/rhythms/"))
    assert "Weekly 30-minute call" in rhythms
    nudges = _text(client.get(f"{base}/nudges/"))
    assert "emails and no conversation in 6 weeks — book a 30-minute call" in nudges
    home = _text(client.get(f"/c/{slug}/"))
    assert "emails and no conversation in 6 weeks" in home
    timeline = _text(client.get(f"{base}/timeline/"))
    assert "old rota" in timeline
    contacts = _text(client.get(f"{base}/contacts/"))
    assert "Weekly catch-up: rotas" in contacts  # the note, shown to its participant


def test_loading_the_demo_again_adds_no_habits(loaded, db):
    models = (Contact, Rhythm, Ask, PutItRight, Nudge)
    counts = [m.objects.count() for m in models]
    assert all(counts)
    call_command("load_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in models] == counts
