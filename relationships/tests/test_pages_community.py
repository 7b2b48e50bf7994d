"""Nudges, asks for help, putting things right, the timeline and the overview, as people
see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.changes import forget_kept
from alliance.testing import MemberOrganisationFactory, page_queries, table_rows
from collectives.models import Membership
from relationships import services
from relationships.models import Ask, AskStatus, Contact, Nudge, PutItRight, Rhythm
from surveys import services as survey_services
from surveys.models import RATING_ITEMS

pytestmark = pytest.mark.django_db

NO_CAUSE = "This shows what happened alongside, not what caused it."


def url(pair: Any, name: str, *args: Any) -> str:
    return reverse(f"relationships:{name}", args=[pair.collective.slug, *args])


def as_(client: Any, membership: Membership) -> Any:
    client.force_login(membership.user)
    return client


def nudge(pair: Any, text: str = "Nine e-mails and no conversation in six weeks") -> Nudge:
    n = Nudge.objects.create(
        collective=pair.collective, key=f"k-{text}", rule="email_only", text=text
    )
    n.organisations.set(pair.both)
    return n


def contact(pair: Any, mode: str, orgs: list[int], days_ago: int = 3, count: int = 1) -> Contact:
    c = Contact.objects.create(
        collective=pair.collective,
        mode=mode,
        count=count,
        happened_at=timezone.now() - dt.timedelta(days=days_ago),
        note="Private notes about the call",
    )
    c.organisations.set(orgs)
    return c


# Nudges -------------------------------------------------------------------------------------


def test_people_of_the_nudged_organisations_see_their_nudges(client: Any, pair: Any) -> None:
    nudge(pair)
    page = as_(client, pair.oakwood_rep).get(url(pair, "nudges")).content.decode()
    assert "Nine e-mails and no conversation in six weeks" in page
    assert "Dismiss" in page and "Snooze" in page


def test_others_see_no_nudges_about_other_organisations(client: Any, pair: Any) -> None:
    nudge(pair)
    page = as_(client, pair.hillside_member).get(url(pair, "nudges")).content.decode()
    assert "Nine e-mails" not in page
    assert "No nudges" in page


def test_a_convenor_sees_every_nudge(client: Any, pair: Any) -> None:
    nudge(pair)
    page = as_(client, pair.convenor).get(url(pair, "nudges")).content.decode()
    assert "Nine e-mails" in page


def test_a_dismissed_nudge_is_gone(client: Any, pair: Any) -> None:
    n = nudge(pair)
    c = as_(client, pair.oakwood_rep)
    response = c.post(url(pair, "nudge_action", n.pk, "dismiss"), follow=True)
    page = response.content.decode()
    assert "Nudge dismissed." in page
    assert "No nudges" in page
    assert (
        "Nine e-mails"
        not in as_(client, pair.riverside_rep).get(url(pair, "nudges")).content.decode()
    )


def test_a_snoozed_nudge_disappears_until_the_date(client: Any, pair: Any) -> None:
    n = nudge(pair)
    c = as_(client, pair.oakwood_rep)
    page = c.post(url(pair, "nudge_action", n.pk, "snooze"), {"days": "28"}, follow=True)
    assert "Nudge snoozed until" in page.content.decode()
    n.refresh_from_db()
    assert n.snoozed_until is not None
    assert n.snoozed_until - timezone.now() > dt.timedelta(days=27)
    assert "Nine e-mails" not in c.get(url(pair, "nudges")).content.decode()
    Nudge.objects.filter(pk=n.pk).update(snoozed_until=timezone.now() - dt.timedelta(minutes=1))
    assert "Nine e-mails" in c.get(url(pair, "nudges")).content.decode()


def test_snooze_is_seven_days_unless_chosen(client: Any, pair: Any) -> None:
    n = nudge(pair)
    as_(client, pair.oakwood_rep).post(url(pair, "nudge_action", n.pk, "snooze"))
    n.refresh_from_db()
    assert n.snoozed_until is not None
    assert dt.timedelta(days=6) < n.snoozed_until - timezone.now() <= dt.timedelta(days=7)


def test_only_the_nudged_organisations_or_a_convenor_can_dismiss(client: Any, pair: Any) -> None:
    n = nudge(pair)
    response = as_(client, pair.hillside_member).post(url(pair, "nudge_action", n.pk, "dismiss"))
    assert response.status_code == 403
    n.refresh_from_db()
    assert n.dismissed_at is None
    as_(client, pair.convenor).post(url(pair, "nudge_action", n.pk, "dismiss"))
    n.refresh_from_db()
    assert n.dismissed_at is not None


def test_nudge_actions_are_post_only_and_unknown_actions_are_not_found(
    client: Any, pair: Any
) -> None:
    n = nudge(pair)
    c = as_(client, pair.oakwood_rep)
    assert c.get(url(pair, "nudge_action", n.pk, "dismiss")).status_code == 405
    assert c.post(url(pair, "nudge_action", n.pk, "explode")).status_code == 404
    n.refresh_from_db()
    assert n.dismissed_at is None


# Asks for help --------------------------------------------------------------------------------


def test_an_ask_to_everyone_is_seen_by_everyone_and_others_offer(client: Any, pair: Any) -> None:
    c = as_(client, pair.oakwood_rep)
    response = c.post(url(pair, "ask_new"), {"what": "Cover for a flu clinic", "to": "everyone"})
    ask = Ask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(pair, "ask", ask.pk)
    page = as_(client, pair.hillside_member).get(url(pair, "asks")).content.decode()
    assert "Cover for a flu clinic" in page
    response = client.post(
        url(pair, "ask", ask.pk), {"offer": "1", "offer-text": "Two nurses on Saturday"}
    )
    assert response.status_code == 302
    page = client.get(url(pair, "ask", ask.pk)).content.decode()
    assert "Hillside" in page and "Two nurses on Saturday" in page


def test_an_ask_to_chosen_organisations_is_hidden_from_the_others(client: Any, pair: Any) -> None:
    as_(client, pair.oakwood_rep).post(
        url(pair, "ask_new"),
        {"what": "Share a phlebotomist", "to": "chosen", "organisations": [pair.riverside.pk]},
    )
    ask = Ask.objects.get()
    assert not ask.to_everyone
    assert "Share a phlebotomist" in (
        as_(client, pair.riverside_rep).get(url(pair, "asks")).content.decode()
    )
    c = as_(client, pair.hillside_member)
    assert "Share a phlebotomist" not in c.get(url(pair, "asks")).content.decode()
    assert c.get(url(pair, "ask", ask.pk)).status_code == 404


def test_each_person_sees_the_same_asks_and_nudges_on_the_pages_as_in_the_api(
    client: Any, pair: Any
) -> None:
    oak, river, hill = pair.oakwood_rep, pair.riverside_rep, pair.hillside_member
    services.ask_post(actor_membership=oak, what="Ask to everyone")
    services.ask_post(
        actor_membership=oak, what="Ask to Riverside", to_organisations=[river.organisation_id]
    )
    services.ask_post(
        actor_membership=hill, what="Ask to Oakwood", to_organisations=[oak.organisation_id]
    )
    nudge(pair, "About Oakwood and Riverside")
    api = f"/api/v1/collectives/{pair.collective.slug}"
    seen = {
        oak: {"Ask to everyone", "Ask to Riverside", "Ask to Oakwood"},
        river: {"Ask to everyone", "Ask to Riverside"},
        hill: {"Ask to everyone", "Ask to Oakwood"},
        pair.convenor: {"Ask to everyone", "Ask to Riverside", "Ask to Oakwood"},
    }
    for member, asks in seen.items():
        as_(client, member)
        page = client.get(url(pair, "asks")).content.decode()
        assert {a for a in seen[pair.convenor] if a in page} == asks, member
        assert {a["what"] for a in client.get(f"{api}/asks/").json()["results"]} == asks, member
        nudged = member is not hill
        assert (
            "About Oakwood and Riverside" in client.get(url(pair, "nudges")).content.decode()
        ) == nudged
        assert [n["text"] for n in client.get(f"{api}/nudges/").json()["results"]] == (
            ["About Oakwood and Riverside"] if nudged else []
        )


def test_asking_chosen_organisations_needs_a_choice(client: Any, pair: Any) -> None:
    page = as_(client, pair.oakwood_rep).post(
        url(pair, "ask_new"), {"what": "Help", "to": "chosen"}
    )
    assert page.status_code == 200
    assert "Choose the organisations you are asking." in page.content.decode()
    assert not Ask.objects.exists()


def test_an_organisation_cannot_offer_on_its_own_ask(client: Any, pair: Any) -> None:
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Cover for a flu clinic")
    c = as_(client, pair.oakwood_rep)
    page = c.get(url(pair, "ask", ask.pk)).content.decode()
    assert "Offer to help" not in page
    assert "Mark answered and thank" in page
    page = c.post(url(pair, "ask", ask.pk), {"offer": "1", "offer-text": "Me"}).content.decode()
    assert "You cannot offer help to your own organisation" in page
    assert not ask.offers.exists()


def test_the_asker_marks_it_answered_and_thanks_the_helper(client: Any, pair: Any) -> None:
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Cover for a flu clinic")
    offer = services.offer_make(actor_membership=pair.riverside_rep, ask=ask, text="We can")
    page = as_(client, pair.riverside_rep).get(url(pair, "ask", ask.pk)).content.decode()
    assert "Mark answered and thank" not in page
    c = as_(client, pair.oakwood_rep)
    response = c.post(
        url(pair, "ask", ask.pk),
        {"answer": "1", "answer-offer": offer.pk, "answer-thanks": "Thank you, Riverside!"},
        follow=True,
    )
    page = response.content.decode()
    assert "Marked answered" in page
    assert "Thank you, Riverside!" in page
    ask.refresh_from_db()
    assert ask.status == AskStatus.ANSWERED and ask.helped_by == offer
    asks_page = c.get(url(pair, "asks")).content.decode()
    assert "helped by Riverside Practice" in asks_page


def test_the_asks_table_counts_asking_and_helping_by_organisation_name(
    client: Any, pair: Any
) -> None:
    for what in ("One", "Two"):
        services.ask_post(actor_membership=pair.riverside_rep, what=what)
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Three")
    offer = services.offer_make(actor_membership=pair.hillside_member, ask=ask, text="Yes")
    services.ask_answer(actor_membership=pair.oakwood_rep, ask=ask, offer=offer, thanks="Ta")
    page = as_(client, pair.convenor).get(url(pair, "asks")).content.decode()
    table = page[page.index("Asking and helping") :]
    assert "weak" not in table.lower()
    rows = [table.index(n) for n in ("Hillside", "Oakwood Surgery", "Riverside Practice")]
    assert rows == sorted(rows)  # by name, not by who asks most
    head, *rows = table_rows(table)
    assert head == ["Organisation", "Asked", "Answered", "Helped others"]
    assert "nhsuk-table__header nhsuk-table__header--numeric" in table  # figures align right
    counts = {row[0]: row[1:] for row in rows}
    assert counts["Oakwood Surgery"] == ["1", "1", "0"]
    assert counts["Hillside"] == ["0", "0", "1"]


# Putting things right -------------------------------------------------------------------------


def test_an_organisation_records_a_mistake_and_those_it_apologises_to_respond(
    client: Any, pair: Any
) -> None:
    c = as_(client, pair.oakwood_rep)
    response = c.post(
        url(pair, "put_it_right_new"),
        {
            "mistake": "We sent the rota late",
            "impact": "Riverside had to cancel clinics",
            "will_do": "Send it a week earlier",
            "apologises_to": [pair.riverside.pk],
        },
    )
    record = PutItRight.objects.get()
    assert response["Location"] == url(pair, "put_it_right", record.pk)
    assert "We sent the rota late" in c.get(url(pair, "put_it_rights")).content.decode()

    page = as_(client, pair.hillside_member).get(url(pair, "put_it_right", record.pk))
    assert "We sent the rota late" in page.content.decode()
    assert "Send your response" not in page.content.decode()
    assert client.post(url(pair, "put_it_right", record.pk), {"text": "Hm"}).status_code == 403

    c = as_(client, pair.riverside_rep)
    assert "Send your response" in c.get(url(pair, "put_it_right", record.pk)).content.decode()
    page = c.post(
        url(pair, "put_it_right", record.pk), {"text": "Thank you for saying so"}, follow=True
    ).content.decode()
    assert "Thank you for saying so" in page
    assert record.responses.count() == 1


def test_recording_a_mistake_needs_someone_to_apologise_to(client: Any, pair: Any) -> None:
    page = as_(client, pair.oakwood_rep).post(
        url(pair, "put_it_right_new"), {"mistake": "x", "impact": "y", "will_do": "z"}
    )
    assert "Choose the organisations you apologise to." in page.content.decode()
    assert not PutItRight.objects.exists()


# Timeline -------------------------------------------------------------------------------------


def _rhythm(pair: Any) -> Rhythm:
    r = Rhythm.objects.create(
        collective=pair.collective,
        name="Oakwood and Riverside weekly call",
        scope="pair",
        modes=["phone", "video"],
        period="weekly",
        starts_on=timezone.localdate() - dt.timedelta(days=60),
    )
    r.organisations.set(pair.both)
    return r


def _closed_round(pair: Any, title: str, trust: int, closed_days_ago: int) -> Any:
    reps = [pair.oakwood_rep, pair.riverside_rep]
    today = timezone.localdate()
    survey = survey_services.round_open(
        actor_membership=pair.convenor,
        title=title,
        opens_on=today,
        closes_on=today + dt.timedelta(days=10),
        participants=[pair.oakwood, pair.riverside, pair.hillside],
    )
    for rater in reps:
        for ratee in reps:
            if rater is ratee:
                continue
            values = dict.fromkeys(RATING_ITEMS[:3], trust)
            values |= dict.fromkeys(RATING_ITEMS[3:6], 3)
            values |= dict.fromkeys(RATING_ITEMS[6:13], 4)
            values |= {"now": 2, "wanted": 1}
            survey_services.rating_save(
                membership=rater, survey=survey, ratee=ratee.organisation, values=values
            )
        survey_services.self_assessment_save(
            membership=rater,
            survey=survey,
            values={"sustainable_alone": 2, "joint_difference": 4, "knows_leadership": 3},
        )
        survey_services.response_submit(membership=rater, survey=survey)
    for rep, other in ((pair.oakwood_rep, pair.riverside), (pair.riverside_rep, pair.oakwood)):
        survey_services.pair_consent_give(membership=rep, survey=survey, partner=other)
    survey_services.round_close(actor_membership=pair.convenor, survey=survey)
    survey.__class__.objects.filter(pk=survey.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=closed_days_ago)
    )
    return survey


def test_the_timeline_shows_each_kind_newest_first_without_notes(client: Any, pair: Any) -> None:
    _rhythm(pair)
    contact(pair, "video", pair.both, days_ago=8)
    contact(pair, "email", pair.both, days_ago=2)
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Cover for a flu clinic")
    offer = services.offer_make(actor_membership=pair.riverside_rep, ask=ask, text="We can")
    services.ask_answer(actor_membership=pair.oakwood_rep, ask=ask, offer=offer)
    services.put_it_right_record(
        actor_membership=pair.riverside_rep,
        mistake="We missed the call",
        impact="x",
        will_do="y",
        apologises_to=[pair.oakwood.pk],
    )
    _closed_round(pair, "Spring trust survey", 3, closed_days_ago=20)
    page = as_(client, pair.hillside_member).get(url(pair, "timeline")).content.decode()
    for kind in (
        "Rhythm agreed",
        "Rhythm kept",
        "Conversation",
        "Asked for help",
        "Help given",
        "Put it right",
        "Survey round closed",
    ):
        assert kind in page, kind
    assert "Private notes" not in page
    assert "E-mail thread" not in page
    assert page.index("Put it right") < page.index("Spring trust survey")


def test_the_timeline_pages(client: Any, pair: Any) -> None:
    for i in range(30):
        contact(pair, "phone", pair.both, days_ago=i + 1)
    c = as_(client, pair.oakwood_rep)
    first = c.get(url(pair, "timeline")).content.decode()
    assert first.count("Phone call") == 25 and "Older" in first
    second = c.get(url(pair, "timeline") + "?page=2").content.decode()
    assert second.count("Phone call") == 5 and "Newer" in second


# Overview -------------------------------------------------------------------------------------


def test_the_overview_shows_charts_with_their_tables_and_no_causal_claim(
    client: Any, pair: Any
) -> None:
    _closed_round(pair, "Spring trust survey", 2, closed_days_ago=60)
    contact(pair, "video", pair.both, days_ago=30)
    contact(pair, "in_person", pair.both, days_ago=20)
    contact(pair, "email", pair.both, days_ago=10, count=2)
    _closed_round(pair, "Autumn trust survey", 4, closed_days_ago=1)
    # A pair's trust is for its two organisations, who both agreed to share their views.
    others = as_(client, pair.hillside_member).get(url(pair, "overview")).content.decode()
    assert others.count('<svg class="app-chart"') == 2
    assert "Contact by month and mode" in others
    assert "Mean trust (1 to 4) in each closed round" in others
    assert "shown only to the two of them" in others and "Riverside Practice" not in others
    page = as_(client, pair.oakwood_rep).get(url(pair, "overview")).content.decode()
    assert page.count('<svg class="app-chart"') == 3
    assert NO_CAUSE in page
    assert "Each pair: trust band" in page
    [pair_row] = [r for r in table_rows(page) if r[0] == "Oakwood Surgery and Riverside Practice"]
    assert pair_row[1] == "weak → strong" and "Up" in pair_row[2]
    assert pair_row[3:] == ["2", "4", "50%"]
    for link in ("nudges", "asks", "put_it_rights", "timeline"):
        assert url(pair, link) in page
    assert "<script" not in page.split("</footer>")[0].split("<main")[1]
    assert "style=" not in page


def test_the_overview_waits_for_two_rounds(client: Any, pair: Any) -> None:
    page = as_(client, pair.oakwood_rep).get(url(pair, "overview")).content.decode()
    assert "This appears once two survey rounds have closed." in page
    assert "Contact by month and mode" in page


def _grow(pair: Any, n: int) -> None:
    others = [
        MemberOrganisationFactory(
            collective=pair.collective, organisation__name=f"Practice {i}"
        ).organisation.pk
        for i in range(n)
    ]
    for i in range(n * 5):
        orgs = [pair.oakwood.pk, others[i % n]]
        contact(pair, ("email", "phone", "video", "in_person")[i % 4], orgs, days_ago=i % 300 + 1)
    r = _rhythm(pair)
    r.organisations.add(others[0])
    for i in range(n):
        ask = services.ask_post(actor_membership=pair.riverside_rep, what=f"Ask {i}")
        if i % 2:
            offer = services.offer_make(actor_membership=pair.oakwood_rep, ask=ask, text="Yes")
            services.ask_answer(actor_membership=pair.riverside_rep, ask=ask, offer=offer)
    services.put_it_right_record(
        actor_membership=pair.oakwood_rep,
        mistake="m",
        impact="i",
        will_do="w",
        apologises_to=[pair.riverside.pk],
    )
    nudge(pair, f"Nudge {n}")


PAGES = [
    ("overview", ()),
    ("timeline", ()),
    ("nudges", ()),
    ("asks", ()),
    ("put_it_rights", ()),
]


def _counts(client: Any, pair: Any) -> dict[str, int]:
    """Each page's queries with nothing kept (alliance.changes): all its work, counted."""

    def counted(path: str) -> int:
        client.get(path)  # publishes any round whose results are due, once
        forget_kept()
        return page_queries(client, path)

    return {name: counted(url(pair, name, *args)) for name, args in PAGES}


