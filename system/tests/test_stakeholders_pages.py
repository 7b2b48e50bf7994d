"""The stakeholders' pages as GP leaders, members, observers, guests and another collective
see them: the list and its search, adding someone, their page with the history of
assessments, key relationships, contact and notes, and the exports."""

from __future__ import annotations

import datetime as dt
import io
from html import unescape

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from alliance.testing import page_queries, summary_list, table_rows
from audit.models import AuditEntry
from collectives.models import CollectiveOrganisation
from directory.models import Organisation, Person
from relationships.models import Contact
from system import services_stakeholders as services
from system.models import KeyRelationship, Stakeholder, StakeholderNote
from system.tests.conftest import World, make_world

NOW = timezone.now()


def _url(world: World, suffix: str = "") -> str:
    return f"/c/{world.collective.slug}/system/stakeholders/{suffix}"


def add(world: World, name: str, organisation=None, **more) -> Stakeholder:
    return services.stakeholder_add(
        actor_membership=world.cd, organisation=(organisation or world.icb).pk, name=name, **more
    )


def other_world(convenor) -> World:
    """A second collective's world: the ICB's ODS code is unique, so the first one's moves."""
    Organisation.objects.filter(ods_code="QRL").update(ods_code="QRLA")
    return make_world(convenor)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.content.decode())


@pytest.fixture
def dana(world: World) -> Stakeholder:
    stakeholder = add(
        world,
        "Dana Strategy",
        job_title="Director of Strategy",
        email="dana@nhs.example",
    )
    for on, warmth, sway in ((dt.date(2026, 1, 5), 3, 3), (dt.date(2026, 2, 5), 4, 3)):
        services.assessment_add(
            actor_membership=world.cd,
            stakeholder=stakeholder,
            warmth=warmth,
            sway=sway,
            assessed_on=on,
        )
    return stakeholder


def test_the_leadership_group_sees_the_list_and_everyone_else_is_refused(client, world, dana):
    for leader in (world.convenor, world.cd, world.federation_lead):
        client.force_login(leader.user)
        page = _page(client, _url(world))
        assert table_rows(page)[1] == [
            "Dana Strategy",
            "NHS Hampshire and Isle of Wight ICB",
            "Director of Strategy",
            "4",
            "3",
            "–",
            "None logged",
        ]
        assert "Add a stakeholder" in page
    for someone in (world.representatives[0], world.member, world.observer, world.guest):
        client.force_login(someone.user)
        for suffix in ("", f"{dana.pk}/", "stakeholders.csv", "add/", f"{dana.pk}/assess/"):
            assert client.get(_url(world, suffix)).status_code == 403, (someone, suffix)


def test_another_collective_finds_nothing(client, world, dana, outsider):
    theirs = other_world(outsider)
    their_stakeholder = services.stakeholder_add(
        actor_membership=theirs.cd, organisation=theirs.icb.pk, name="Theirs"
    )
    client.force_login(outsider.user)
    for suffix in ("", f"{dana.pk}/", f"{dana.pk}/notes/add/", "stakeholders.csv"):
        assert client.get(_url(world, suffix)).status_code == 404
    client.force_login(world.convenor.user)
    for suffix in ("", "edit/", "assess/", "key/", "contact/", "notes/add/"):
        response = client.get(_url(world, f"{their_stakeholder.pk}/{suffix}"))
        assert response.status_code == 404, suffix
        assert client.post(_url(world, f"{their_stakeholder.pk}/{suffix}")).status_code == 404
    assert not KeyRelationship.objects.exists()


def test_an_owner_outside_the_leadership_group_sees_only_their_own(client, world, dana):
    other = add(world, "Olly Other")
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    CollectiveOrganisation.objects.filter(organisation=world.cd.organisation).update(
        is_leadership=False
    )
    client.force_login(world.cd.user)
    page = _page(client, _url(world))
    assert "Dana Strategy" in page and "Olly Other" not in page
    assert client.get(_url(world, f"{other.pk}/")).status_code == 404
    assert "Add a stakeholder" not in page
    assert _page(client, _url(world, f"{dana.pk}/")).count("Log a contact") == 1


