"""The provider voice's pages: who sees and does what, the forms (errors naming the field),
the exports, another collective's objects not found, and a fixed number of queries."""

from __future__ import annotations

from html import unescape

import pytest

from alliance.testing import page_queries, table_rows
from collectives.models import Role
from system import services_voice as services
from system.models import Mandate, Need, NeedSupport, NegotiationEvent

from .test_voice_fixtures import NOW, SECRET, grow, make_mandate, patients, raise_need, support


def _rows(page):
    """A responsive table's rows as read: each cell without the column's heading, which the
    table repeats (hidden from screen readers) for small screens."""
    rows = table_rows(page)
    head = rows[0]
    return [head] + [
        [cell.removeprefix(name).strip() for name, cell in zip(head, row, strict=True)]
        for row in rows[1:]
    ]


def _url(world, suffix=""):
    return f"/c/{world.collective.slug}/system/{suffix}"


def _pages(world, need, mandate):
    practice = world.practices[0].pk
    return [
        "needs/",
        "needs/?q=phlebotomy&status=open",
        f"needs/{need.pk}/",
        f"needs/practices/{practice}/",
        "mandates/",
        "mandates/?status=open",
        f"mandates/{mandate.pk}/",
    ]


def _leadership_pages(need, mandate):
    return [
        f"needs/{need.pk}/prioritise/",
        f"mandates/{mandate.pk}/edit/",
        f"mandates/{mandate.pk}/events/new/",
        f"mandates/{mandate.pk}/outcome/",
    ]


@pytest.fixture
def voice(world):
    need = raise_need(world)
    support(world, need, 1, 2)
    other = raise_need(world, 3, "Hospital letters arrive late")
    mandate = make_mandate(world, need)
    return need, other, mandate


def test_every_page_renders_for_the_leadership_group(client, world, voice):
    need, other, mandate = voice
    client.force_login(world.cd.user)
    for page in [*_pages(world, need, mandate), *_leadership_pages(need, mandate)]:
        assert client.get(_url(world, page)).status_code == 200, page
    assert client.get(_url(world, f"needs/{other.pk}/mandate/")).status_code == 200


def test_members_and_observers_read_but_change_nothing(client, world, voice):
    need, other, mandate = voice
    for someone in (world.member, world.observer):
        client.force_login(someone.user)
        for page in _pages(world, need, mandate):
            assert client.get(_url(world, page)).status_code == 200, (someone.role, page)
        for page in [
            *_leadership_pages(need, mandate),
            f"needs/{other.pk}/mandate/",
            "needs/raise/",
            f"needs/{need.pk}/support/",
            f"needs/{need.pk}/support/withdraw/",
        ]:
            assert client.get(_url(world, page)).status_code == 403, (someone.role, page)
            assert client.post(_url(world, page), {}).status_code == 403, (someone.role, page)
    # A practice's representative raises and supports, but does not lead.
    client.force_login(world.representatives[4].user)
    assert client.get(_url(world, "needs/raise/")).status_code == 200
    assert client.get(_url(world, f"needs/{need.pk}/support/")).status_code == 200
    for page in _leadership_pages(need, mandate):
        assert client.get(_url(world, page)).status_code == 403, page


def test_guests_see_nothing_of_it(client, world, voice):
    need, _other, mandate = voice
    client.force_login(world.guest.user)
    for page in [*_pages(world, need, mandate), "needs/needs.csv", "mandates/mandates.xlsx"]:
        assert client.get(_url(world, page)).status_code == 403, page


def test_another_collectives_needs_mandates_and_practices_are_not_found(
    client, world, voice, outsider
):
    need, _other, mandate = voice
    client.force_login(outsider.user)
    for page in _pages(world, need, mandate):
        assert client.get(_url(world, page)).status_code == 404, page
    # B's ids under B's own URL: not found either.
    theirs = f"/c/{outsider.collective.slug}/system/"
    for page in [
        f"needs/{need.pk}/",
        f"needs/{need.pk}/support/",
        f"needs/practices/{world.practices[0].pk}/",
        f"mandates/{mandate.pk}/",
        f"mandates/{mandate.pk}/outcome/",
    ]:
        assert client.get(theirs + page).status_code == 404, page


