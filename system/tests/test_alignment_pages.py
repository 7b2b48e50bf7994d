"""Agenda alignment as people see it: our priorities, the system organisations, and a page
per organisation showing where our agendas meet; adding and deleting (after asking) through
the pages; the leadership group and owners only; another collective's is not found."""

from __future__ import annotations

import pytest

from alliance.testing import OrganisationFactory, page_queries, table_rows
from golden_thread.tests.conftest import record_decision
from system import services_alignment as services
from system.models import KeyRelationship, Overlap, Priority, PriorityOwner
from system.tests.conftest import World
from system.tests.test_coverage_pages import cells, island_people, page, url, words


def ours(world: World, text: str = "Phlebotomy for housebound patients") -> Priority:
    return services.priority_add(
        actor_membership=world.cd, whose=PriorityOwner.COLLECTIVE, text=text
    )


def icb_priority(world: World, text: str = "Fewer admissions from care homes") -> Priority:
    return services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.ORGANISATION,
        organisation=world.icb.pk,
        text=text,
    )


def agenda(world: World, organisation) -> str:
    return url(world, "organisations", str(organisation.pk), "agenda")


def test_the_leadership_group_adds_our_priority_with_the_decision_behind_it(client, world):
    decision = record_decision(
        world.convenor, [world.cd, world.federation_lead], "One phlebotomy service"
    )
    client.force_login(world.cd.user)
    text = page(client, world.cd, url(world, "alignment"))
    assert "We have not written down our priorities yet." in text
    response = client.post(
        url(world, "alignment"),
        {"text": "Phlebotomy for housebound patients", "decision": decision.pk},
    )
    assert response.status_code == 302
    text = page(client, world.cd, url(world, "alignment"))
    assert cells(text, "ours")[1][:3] == [
        "Phlebotomy for housebound patients",
        "One phlebotomy service",
        "0",
    ]
    assert f'href="/c/{world.collective.slug}/decisions/{decision.pk}/"' in text


def test_a_priority_without_words_is_refused_on_the_form(client, world):
    client.force_login(world.cd.user)
    response = client.post(url(world, "alignment"), {"text": "   "})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Priority.objects.exists()


def test_the_organisations_list_counts_priorities_and_overlaps_and_searches(client, world):
    people = island_people(world)
    theirs = icb_priority(world)
    services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["dana"].pk,
        text="A frailty pathway",
    )
    services.overlap_mark(actor_membership=world.cd, ours=ours(world), theirs=theirs)
    text = page(client, world.cd, url(world, "alignment"))
    rows = {r[0]: r[1:] for r in cells(text, "organisations")[1:]}
    assert rows["NHS Hampshire and Isle of Wight ICB"] == ["Integrated Care Board", "2", "1"]
    assert rows["Isle of Wight Council"] == ["Local authority", "0", "0"]
    assert cells(text, "ours")[1][2] == "1"
    text = page(client, world.cd, url(world, "alignment") + "?q=council")
    assert [r[0] for r in cells(text, "organisations")[1:]] == ["Isle of Wight Council"]
    text = page(client, world.cd, url(world, "alignment") + "?q=nothing")
    assert "No organisation matches “nothing”." in text


def test_where_our_agendas_meet_with_the_icb(client, world):
    people = island_people(world)
    mine = ours(world)
    client.force_login(world.cd.user)
    address = agenda(world, world.icb)
    text = page(client, world.cd, address)
    assert "No overlaps marked yet." in text
    # The ICB's own priority, then the Director of Strategy's.
    response = client.post(
        address,
        {"form": "theirs", "theirs-whose": "organisation", "theirs-text": "Fewer admissions"},
    )
    assert response.status_code == 302
    response = client.post(
        address,
        {
            "form": "theirs",
            "theirs-whose": str(people["dana"].pk),
            "theirs-text": "A frailty pathway",
        },
    )
    assert response.status_code == 302
    frailty = Priority.objects.get(text="A frailty pathway")
    response = client.post(
        address,
        {
            "form": "overlap",
            "overlap-ours": mine.pk,
            "overlap-theirs": frailty.pk,
            "overlap-note": "Both want housebound patients seen at home",
        },
    )
    assert response.status_code == 302
    text = page(client, world.cd, address)
    overlaps = cells(text, "overlaps")
    assert overlaps[1][:5] == [
        "Phlebotomy for housebound patients",
        "A frailty pathway",
        "Dana Shaw, Director of Strategy",
        "Both want housebound patients seen at home",
        overlaps[1][4],
    ]
    assert overlaps[1][4].startswith("Clare Director, ")
    read = words(text)
    assert "ICB as a whole Fewer admissions ( Delete “Fewer admissions” )" in read
    assert "Dana Shaw, Director of Strategy A frailty pathway ( Delete" in read