def test_the_list_is_searched_filtered_and_paged(client, world, dana):
    for n in range(26):
        add(world, f"Trust person {n:02d}", world.community_trust, role=f"Role {n:02d}")
    add(world, "Cara Council", world.council, role="Director of Adult Social Services")
    client.force_login(world.convenor.user)
    page = _page(client, _url(world))
    assert "28 stakeholders, showing 1 to 25" in page
    assert [r[0] for r in table_rows(_page(client, _url(world, "?q=adult+social")))[1:]] == [
        "Cara Council"
    ]
    assert [r[0] for r in table_rows(_page(client, _url(world, "?q=hampshire")))[1:]] == [
        "Dana Strategy"
    ]
    filtered = _page(client, _url(world, f"?organisation={world.community_trust.pk}"))
    assert "26 stakeholders, showing 1 to 25" in filtered
    second = _page(client, _url(world, f"?organisation={world.community_trust.pk}&page=2"))
    assert [r[0] for r in table_rows(second)[1:]] == ["Trust person 25"]
    assert "No stakeholder matches your search." in _page(client, _url(world, "?q=zzz"))


def test_an_empty_list_says_what_to_do(client, world):
    client.force_login(world.cd.user)
    page = _page(client, _url(world))
    assert "No stakeholder is recorded yet. Add the first" in page
    assert "You have no key relationships yet." in page


def test_a_clinical_director_adds_the_icbs_director_of_strategy(client, world):
    client.force_login(world.cd.user)
    found = _page(client, _url(world, "add/?q=hampshire"))
    assert "NHS Hampshire and Isle of Wight ICB" in found
    assert "Practice A Surgery" not in _page(client, _url(world, "add/?q=practice"))
    form = _url(world, f"add/?organisation={world.icb.pk}")
    assert "Add a stakeholder at NHS Hampshire and Isle of Wight ICB" in _page(client, form)
    refused = client.post(form, {"name": "", "email": "nope"})
    text = unescape(refused.content.decode())
    assert "Enter an e-mail address in the right format" in text
    done = client.post(
        form,
        {
            "name": "Dana Strategy",
            "job_title": "Director of Strategy",
            "email": "dana@nhs.example",
            "role": "",
            "agenda_learned": "",
        },
    )
    stakeholder = Stakeholder.objects.get()
    assert done.status_code == 302 and done["Location"] == _url(world, f"{stakeholder.pk}/")
    page = _page(client, done["Location"])
    assert summary_list(page)["Role"] == "Director of Strategy"
    assert summary_list(page)["E-mail address"] == "dana@nhs.example"
    # Someone the collective knows at an organisation is offered by name.
    Person.objects.create(name="Colin Council", organisation=world.council, owner=world.collective)
    assert "Colin Council" in _page(client, _url(world, f"add/?organisation={world.council.pk}"))
    assert client.get(_url(world, "add/?organisation=999999")).status_code == 404


def test_only_a_convenor_adds_an_organisation_by_hand(client, world):
    client.force_login(world.cd.user)
    assert "A convenor can add an organisation" in _page(client, _url(world, "add/"))
    assert client.get(_url(world, "organisations/add/")).status_code == 403
    client.force_login(world.convenor.user)
    done = client.post(
        _url(world, "organisations/add/"),
        {"name": "Isle of Wight Council adult social care directorate", "kind": "local_authority"},
    )
    assert done.status_code == 302 and "?organisation=" in done["Location"]
    assert "adult social care directorate" in _page(client, _url(world, "add/"))


def test_the_stakeholder_page_shows_the_history_with_its_movement(client, world, dana):
    client.force_login(world.federation_lead.user)
    page = _page(client, _url(world, f"{dana.pk}/"))
    assert summary_list(page)["Warmth and sway"].startswith("Warmth 4 (Friendly), sway 3")
    assert summary_list(page)["Warmth and sway"].endswith(": warmth 3 → 4")
    rows = table_rows(page)
    assert rows[1][:4] == ["5 Feb 2026", "4", "3", "warmth 3 → 4"]
    assert rows[2][:4] == ["5 Jan 2026", "3", "3", "first assessment"]
    assert "Their priorities, their organisation's, and where they meet ours" in page


def test_an_assessment_through_the_form_explains_the_scale(client, world, dana):
    client.force_login(world.cd.user)
    form = _page(client, _url(world, f"{dana.pk}/assess/"))
    assert "1 is frosty, 5 is warm" in form and "5: Decisive" in form
    refused = unescape(client.post(_url(world, f"{dana.pk}/assess/"), {}).content.decode())
    assert "Choose their warmth from 1 to 5." in refused
    done = client.post(
        _url(world, f"{dana.pk}/assess/"),
        {"warmth": "5", "sway": "2", "assessed_on": timezone.localdate().isoformat()},
    )
    assert done.status_code == 302
    assert "warmth 4 → 5, sway 3 → 2" in _page(client, _url(world, f"{dana.pk}/"))