def test_a_practice_raises_a_need_and_others_support_it_through_the_pages(client, world):
    client.force_login(world.representatives[0].user)
    refused = client.post(_url(world, "needs/raise/"), {"title": ""})
    assert "Say what the need is, in a line." in unescape(refused.content.decode())
    done = client.post(
        _url(world, "needs/raise/"),
        {"title": "No phlebotomy capacity after 1pm", "detail": "Every afternoon."},
    )
    need = Need.objects.get()
    assert done.status_code == 302 and done["Location"] == _url(world, f"needs/{need.pk}/")
    own = client.get(_url(world, f"needs/{need.pk}/")).content.decode()
    assert "Practice A Surgery raised this need." in own
    for index in (1, 2, 3, 4):
        client.force_login(world.representatives[index].user)
        page = client.get(_url(world, f"needs/{need.pk}/")).content.decode()
        assert f"Add Practice {'ABCDEF'[index]} Surgery&#39;s support" in page
        empty = client.post(_url(world, f"needs/{need.pk}/support/"), {"evidence": ""})
        assert "Give one line of evidence" in unescape(empty.content.decode())
        client.post(_url(world, f"needs/{need.pk}/support/"), {"evidence": f"We see it ({index})."})
    assert NeedSupport.objects.count() == 4
    page = client.get(_url(world, f"needs/{need.pk}/")).content.decode()
    assert "Practice E Surgery supports this need." in page
    assert table_rows(page)[-1][:2] == ["Practice E Surgery", "We see it (4)."]
    client.post(_url(world, f"needs/{need.pk}/support/withdraw/"), {})
    assert NeedSupport.objects.count() == 3
    listed = client.get(_url(world, "needs/")).content.decode()
    assert _rows(listed)[1][:5] == [
        "1",
        "No phlebotomy capacity after 1pm",
        "Practice A Surgery",
        "4",
        "not known",
    ]


def test_the_leadership_prioritises_negotiates_and_records_the_outcome_through_the_pages(
    client, world
):
    need = raise_need(world)
    support(world, need, 1)
    client.force_login(world.cd.user)
    refused = client.post(
        _url(world, f"needs/{need.pk}/prioritise/"), {"decision": "prioritised", "reason": "x"}
    )
    assert "Give its priority as a number from 1 (first)." in unescape(refused.content.decode())
    client.post(
        _url(world, f"needs/{need.pk}/prioritise/"),
        {"decision": "prioritised", "priority": "1", "reason": "Most practices."},
    )
    assert Need.objects.get().priority == 1
    form = client.get(_url(world, f"needs/{need.pk}/mandate/")).content.decode()
    assert "Not listed? Its ODS code" in form
    unknown = client.post(
        _url(world, f"needs/{need.pk}/mandate/"),
        {"ask": "a", "ods_code": "XXX99", "opening_position": "b", "limits": "c"},
    )
    assert "No organisation in the directory has the ODS code XXX99." in unescape(
        unknown.content.decode()
    )
    made = client.post(
        _url(world, f"needs/{need.pk}/mandate/"),
        {
            "ask": "Clinics until 6pm.",
            "ods_code": "qrl",
            "opening_position": "6pm",
            "limits": SECRET,
        },
    )
    mandate = Mandate.objects.get()
    assert made["Location"] == _url(world, f"mandates/{mandate.pk}/")
    assert mandate.of_whom == world.icb
    page = client.get(_url(world, f"mandates/{mandate.pk}/")).content.decode()
    assert SECRET in page and "Our limits (the leadership group only)" in page
    client.post(
        _url(world, f"mandates/{mandate.pk}/events/new/"),
        {"kind": "meeting", "happened_on": "2026-03-01", "text": "Met the ICB's director."},
    )
    assert NegotiationEvent.objects.get().text == "Met the ICB's director."
    empty = client.post(_url(world, f"mandates/{mandate.pk}/outcome/"), {"status": "concluded"})
    assert "Say what the outcome is." in unescape(empty.content.decode())
    done = client.post(
        _url(world, f"mandates/{mandate.pk}/outcome/"),
        {
            "status": "concluded",
            "outcome": "The ICB will fund bloods until 4pm.",
            "meaning": "Book bloods until 4pm from April.",
        },
    )
    assert done.status_code == 302
    page = client.get(_url(world, f"mandates/{mandate.pk}/")).content.decode()
    assert "The outcome as every practice received it" in page
    assert "Record the outcome" not in page
    # The raising practice sees what happened.
    client.force_login(world.representatives[0].user)
    ours = client.get(_url(world, f"needs/practices/{world.practices[0].pk}/")).content.decode()
    assert _rows(ours)[1] == [
        "No phlebotomy capacity after 1pm",
        "Raised",
        _rows(ours)[1][2],
        "Closed with an outcome",
        "The ICB will fund bloods until 4pm.",
    ]
    theirs = client.get(_url(world, f"needs/practices/{world.practices[1].pk}/")).content.decode()
    assert _rows(theirs)[1][1] == "Supported by Practice A Surgery"


