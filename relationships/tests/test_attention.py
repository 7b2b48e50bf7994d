"""'What needs your attention' from the habits, as each person sees it on the collective's
home page: open nudges about their organisation and open asks it could answer."""

from __future__ import annotations

import datetime as dt
import html

from django.urls import reverse
from django.utils import timezone

from alliance.testing import MembershipFactory
from collectives.models import Role
from relationships import services
from relationships.attention import SHOWN, habits_needing_you
from relationships.models import Nudge


def _home(client, membership) -> str:
    client.force_login(membership.user)
    response = client.get(f"/c/{membership.collective.slug}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _nudge(pair, text, organisations=None, key=None):
    nudge = Nudge.objects.create(
        collective=pair.collective, key=key or text, rule="email_only", text=text
    )
    nudge.organisations.set(organisations or pair.both)
    return nudge


def _ask(pair, what, by=None, to=()):
    return services.ask_post(
        actor_membership=by or pair.riverside_rep, what=what, to_organisations=to
    )


def test_an_open_nudge_shows_until_it_is_dismissed(pair, client):
    nudge = _nudge(pair, "Oakwood and Riverside: 9 emails and no conversation — book a call")
    page = _home(client, pair.oakwood_rep)
    assert "9 emails and no conversation" in page
    assert f'href="{reverse("relationships:nudges", args=[pair.collective.slug])}"' in page
    assert "9 emails and no conversation" not in _home(client, pair.hillside_member)
    services.nudge_dismiss(actor_membership=pair.riverside_rep, nudge=nudge)
    assert "9 emails and no conversation" not in _home(client, pair.oakwood_rep)


def test_a_snoozed_nudge_does_not_show(pair, client):
    nudge = _nudge(pair, "Weekly call was missed twice in a row")
    services.nudge_snooze(actor_membership=pair.oakwood_rep, nudge=nudge, days=7)
    assert "Weekly call was missed" not in _home(client, pair.oakwood_rep)


def test_an_ask_to_everyone_shows_to_the_others_until_it_is_answered(pair, client):
    ask = _ask(pair, "Can anyone lend us a phlebotomist on Tuesdays?")
    page = _home(client, pair.oakwood_rep)
    assert "Riverside Practice asks for help: Can anyone lend us a phlebotomist" in page
    assert f'href="{reverse("relationships:ask", args=[pair.collective.slug, ask.pk])}"' in page
    assert "lend us a phlebotomist" in _home(client, pair.hillside_member)
    assert "lend us a phlebotomist" not in _home(client, pair.riverside_rep)  # its own
    services.ask_answer(actor_membership=pair.riverside_rep, ask=ask, thanks="Thank you")
    assert "lend us a phlebotomist" not in _home(client, pair.oakwood_rep)


def test_an_ask_to_one_organisation_shows_only_to_it(pair, client):
    _ask(pair, "Could Hillside cover our flu clinic?", to=[pair.hillside.pk])
    assert "cover our flu clinic" in _home(client, pair.hillside_member)
    assert "cover our flu clinic" not in _home(client, pair.oakwood_rep)


def test_observers_and_people_without_an_organisation_see_none(pair):
    _nudge(pair, "A nudge")
    _ask(pair, "An ask")
    observer = MembershipFactory(
        collective=pair.collective, role=Role.OBSERVER, organisation=pair.oakwood
    )
    assert habits_needing_you(observer) == []
    assert habits_needing_you(pair.convenor) == []


def test_more_than_five_of_each_are_summed_up_in_one_item(pair):
    for i in range(SHOWN + 2):
        _nudge(pair, f"Nudge number {i}")
        _ask(pair, f"Ask number {i}")
    items = habits_needing_you(pair.oakwood_rep)
    titles = [i.title for i in items]
    assert len(items) == 2 * (SHOWN + 1)
    assert "More nudges for your organisation" in titles
    assert "More asks for help" in titles
    slug = pair.collective.slug
    more = {i.title: i.href for i in items if i.title.startswith("More")}
    assert more == {
        "More nudges for your organisation": reverse("relationships:nudges", args=[slug]),
        "More asks for help": reverse("relationships:asks", args=[slug]),
    }


def test_the_provider_takes_at_most_two_queries(pair, django_assert_max_num_queries):
    for i in range(8):
        _nudge(pair, f"Nudge number {i}")
        _ask(
            pair,
            f"Ask number {i}",
            to=[pair.oakwood.pk, pair.hillside.pk] if i % 2 else (),
        )
    pair.oakwood_rep.collective  # noqa: B018 (the page has it loaded already)
    with django_assert_max_num_queries(2):
        items = habits_needing_you(pair.oakwood_rep)
    assert len(items) == 2 * (SHOWN + 1)


def test_a_nudge_snoozed_until_the_past_shows_again(pair):
    nudge = _nudge(pair, "Back again")
    Nudge.objects.filter(pk=nudge.pk).update(snoozed_until=timezone.now() - dt.timedelta(days=1))
    assert [i.title for i in habits_needing_you(pair.oakwood_rep)] == ["Back again"]