def test_a_gp_leader_marks_a_key_relationship_and_a_sixth_is_refused(client, world, dana):
    others = [add(world, f"Leader{n} Jones") for n in range(5)]
    client.force_login(world.cd.user)
    confirm = _page(client, _url(world, f"{dana.pk}/key/"))
    assert "Make Dana Strategy one of your key relationships" in confirm
    for stakeholder in [dana, *others[:4]]:
        assert client.post(_url(world, f"{stakeholder.pk}/key/")).status_code == 302
    refused = unescape(client.post(_url(world, f"{others[4].pk}/key/")).content.decode())
    assert "You already have 5 key relationships" in refused
    assert "Dana Strategy, NHS Hampshire and Isle of Wight ICB" in refused
    mine = _page(client, _url(world))
    assert "You keep 5 of at most 5." in mine
    assert "Key relationship of" in mine and "Clare Director" in mine
    # Unmarking asks first.
    remove = _url(world, f"{dana.pk}/key/remove/")
    assert "Stop keeping Dana Strategy as a key relationship?" in _page(client, remove)
    assert KeyRelationship.objects.filter(stakeholder=dana).exists()
    assert client.post(remove).status_code == 302
    assert not KeyRelationship.objects.filter(stakeholder=dana).exists()
    assert client.get(remove).status_code == 404  # no longer theirs


def test_a_representative_cannot_own_a_key_relationship(client, world, dana):
    client.force_login(world.convenor.user)
    page = _page(client, _url(world, f"{dana.pk}/"))
    assert "Make them one of your key relationships" in page
    client.force_login(world.representatives[0].user)
    assert client.post(_url(world, f"{dana.pk}/key/")).status_code == 403
    assert not KeyRelationship.objects.exists()


def test_logging_the_first_contact_with_a_key_relationship_asks_about_their_agenda(
    client, world, dana
):
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    client.force_login(world.cd.user)
    url = _url(world, f"{dana.pk}/contact/")
    assert "What did we learn about their agenda?" in _page(client, url)
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    refused = unescape(client.post(url, {"mode": "in_person", "happened_on": day}).content.decode())
    assert "Say what we learned about their agenda" in refused
    assert not Contact.objects.exists()
    done = client.post(
        url, {"mode": "in_person", "happened_on": day, "agenda_learned": "Out-of-hospital care."}
    )
    assert done.status_code == 302
    page = _page(client, _url(world, f"{dana.pk}/"))
    assert summary_list(page)["Their agenda, as we learned it"] == "Out-of-hospital care."
    assert table_rows(page)[-1][1:] == ["In-person meeting", "Clare Director"]
    # The next contact does not ask.
    assert "What did we learn" not in _page(client, url)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    refused = unescape(client.post(url, {"mode": "phone", "happened_on": future}).content.decode())
    assert "cannot be in the future" in refused


def test_a_convenor_chooses_the_member_organisation_they_were_there_for(client, world, dana):
    client.force_login(world.convenor.user)
    url = _url(world, f"{dana.pk}/contact/")
    assert "For which member organisation" in _page(client, url)
    day = timezone.localdate().isoformat()
    refused = unescape(client.post(url, {"mode": "video", "happened_on": day}).content.decode())
    assert "Choose the member organisation you were there for." in refused
    pcn = world.cd.organisation
    assert (
        client.post(url, {"mode": "video", "happened_on": day, "organisation": pcn.pk}).status_code
        == 302
    )
    assert Contact.objects.get().organisations.count() == 2