def test_the_list_pages_search_and_page(client, world):
    for n in range(30):
        raise_need(world, n % 6, title=f"Need {n:02d}")
    client.force_login(world.member.user)
    page = client.get(_url(world, "needs/")).content.decode()
    assert "30 needs, showing 1 to 25" in page
    assert "Need 29" in client.get(_url(world, "needs/?page=2")).content.decode()
    assert (
        "No need matches your search." in client.get(_url(world, "needs/?q=zzz")).content.decode()
    )
    empty = client.get(_url(world, "mandates/")).content.decode()
    assert "No need has been turned into a mandate yet." in empty


def test_the_exports_rank_the_needs_and_hold_limits_only_for_the_leadership(client, world, voice):
    _need, _other, _mandate = voice
    patients(world, {0: 6_000, 1: 5_000})
    client.force_login(world.member.user)
    ranking = client.get(_url(world, "needs/needs.csv")).content.decode("utf-8-sig").splitlines()
    assert ranking[0].startswith("Rank,Need,Raised by,Raised on,Practices behind it")
    assert ranking[1].startswith(
        "1,No phlebotomy capacity after 1pm,Practice A Surgery,2026-03-02,3,"
    )
    assert ",11000,Being negotiated," in ranking[1]
    assert "not known" in ranking[2]
    theirs = client.get(_url(world, "mandates/mandates.csv")).content.decode("utf-8-sig")
    assert "Our limits" not in theirs and SECRET not in theirs
    assert "Phlebotomy clinics until 6pm" in theirs
    client.force_login(world.cd.user)
    ours = client.get(_url(world, "mandates/mandates.csv")).content.decode("utf-8-sig")
    assert "Our limits" in ours.splitlines()[0] and SECRET in ours
    xlsx = client.get(_url(world, "needs/needs.xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("who", ["cd", "member"])
def test_the_pages_cost_the_same_queries_whatever_the_size(client, world, who):
    needs = grow(world, 2)
    patients(world, {0: 1000, 1: 2000})
    first, last = needs[0], needs[-1]
    pages = [
        *_pages(world, first, Mandate.objects.get(need=first)),
        "needs/needs.csv",
        "mandates/mandates.xlsx",
    ]
    if who == "cd":
        pages += _leadership_pages(last, Mandate.objects.get(need=last))
    client.force_login(getattr(world, who).user)
    small = [page_queries(client, _url(world, page)) for page in pages]
    grow(world, 4)  # three times as many needs, supports, mandates and events
    large = [page_queries(client, _url(world, page)) for page in pages]
    assert small == large


def test_a_representative_of_a_pcn_does_not_raise_for_it(client, world):
    client.force_login(world.cd.user)
    assert client.get(_url(world, "needs/raise/")).status_code == 403
    page = client.get(_url(world, "needs/")).content.decode()
    assert "Raise a need" not in page


def test_a_deputy_raises_for_their_practice(client, world):
    from alliance.testing import MembershipFactory

    deputy = MembershipFactory(
        collective=world.collective, role=Role.DEPUTY, organisation=world.practices[5]
    )
    client.force_login(deputy.user)
    page = client.get(_url(world, "needs/")).content.decode()
    assert "Raise a need for Practice F Surgery" in page
    services.need_raise(actor_membership=deputy, title="x", now=NOW)
    assert Need.objects.get().practice == world.practices[5]


def test_the_exports_write_formula_like_names_as_text(client, world):
    practice = world.practices[0]
    practice.name = '=HYPERLINK("https://evil.example/","Click")'
    practice.save()
    need = raise_need(world, 0, title="+SUM(1,2)")
    make_mandate(world, need)
    client.force_login(world.cd.user)
    needs = client.get(_url(world, "needs/needs.csv")).content.decode("utf-8-sig")
    assert "'+SUM(1,2)" in needs and "'=HYPERLINK(" in needs
    mandates = client.get(_url(world, "mandates/mandates.csv")).content.decode("utf-8-sig")
    assert "'+SUM(1,2)" in mandates and "'=HYPERLINK(" in mandates
