"""Talk more than e-mail: each pair's and each PCN's mode mix over the collective's window,
and the convenors' page for the nudge thresholds, as people see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.testing import (
    MemberOrganisationFactory,
    OrganisationFactory,
    page_queries,
    table_rows,
)
from audit.models import AuditEntry
from collectives.models import Membership
from directory.models import OrganisationRelationship, RelationshipKind
from relationships.models import Contact, HabitSettings, Rhythm
from relationships.tests.conftest import Pair

pytestmark = pytest.mark.django_db

OAK_RIVER = "Oakwood Surgery and Riverside Practice"
AMBER = "Mostly e-mail"


def url(pair: Pair, name: str) -> str:
    return reverse(f"relationships:{name}", args=[pair.collective.slug])


def as_(client: Any, membership: Membership) -> Any:
    client.force_login(membership.user)
    return client


def contact(pair: Pair, mode: str, orgs: list[Any], days_ago: float = 3, count: int = 1) -> Contact:
    c = Contact.objects.create(
        collective=pair.collective,
        mode=mode,
        count=count,
        happened_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    c.organisations.set([o.pk for o in orgs])
    return c


def row(page: str, label: str, table: str = "pairs") -> list[str]:
    """The cells of the row whose header starts with ``label`` in the table with id ``table``
    (pairs or pcns), as plain text."""
    for text in table_rows(page, table):
        if text and text[0].startswith(label):
            return text
    raise AssertionError(f"No row for {label!r}")


def mix_page(client: Any, membership: Membership, pair: Pair) -> str:
    response = as_(client, membership).get(url(pair, "mix"))
    assert response.status_code == 200
    return response.content.decode()


def pcn_of(pair: Pair, *practices: Any, name: str = "Island PCN") -> Any:
    pcn = OrganisationFactory(kind="pcn", name=name)
    MemberOrganisationFactory(collective=pair.collective, organisation=pcn)
    for practice in practices:
        OrganisationRelationship.objects.create(
            organisation=practice, parent=pcn, kind=RelationshipKind.PCN_MEMBER
        )
    return pcn


# The mix of each pair -----------------------------------------------------------------------


def test_a_pairs_row_shows_its_emails_calls_and_email_share(client: Any, pair: Pair) -> None:
    contact(pair, "email", [pair.oakwood, pair.riverside], days_ago=10, count=9)
    contact(pair, "phone", [pair.oakwood, pair.riverside], days_ago=5)
    contact(pair, "phone", [pair.riverside, pair.oakwood], days_ago=2)
    page = mix_page(client, pair.oakwood_rep, pair)
    assert "Talk more than e-mail: the last 8 weeks" in page
    # 9 e-mails, 2 conversations, none in person, no other; 9 of 11 is 81.8%, shown as 82%.
    assert row(page, OAK_RIVER)[:6] == [OAK_RIVER, "9", "2", "0", "0", f"82% {AMBER}"]


def test_contact_outside_the_window_is_not_counted(client: Any, pair: Pair) -> None:
    contact(pair, "email", [pair.oakwood, pair.riverside], days_ago=8 * 7 + 2, count=5)
    contact(pair, "video", [pair.oakwood, pair.riverside], days_ago=1)
    page = mix_page(client, pair.oakwood_rep, pair)
    assert row(page, OAK_RIVER)[:6] == [OAK_RIVER, "0", "1", "0", "0", "0%"]


def test_the_amber_tag_shows_at_the_threshold_and_not_below(client: Any, pair: Pair) -> None:
    # Oakwood and Riverside: 7 e-mails of 10 contacts, exactly the default 70%.
    contact(pair, "email", [pair.oakwood, pair.riverside], count=7)
    for _ in range(3):
        contact(pair, "in_person", [pair.oakwood, pair.riverside])
    # Hillside and Oakwood: 6 of 10, 60%.
    contact(pair, "email", [pair.hillside, pair.oakwood], count=6)
    for _ in range(4):
        contact(pair, "phone", [pair.hillside, pair.oakwood])
    page = mix_page(client, pair.convenor, pair)
    assert row(page, OAK_RIVER)[5] == f"70% {AMBER}"
    assert row(page, "Hillside and Oakwood Surgery")[5] == "60%"


def test_pairs_are_listed_by_name_not_ranked_by_email_share(client: Any, pair: Pair) -> None:
    contact(pair, "phone", [pair.hillside, pair.oakwood])
    contact(pair, "email", [pair.oakwood, pair.riverside], count=20)
    contact(pair, "email", [pair.hillside, pair.riverside], count=3)
    contact(pair, "video", [pair.hillside, pair.riverside])
    page = mix_page(client, pair.convenor, pair)
    order = [
        page.index("Hillside and Oakwood Surgery"),
        page.index("Hillside and Riverside Practice"),
        page.index(OAK_RIVER),
    ]
    assert order == sorted(order)


def test_a_meeting_of_three_counts_for_each_pair_in_it(client: Any, pair: Pair) -> None:
    contact(pair, "in_person", [pair.oakwood, pair.riverside, pair.hillside])
    page = mix_page(client, pair.convenor, pair)
    for label in (OAK_RIVER, "Hillside and Oakwood Surgery", "Hillside and Riverside Practice"):
        assert row(page, label)[1:6] == ["0", "1", "1", "0", "0%"]


def test_each_rhythm_of_a_pair_shows_its_last_complete_period(client: Any, pair: Pair) -> None:
    today = timezone.localdate()
    weekly = Rhythm.objects.create(
        collective=pair.collective,
        name="Weekly video call",
        scope="pair",
        modes=["video"],
        period="weekly",
        starts_on=today - dt.timedelta(weeks=5),
    )
    weekly.organisations.set(pair.both)
    monthly = Rhythm.objects.create(
        collective=pair.collective,
        name="Monthly visit",
        scope="pair",
        modes=["in_person"],
        period="monthly",
        starts_on=today - dt.timedelta(days=100),
    )
    monthly.organisations.set(pair.both)
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    call = timezone.make_aware(dt.datetime.combine(last_monday, dt.time(10)))
    c = Contact.objects.create(collective=pair.collective, mode="video", happened_at=call)
    c.organisations.set(pair.both)
    rhythms = row(mix_page(client, pair.oakwood_rep, pair), OAK_RIVER)[6]
    week = f"Week of {last_monday.day} {last_monday:%b %Y}"
    assert f"Weekly video call: {week} Kept" in rhythms
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert f"Monthly visit: {last_month:%B %Y} Missed" in rhythms


def test_with_no_contact_in_the_window_the_page_says_so(client: Any, pair: Pair) -> None:
    contact(pair, "email", [pair.oakwood, pair.riverside], days_ago=70, count=4)
    page = mix_page(client, pair.hillside_member, pair)
    assert "No contact in the last 8 weeks" in page
    assert 'id="pairs"' not in page
    assert "No PCN is a member of the collective." in page


# The mix of each PCN ------------------------------------------------------------------------


def test_a_pcns_row_counts_contact_among_its_current_practices(client: Any, pair: Pair) -> None:
    pcn = pcn_of(pair, pair.oakwood, pair.riverside)
    OrganisationRelationship.objects.create(
        organisation=pair.hillside,
        parent=pcn,
        kind=RelationshipKind.PCN_MEMBER,
        end_date=timezone.localdate() - dt.timedelta(days=30),
    )
    contact(pair, "in_person", [pair.oakwood, pair.riverside])
    contact(pair, "email", [pair.oakwood, pair.riverside], count=3)
    contact(pair, "email", [pair.oakwood, pair.hillside], count=12)  # Hillside has left
    contact(pair, "other", [pair.riverside, pcn])  # one practice and the PCN itself
    page = mix_page(client, pair.convenor, pair)
    cells = row(page, "Island PCN", "pcns")
    assert cells[0] == "Island PCN Oakwood Surgery, Riverside Practice"
    assert cells[1:6] == ["3", "1", "1", "0", f"75% {AMBER}"]


def test_a_pcns_rhythm_shows_on_its_row(client: Any, pair: Pair) -> None:
    pcn = pcn_of(pair, pair.oakwood, pair.riverside)
    rhythm = Rhythm.objects.create(
        collective=pair.collective,
        name="PCN practice managers' meeting",
        scope="pcn",
        pcn=pcn,
        modes=["in_person", "video"],
        period="monthly",
        starts_on=timezone.localdate() - dt.timedelta(days=100),
    )
    rhythm.organisations.set(pair.both)
    contact(pair, "email", [pair.oakwood, pair.riverside])
    cells = row(mix_page(client, pair.convenor, pair), "Island PCN", "pcns")
    assert "PCN practice managers' meeting:" in cells[6] and "Missed" in cells[6]
    assert (
        "PCN practice managers' meeting"
        not in row(mix_page(client, pair.convenor, pair), OAK_RIVER)[6]
    )


# A fixed number of queries ----------------------------------------------------------------


def _busy(pair: Pair, n: int) -> None:
    pcn_of(pair, pair.oakwood, pair.riverside)
    orgs = [pair.oakwood, pair.riverside, pair.hillside]
    orgs += [
        MemberOrganisationFactory(collective=pair.collective).organisation for _ in range(n // 5)
    ]
    modes = ["email", "phone", "video", "in_person", "other"]
    for i in range(n):
        a, b = orgs[i % len(orgs)], orgs[(i + 1) % len(orgs)]
        contact(pair, modes[i % 5], [a, b], days_ago=i % 50)
    r = Rhythm.objects.create(
        collective=pair.collective,
        name=f"Rhythm {n}",
        scope="pair",
        modes=["phone"],
        period="weekly",
        starts_on=timezone.localdate() - dt.timedelta(weeks=10),
    )
    r.organisations.set(pair.both)


def _queries(client: Any, pair: Pair) -> int:
    return page_queries(client, url(pair, "mix"))


def test_the_page_runs_the_same_queries_for_few_and_many_contacts(
    client: Any, pair: Pair, django_assert_max_num_queries: Any
) -> None:
    as_(client, pair.convenor)
    _busy(pair, 3)
    few = _queries(client, pair)
    _busy(pair, 60)
    assert Contact.objects.count() == 63
    many = _queries(client, pair)
    assert few == many
    with django_assert_max_num_queries(27):
        client.get(url(pair, "mix"))


# The nudge thresholds ---------------------------------------------------------------------


GOOD = {
    "weeks": "4",
    "email_only_weeks": "3",
    "min_emails": "6",
    "missed_in_a_row": "3",
    "email_share_amber": "90",
}


def test_a_convenor_changes_a_threshold_and_the_mix_page_uses_it(client: Any, pair: Pair) -> None:
    contact(pair, "email", [pair.oakwood, pair.riverside], days_ago=10, count=9)
    contact(pair, "phone", [pair.oakwood, pair.riverside], days_ago=40)
    contact(pair, "phone", [pair.oakwood, pair.riverside], days_ago=2)
    as_(client, pair.convenor)
    page = client.get(url(pair, "settings")).content.decode()
    assert 'value="8"' in page and 'value="70"' in page  # the defaults
    response = client.post(url(pair, "settings"), GOOD, follow=True)
    assert response.status_code == 200
    assert "The nudge thresholds are saved." in response.content.decode()
    found = HabitSettings.objects.get(collective=pair.collective)
    assert (found.weeks, found.email_only_weeks, found.min_emails, found.missed_in_a_row) == (
        4,
        3,
        6,
        3,
    )
    assert found.email_share_amber == pytest.approx(0.9)
    entry = AuditEntry.objects.get(action="habit_settings.changed")
    assert entry.actor == pair.convenor.user
    assert entry.collective == pair.collective
    assert entry.before == {
        "weeks": 8,
        "email_only_weeks": 6,
        "min_emails": 5,
        "missed_in_a_row": 2,
        "email_share_amber": 0.7,
    }
    assert entry.after is not None and entry.after["weeks"] == 4
    assert entry.after["email_share_amber"] == pytest.approx(0.9)
    # Four weeks now: the call of 40 days ago is out; 9 of 10 is 90%, at the new amber.
    page = mix_page(client, pair.convenor, pair)
    assert "Talk more than e-mail: the last 4 weeks" in page
    assert row(page, OAK_RIVER)[1:6] == ["9", "1", "0", "0", f"90% {AMBER}"]
    client.post(url(pair, "settings"), {**GOOD, "email_share_amber": "95"})
    assert row(mix_page(client, pair.convenor, pair), OAK_RIVER)[5] == "90%"


def test_a_member_cannot_see_or_change_the_thresholds(client: Any, pair: Pair) -> None:
    as_(client, pair.oakwood_rep)
    assert client.get(url(pair, "settings")).status_code == 403
    assert client.post(url(pair, "settings"), GOOD).status_code == 403
    assert not HabitSettings.objects.exists()
    assert "Nudge thresholds" not in client.get(url(pair, "overview")).content.decode()


def test_the_overview_links_to_the_mix_and_for_convenors_the_thresholds(
    client: Any, pair: Pair
) -> None:
    page = as_(client, pair.convenor).get(url(pair, "overview")).content.decode()
    assert url(pair, "mix") in page and url(pair, "settings") in page


def test_bad_thresholds_are_refused_with_errors_naming_the_fields(client: Any, pair: Pair) -> None:
    as_(client, pair.convenor)
    bad = {**GOOD, "weeks": "0", "missed_in_a_row": "13", "email_share_amber": "150"}
    response = client.post(url(pair, "settings"), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Weeks the mode mix looks back: a whole number from 1 to 52." in page
    assert "Missed periods in a row before a nudge: a whole number from 1 to 12." in page
    assert "E-mail share shown amber: a percentage from 0 to 100." in page
    response = client.post(url(pair, "settings"), {**GOOD, "min_emails": "lots"})
    assert "E-mails before a nudge: enter a whole number from 1 to 100." in (
        response.content.decode()
    )
    assert not HabitSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="habit_settings.changed").exists()


def test_an_outsider_cannot_find_either_page(client: Any, pair: Pair, outsider: Any) -> None:
    as_(client, outsider)
    assert client.get(url(pair, "mix")).status_code == 404
    assert client.get(url(pair, "settings")).status_code == 404
    assert client.post(url(pair, "settings"), GOOD).status_code == 404