def test_notes_are_shown_reviewed_and_deleted_and_each_read_is_audited(client, world, dana):
    services.note_add(
        actor_membership=world.cd,
        stakeholder=dana,
        text="Prefers a short written brief.",
        now=timezone.now() - dt.timedelta(days=800),
    )
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    client.force_login(world.cd.user)  # the owner: not audited
    page = _page(client, _url(world, f"{dana.pk}/"))
    assert "Prefers a short written brief." in page
    assert "Review: older than two years — keep or delete" in page
    assert "1 note is older than two years" in page
    assert not AuditEntry.objects.filter(action="stakeholder.notes_read").exists()
    client.force_login(world.convenor.user)
    _page(client, _url(world, f"{dana.pk}/"))
    assert AuditEntry.objects.filter(action="stakeholder.notes_read").count() == 1
    note = StakeholderNote.objects.get()
    assert client.post(_url(world, f"{dana.pk}/notes/{note.pk}/keep/")).status_code == 302
    assert "Review: older than two years" not in _page(client, _url(world, f"{dana.pk}/"))
    delete = _url(world, f"{dana.pk}/notes/{note.pk}/delete/")
    assert "It is deleted for good" in _page(client, delete)
    assert StakeholderNote.objects.exists()
    assert client.post(delete).status_code == 302
    assert not StakeholderNote.objects.exists()
    assert "No notes yet." in _page(client, _url(world, f"{dana.pk}/"))
    added = client.post(_url(world, f"{dana.pk}/notes/add/"), {"text": ""})
    assert "Enter note." in unescape(added.content.decode())


def test_a_note_of_another_stakeholder_is_not_found(client, world, dana):
    other = add(world, "Olly Other")
    note = services.note_add(actor_membership=world.cd, stakeholder=other, text="x")
    client.force_login(world.convenor.user)
    assert client.get(_url(world, f"{dana.pk}/notes/{note.pk}/delete/")).status_code == 404
    assert client.post(_url(world, f"{dana.pk}/notes/{note.pk}/keep/")).status_code == 404


def test_the_exports_hold_the_list_without_notes(client, world, dana):
    services.note_add(actor_membership=world.cd, stakeholder=dana, text="Secret note")
    services.stakeholder_update(
        actor_membership=world.cd, stakeholder=dana, agenda_learned="Private agenda"
    )
    services.key_relationship_mark(actor_membership=world.cd, stakeholder=dana)
    add(world, "=Formula Person", role="+danger")
    client.force_login(world.convenor.user)
    csv = client.get(_url(world, "stakeholders.csv")).content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines == [
        "Name,Organisation,Role,Warmth,Sway,Assessed on,Key relationship of,Last contact",
        "'=Formula Person,NHS Hampshire and Isle of Wight ICB,'+danger,,,,,",
        "Dana Strategy,NHS Hampshire and Isle of Wight ICB,Director of Strategy,4,3,2026-02-05,"
        "Clare Director,",
    ]
    assert "Secret note" not in csv and "Private agenda" not in csv
    workbook = load_workbook(io.BytesIO(client.get(_url(world, "stakeholders.xlsx")).content))
    cells = [c.value for c in workbook["Stakeholders"][3]]
    assert cells[:2] == ["Dana Strategy", "NHS Hampshire and Isle of Wight ICB"]


def _fill(world: World, n: int) -> None:
    for k in range(n):
        stakeholder = add(world, f"Person {k:03d}", world.community_trust)
        services.assessment_add(
            actor_membership=world.cd, stakeholder=stakeholder, warmth=3, sway=3
        )
        services.assessment_add(
            actor_membership=world.cd, stakeholder=stakeholder, warmth=4, sway=3
        )
        if k < 4:
            services.key_relationship_mark(actor_membership=world.cd, stakeholder=stakeholder)
        services.note_add(actor_membership=world.cd, stakeholder=stakeholder, text="n")
        services.contact_log(
            actor_membership=world.cd,
            stakeholder=stakeholder,
            mode="phone",
            happened_at=timezone.now() - dt.timedelta(days=1),
            agenda_learned="a",
        )


def test_the_pages_cost_the_same_queries_however_many_stakeholders(client, convenor, outsider):
    small = make_world(convenor)
    large = other_world(outsider)
    _fill(small, 4)
    _fill(large, 12)
    counts = {}
    for world in (small, large):
        client.force_login(world.cd.user)
        first = Stakeholder.objects.filter(collective=world.collective).order_by("pk").first()
        counts[world.collective.pk] = [
            page_queries(client, _url(world)),
            page_queries(client, _url(world, "?q=person")),
            page_queries(client, _url(world, f"{first.pk}/")),
            page_queries(client, _url(world, f"{first.pk}/contact/")),
            page_queries(client, _url(world, "add/?q=trust")),
            page_queries(client, _url(world, f"add/?organisation={world.council.pk}")),
        ]
    assert counts[small.collective.pk] == counts[large.collective.pk]