def test_query_counts_stay_the_same_as_the_collective_grows(
    client: Any, pair: Any, django_assert_max_num_queries: Any
) -> None:
    _closed_round(pair, "Spring trust survey", 2, closed_days_ago=60)
    _closed_round(pair, "Autumn trust survey", 3, closed_days_ago=1)
    c = as_(client, pair.oakwood_rep)
    _grow(pair, 2)
    small = _counts(c, pair)
    _grow(pair, 12)
    large = _counts(c, pair)
    assert small == large
    for name, args in PAGES:
        # 25 for the page itself, and 2 for the header's "what needs your attention"
        # count, which every collective page works out (relationships.attention).
        with django_assert_max_num_queries(27):
            c.get(url(pair, name, *args))


def test_ask_and_record_pages_have_fixed_query_counts(client: Any, pair: Any) -> None:
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Help")
    record = services.put_it_right_record(
        actor_membership=pair.oakwood_rep,
        mistake="m",
        impact="i",
        will_do="w",
        apologises_to=[pair.riverside.pk],
    )
    c = as_(client, pair.riverside_rep)

    def count() -> tuple[int, int]:
        return (
            page_queries(c, url(pair, "ask", ask.pk)),
            page_queries(c, url(pair, "put_it_right", record.pk)),
        )

    before = count()
    services.offer_make(actor_membership=pair.riverside_rep, ask=ask, text="Yes")
    services.offer_make(actor_membership=pair.hillside_member, ask=ask, text="Also")
    services.put_it_right_respond(actor_membership=pair.riverside_rep, record=record, text="Ok")
    assert count() == before
    assert max(before) <= 25


# Outsiders ------------------------------------------------------------------------------------


def test_another_collectives_convenor_finds_nothing(
    client: Any, pair: Any, outsider: Membership
) -> None:
    n = nudge(pair)
    ask = services.ask_post(actor_membership=pair.oakwood_rep, what="Help")
    record = services.put_it_right_record(
        actor_membership=pair.oakwood_rep,
        mistake="m",
        impact="i",
        will_do="w",
        apologises_to=[pair.riverside.pk],
    )
    c = as_(client, outsider)
    for name, args in [
        *PAGES,
        ("ask_new", ()),
        ("put_it_right_new", ()),
        ("ask", (ask.pk,)),
        ("put_it_right", (record.pk,)),
    ]:
        assert c.get(url(pair, name, *args)).status_code == 404, name
    assert c.post(url(pair, "nudge_action", n.pk, "dismiss")).status_code == 404
    mine = reverse("relationships:nudge_action", args=[outsider.collective.slug, n.pk, "dismiss"])
    assert c.post(mine).status_code == 404
    n.refresh_from_db()
    assert n.dismissed_at is None