def test_a_form_error_names_the_field(client, world):
    island_people(world)
    ours(world)
    client.force_login(world.cd.user)
    response = client.post(
        agenda(world, world.icb), {"form": "overlap", "overlap-ours": "", "overlap-theirs": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Overlap.objects.exists()


def test_deleting_a_priority_asks_first_and_says_what_goes_with_it(client, world):
    island_people(world)
    mine, theirs = ours(world), icb_priority(world)
    services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
    client.force_login(world.cd.user)
    address = url(world, "alignment", "priorities", str(theirs.pk), "delete")
    text = page(client, world.cd, address)
    assert "Delete “Fewer admissions from care homes”?" in text
    assert "It is marked as meeting 1 other priority: that mark goes with it." in text
    response = client.post(address)
    assert response.status_code == 302 and response["Location"] == agenda(world, world.icb)
    assert not Priority.objects.filter(pk=theirs.pk).exists()
    assert not Overlap.objects.exists()


def test_removing_an_overlap_asks_first(client, world):
    island_people(world)
    overlap = services.overlap_mark(
        actor_membership=world.cd, ours=ours(world), theirs=icb_priority(world)
    )
    client.force_login(world.cd.user)
    address = url(world, "alignment", "overlaps", str(overlap.pk), "delete")
    assert "Remove this overlap?" in page(client, world.cd, address)
    assert Overlap.objects.exists()
    assert client.post(address).status_code == 302
    assert not Overlap.objects.exists() and Priority.objects.count() == 2


@pytest.mark.parametrize("who", ["member", "observer", "guest"])
def test_members_observers_and_guests_are_refused(client, world, who):
    island_people(world)
    theirs = icb_priority(world)
    overlap = services.overlap_mark(actor_membership=world.cd, ours=ours(world), theirs=theirs)
    client.force_login(getattr(world, who).user)
    for address in (
        url(world, "alignment"),
        agenda(world, world.icb),
        url(world, "alignment", "priorities", str(theirs.pk), "delete"),
        url(world, "alignment", "overlaps", str(overlap.pk), "delete"),
    ):
        assert client.get(address).status_code == 403, address
        assert client.post(address).status_code == 403, address
    assert Priority.objects.count() == 2 and Overlap.objects.count() == 1


def test_another_collectives_priorities_and_organisations_are_not_found(client, world, outsider):
    island_people(world)
    theirs = icb_priority(world)
    overlap = services.overlap_mark(actor_membership=world.cd, ours=ours(world), theirs=theirs)
    nowhere = OrganisationFactory(name="Somewhere Else Trust", kind="acute_trust")
    client.force_login(world.convenor.user)
    # An organisation the collective has nothing to do with.
    assert client.get(agenda(world, nowhere)).status_code == 404
    client.force_login(outsider.user)
    own = f"/c/{outsider.collective.slug}/system/"
    for address in (
        url(world, "alignment"),
        agenda(world, world.icb),
        f"{own}organisations/{world.icb.pk}/agenda/",
        f"{own}alignment/priorities/{theirs.pk}/delete/",
        f"{own}alignment/overlaps/{overlap.pk}/delete/",
    ):
        assert client.get(address).status_code == 404, address
        assert client.post(address).status_code == 404, address
    assert Priority.objects.count() == 2 and Overlap.objects.count() == 1


def test_an_owner_outside_the_leadership_group_sees_and_keeps_their_stakeholders_only(
    client, world
):
    people = island_people(world)
    rep = world.representatives[0]
    KeyRelationship.objects.create(
        collective=world.collective, stakeholder=people["olu"], owner=rep.user
    )
    services.priority_add(
        actor_membership=world.cd,
        whose=PriorityOwner.STAKEHOLDER,
        stakeholder=people["cath"].pk,
        text="Cath's own priority",
    )
    ours(world)
    client.force_login(rep.user)
    text = page(client, rep, url(world, "alignment"))
    assert [r[0] for r in cells(text, "organisations")[1:]] == ["Isle of Wight Community Services"]
    assert "Add one of our priorities" not in text
    address = agenda(world, world.community_trust)
    text = page(client, rep, address)
    assert "Olu Ade" in text and "Cath Kerr" not in text and "Cath's own" not in text
    assert "as a whole" not in words(text).split("Add one of their priorities")[-1]
    response = client.post(
        address,
        {"form": "theirs", "theirs-whose": str(people["olu"].pk), "theirs-text": "Flow"},
    )
    assert response.status_code == 302
    response = client.post(
        address,
        {"form": "theirs", "theirs-whose": "organisation", "theirs-text": "The trust's"},
    )
    assert response.status_code == 200  # not a choice they have
    assert not Priority.objects.filter(text="The trust's").exists()
    assert client.get(agenda(world, world.icb)).status_code == 404


def test_the_pages_run_the_same_queries_for_few_and_many_priorities(client, world):
    people = island_people(world)
    client.force_login(world.cd.user)

    def more(n: int) -> None:
        for i in range(n):
            mine = ours(world, f"Ours {n}-{i}")
            theirs = services.priority_add(
                actor_membership=world.cd,
                whose=PriorityOwner.STAKEHOLDER,
                stakeholder=people["dana"].pk,
                text=f"Dana's {n}-{i}",
            )
            services.overlap_mark(actor_membership=world.cd, ours=mine, theirs=theirs)
            OrganisationFactory(name=f"Trust {n}-{i}", kind="acute_trust")
            services.priority_add(
                actor_membership=world.cd,
                whose=PriorityOwner.ORGANISATION,
                organisation=OrganisationFactory(name=f"Org {n}-{i}", kind="acute_trust").pk,
                text=f"Theirs {n}-{i}",
            )

    more(2)
    few = [
        page_queries(client, url(world, "alignment")),
        page_queries(client, agenda(world, world.icb)),
    ]
    more(6)
    many = [
        page_queries(client, url(world, "alignment")),
        page_queries(client, agenda(world, world.icb)),
    ]
    assert many == few
    assert len(table_rows(page(client, world.cd, agenda(world, world.icb)), "overlaps")) == 9
