"""Shared directory data is no collective's to edit; what a collective records is its own.

Collective A (the `convenor` fixture) and collective B (the `outsider`, B's convenor) both
have Oakwood Surgery, an ODS practice, as a member. Each test walks one way B's convenor
could change what A sees, through the pages and the API, and checks A's pages, A's API and
the rows.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from alliance.testing import (
    MemberOrganisationFactory,
    MembershipFactory,
    UserFactory,
    table_rows,
)
from audit.models import AuditEntry
from collectives.models import CollectiveOrganisation, CollectivePersonRole, Role
from directory.models import Organisation, Person
from directory.services import organisation_create, organisation_update, person_create


@pytest.fixture
def steward(db):
    """A data steward: a superuser of the service."""
    return UserFactory(is_superuser=True, full_name="Stella Steward")


@pytest.fixture
def shared(practice, outsider):
    """Oakwood Surgery (shared ODS data), a member organisation of both A and B."""
    b = MemberOrganisationFactory(
        collective=outsider.collective, organisation=practice.organisation
    )
    return SimpleNamespace(organisation=practice.organisation, a=practice, b=b)


@pytest.fixture
def shared_person(shared, steward):
    """Someone at Oakwood Surgery in the shared directory, added by a data steward."""
    return person_create(
        actor=steward,
        organisation=shared.organisation,
        name="Dr Sasha Shared",
        job_title="GP partner",
        role="gp_partner",
        phone="01983 100100",
    )


@pytest.fixture
def a_own(convenor):
    """An organisation A added by hand (its own), a member of A, with A's own person."""
    lmc = organisation_create(
        actor=convenor.user, actor_membership=convenor, name="Wight LMC", kind="lmc"
    )
    MemberOrganisationFactory(collective=convenor.collective, organisation=lmc)
    person = person_create(
        actor=convenor.user,
        actor_membership=convenor,
        organisation=lmc,
        name="Ada Own",
        phone="01983 200200",
    )
    return SimpleNamespace(organisation=lmc, person=person)


def _patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def _text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _people_at_oakwood(client, slug):
    """The People column of Oakwood Surgery's row in a collective's member organisations."""
    rows = table_rows(_text(client, f"/c/{slug}/organisations/"))
    [count] = [row[2] for row in rows if row[0].startswith("Oakwood Surgery")]
    return count


def _a_sees(client, convenor, shared):
    """Everything A's convenor sees of Oakwood Surgery, pages and API."""
    slug, pk, code = convenor.collective.slug, shared.a.pk, shared.organisation.ods_code
    urls = [
        f"/c/{slug}/organisations/",
        f"/c/{slug}/organisations/{pk}/",
        f"/directory/organisations/{code}/",
        "/directory/?q=oakwood",
        f"/api/v1/collectives/{slug}/organisations/",
        f"/api/v1/collectives/{slug}/organisations/{pk}/",
        f"/api/v1/collectives/{slug}/organisations/{pk}/people/",
        f"/api/v1/organisations/{code}/",
        "/api/v1/organisations/?search=oakwood",
        "/api/v1/people/",
    ]
    client.force_login(convenor.user)
    return "\n".join(_text(client, url) for url in urls)


# Shared data: only data stewards change it -------------------------------------------------


def test_it_refuses_a_convenor_of_b_changing_an_organisation_a_also_has(
    client, convenor, outsider, shared
):
    code = shared.organisation.ods_code
    client.force_login(outsider.user)
    page = _text(client, f"/directory/organisations/{code}/")
    assert "Change these details" not in page and "Add a person" not in page
    assert "only the service's data stewards change it" in page
    response = client.post(
        f"/directory/organisations/{code}/edit/",
        {"name": "Renamed by B", "kind": "practice", "status": "active", "phone": "0999"},
    )
    assert response.status_code == 403
    assert "Oakwood Surgery is shared directory data" in response.content.decode()
    added = client.post(f"/directory/organisations/{code}/people/new/", {"name": "Bea Added"})
    assert added.status_code == 403
    shared.organisation.refresh_from_db()
    assert (shared.organisation.name, shared.organisation.phone) == ("Oakwood Surgery", "")
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["organisation.changed", "person.created"])
    assert "Renamed by B" not in _a_sees(client, convenor, shared)


def test_it_refuses_a_convenor_of_b_changing_a_shared_person(
    client, convenor, outsider, shared_person
):
    client.force_login(outsider.user)
    page = _text(client, f"/directory/people/{shared_person.pk}/")  # B sees them...
    assert "Dr Sasha Shared" in page and "details</a>" not in page
    response = client.post(  # ...but cannot change them
        f"/directory/people/{shared_person.pk}/edit/",
        {"name": "Dr Changed", "phone": "0999 999999", "role": "", "email": "", "job_title": ""},
    )
    assert response.status_code == 403
    shared_person.refresh_from_db()
    assert (shared_person.name, shared_person.phone) == ("Dr Sasha Shared", "01983 100100")
    with pytest.raises(PermissionDenied):
        from directory.services import person_update

        person_update(actor=outsider.user, person=shared_person, phone="0999 999999")
    client.force_login(convenor.user)
    assert "01983 100100" in _text(client, f"/directory/people/{shared_person.pk}/")


def test_it_lets_a_data_steward_change_shared_data_audited_as_service(
    client, steward, convenor, shared, admin_client
):
    client.force_login(steward)
    code = shared.organisation.ods_code
    assert "Change these details" in _text(client, f"/directory/organisations/{code}/")
    response = client.post(
        f"/directory/organisations/{code}/edit/",
        {
            "name": "Oakwood Medical Centre",
            "kind": "practice",
            "status": "active",
            "postcode": "PO30 1AA",
        },
    )
    assert response.status_code == 302
    shared.organisation.refresh_from_db()
    assert shared.organisation.name == "Oakwood Medical Centre"
    assert shared.organisation.edited_fields == ["name"]  # a later import keeps it
    (entry,) = AuditEntry.objects.filter(action="organisation.changed")
    assert entry.collective is None and entry.actor == steward
    admin = _text(admin_client, "/admin/audit/auditentry/")
    assert "organisation.changed" in admin and ">service<" in admin
    # A sees the new official name, but a steward's edit is not in A's audit log.
    client.force_login(convenor.user)
    assert "Oakwood Medical Centre" in _text(
        client, f"/c/{convenor.collective.slug}/organisations/"
    )
    assert "organisation.changed" not in _text(client, f"/c/{convenor.collective.slug}/audit/")


def test_it_lets_only_data_stewards_add_shared_organisations(client, steward, convenor):
    new = {"name": "Wessex LMC", "kind": "lmc", "address": "", "postcode": "", "phone": ""}
    client.force_login(convenor.user)
    page = client.post("/directory/organisations/new/", {**new, "owner": ""}).content.decode()
    assert "There is a problem" in page and "This field is required." in page
    assert not Organisation.objects.exists()
    with pytest.raises(PermissionDenied):
        organisation_create(actor=convenor.user, name="Wessex LMC", kind="lmc")
    with pytest.raises(ValidationError) as error:
        organisation_create(
            actor=convenor.user,
            actor_membership=convenor,
            name="Wessex LMC",
            kind="lmc",
            ods_code="X99",
        )
    assert "come from the NHS files" in error.value.message_dict["ods_code"][0]

    client.force_login(steward)
    page = _text(client, "/directory/organisations/new/")
    assert "Shared directory data, for every collective" in page
    assert client.post("/directory/organisations/new/", {**new, "owner": ""}).status_code == 302
    lmc = Organisation.objects.get(name="Wessex LMC")
    assert lmc.owner is None
    (entry,) = AuditEntry.objects.filter(action="organisation.created")
    assert entry.collective is None


def test_it_refuses_in_the_database_an_ods_organisation_owned_by_a_collective(collective):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(ods_code="A12345", name="X", kind="practice", owner=collective)


# A collective's own records -------------------------------------------------------------


def test_it_hides_an_organisation_and_a_person_a_added_from_b(client, convenor, outsider, a_own):
    lmc, person = a_own.organisation, a_own.person
    client.force_login(outsider.user)
    for url, post_status in (
        (f"/directory/organisations/{lmc.pk}/", 404),
        (f"/directory/organisations/{lmc.pk}/edit/", 404),
        (f"/directory/organisations/{lmc.pk}/people/new/", 404),
        (f"/directory/people/{person.pk}/", 404),
        (f"/directory/people/{person.pk}/edit/", 404),
        (f"/api/v1/people/{person.pk}/", 405),  # a person is changed with PATCH: no POST
    ):
        assert client.get(url).status_code == 404, url
        response = client.post(url, {"name": "Taken by B", "kind": "lmc"})
        assert response.status_code == post_status, url
    assert "Wight LMC" not in _text(client, "/directory/?q=wight")
    assert "Wight LMC" not in _text(client, "/api/v1/organisations/?search=wight")
    assert "Ada Own" not in _text(client, "/api/v1/people/")
    b = outsider.collective.slug
    assert "Wight LMC" not in _text(client, f"/c/{b}/organisations/add/?q=wight")
    response = client.post(f"/c/{b}/organisations/add/", {"organisation": lmc.pk})
    assert response.status_code == 404
    response = client.post(
        f"/directory/organisations/{lmc.pk}/add-to-collective/", {"collective": b}
    )
    assert response.status_code == 404
    assert not CollectiveOrganisation.objects.filter(collective=outsider.collective).exists()
    lmc.refresh_from_db()
    person.refresh_from_db()
    assert (lmc.name, person.name, person.phone) == ("Wight LMC", "Ada Own", "01983 200200")
    # A still sees and changes its own.
    client.force_login(convenor.user)
    page = _text(client, f"/directory/organisations/{lmc.pk}/")
    assert "Change these details" in page and "Ada Own" in page
    assert "Added by hand by " + convenor.collective.name in page


def test_it_refuses_making_another_collectives_own_organisation_a_member(convenor, outsider, a_own):
    """Someone who convenes B and is also in A sees A's own organisation, but cannot make
    it a member of B (A's convenors could then change what B sees)."""
    from collectives.services import member_organisation_add

    MembershipFactory(collective=convenor.collective, user=outsider.user, role=Role.MEMBER)
    with pytest.raises(ValidationError, match="is its own record"):
        member_organisation_add(actor_membership=outsider, organisation=a_own.organisation)
    assert not CollectiveOrganisation.objects.filter(collective=outsider.collective).exists()


def test_it_lets_a_convenor_change_their_collectives_own_records_audited_in_its_log(
    client, convenor, outsider, a_own
):
    client.force_login(convenor.user)
    response = client.post(
        f"/directory/organisations/{a_own.organisation.pk}/edit/",
        {"name": "Isle of Wight LMC", "kind": "lmc", "status": "active", "phone": "01983 1"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/directory/people/{a_own.person.pk}/edit/",
        {"name": "Ada Own", "phone": "01983 300300", "role": "", "email": "", "job_title": ""},
    )
    assert response.status_code == 302
    a_own.organisation.refresh_from_db()
    a_own.person.refresh_from_db()
    assert a_own.organisation.name == "Isle of Wight LMC"
    assert a_own.organisation.edited_fields == []  # not ODS data: nothing for imports to keep
    assert a_own.person.phone == "01983 300300"
    log = _text(client, f"/c/{convenor.collective.slug}/audit/")
    for action in ("organisation.created", "organisation.changed", "person.created"):
        assert action in log
    assert "person.changed" in log and "Isle of Wight LMC" in log
    assert set(
        AuditEntry.objects.filter(action__startswith=("organisation.")).values_list(
            "collective", flat=True
        )
    ) == {convenor.collective.pk}
    client.force_login(outsider.user)
    assert "Isle of Wight LMC" not in _text(client, f"/c/{outsider.collective.slug}/audit/")


def test_it_refuses_a_member_who_is_not_a_convenor_changing_the_collectives_own_records(
    client, member, a_own
):
    client.force_login(member.user)
    page = _text(client, f"/directory/organisations/{a_own.organisation.pk}/")
    assert "Ada Own" in page and "Change these details" not in page
    response = client.post(
        f"/directory/organisations/{a_own.organisation.pk}/edit/",
        {"name": "Renamed", "kind": "lmc", "status": "active"},
    )
    assert response.status_code == 403
    assert "only its convenors can change it" in response.content.decode()
    with pytest.raises(PermissionDenied):
        organisation_update(actor=member.user, organisation=a_own.organisation, name="Renamed")
    a_own.organisation.refresh_from_db()
    assert a_own.organisation.name == "Wight LMC"


# What a collective records about shared data ----------------------------------------------


def test_it_shows_bs_local_name_and_note_for_a_shared_organisation_only_to_b(
    client, convenor, outsider, shared
):
    b, pk = outsider.collective.slug, shared.b.pk
    client.force_login(outsider.user)
    response = client.post(
        f"/c/{b}/organisations/{pk}/edit/",
        {"display_name": "Bee nickname", "note": "Bee secret note", "is_leadership": "on"},
    )
    assert response.status_code == 302
    assert "Bee nickname" in _text(client, f"/c/{b}/organisations/")
    response = _patch(
        client,
        f"/api/v1/collectives/{b}/organisations/{pk}/",
        {"display_name": "Bee API nickname", "note": "Bee API note"},
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Bee API nickname"
    page = _text(client, f"/c/{b}/organisations/{pk}/")
    assert "Bee API nickname" in page and "Bee API note" in page
    assert "Official name" in page and "Oakwood Surgery" in page

    seen = _a_sees(client, convenor, shared)
    assert "Oakwood Surgery" in seen
    assert "Bee" not in seen
    shared.a.refresh_from_db()
    shared.organisation.refresh_from_db()
    assert (shared.a.display_name, shared.a.note, shared.a.is_leadership) == ("", "", False)
    assert shared.organisation.name == "Oakwood Surgery"
    # B's changes are in B's audit log, not A's.
    assert "Bee API nickname" not in _text(client, f"/c/{convenor.collective.slug}/audit/")
    client.force_login(outsider.user)
    log = _text(client, f"/c/{b}/audit/")
    assert "member_organisation.changed" in log and "Bee API nickname" in log


def test_it_shows_a_its_own_local_name_for_a_shared_organisation(client, convenor, shared):
    """The control for the test above: A's own local name does show in A's pages and API."""
    a, pk = convenor.collective.slug, shared.a.pk
    client.force_login(convenor.user)
    response = _patch(
        client, f"/api/v1/collectives/{a}/organisations/{pk}/", {"display_name": "Oakies"}
    )
    assert response.status_code == 200
    for url in (
        f"/c/{a}/organisations/",
        f"/c/{a}/organisations/{pk}/",
        f"/api/v1/collectives/{a}/organisations/",
        f"/api/v1/collectives/{a}/organisations/{pk}/",
    ):
        assert "Oakies" in _text(client, url), url
    directory = _text(client, f"/directory/organisations/{shared.organisation.ods_code}/")
    assert "Oakies" not in directory  # the directory keeps the official name


def test_it_shows_people_b_adds_at_a_shared_organisation_only_to_b(
    client, convenor, outsider, shared
):
    b, pk = outsider.collective.slug, shared.b.pk
    client.force_login(outsider.user)
    new = {"name": "Bea Page", "job_title": "", "role": "", "email": "bea@b.example.org"}
    response = client.post(f"/c/{b}/organisations/{pk}/people/new/", {**new, "phone": ""})
    assert response.status_code == 302
    response = client.post(
        f"/api/v1/collectives/{b}/organisations/{pk}/people/",
        json.dumps({"name": "Bob Api", "phone": "0777 000000"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["owner"] == b
    assert {p.owner_id for p in Person.objects.all()} == {outsider.collective.pk}
    page = _text(client, f"/c/{b}/organisations/{pk}/")
    assert "Bea Page" in page and "Bob Api" in page
    assert _people_at_oakwood(client, b) == "2"  # B sees two people there

    seen = _a_sees(client, convenor, shared)
    assert "Bea Page" not in seen and "Bob Api" not in seen and "0777 000000" not in seen
    assert _people_at_oakwood(client, convenor.collective.slug) == "0"  # A sees no one there
    for person in Person.objects.all():
        assert client.get(f"/directory/people/{person.pk}/").status_code == 404
        assert client.get(f"/api/v1/people/{person.pk}/").status_code == 404
        url = f"/api/v1/collectives/{convenor.collective.slug}/organisations/{shared.a.pk}/"
        assert (
            _patch(client, f"{url}people/{person.pk}/", {"role_in_collective": "other"}).status_code
            == 404
        )


def test_it_shows_roles_b_records_for_a_shared_person_only_to_b(
    client, convenor, outsider, shared, shared_person
):
    b, pk = outsider.collective.slug, shared.b.pk
    client.force_login(outsider.user)
    form = _text(client, f"/c/{b}/organisations/{pk}/people/")
    assert "As in the directory (GP partner)" in form
    response = client.post(
        f"/c/{b}/organisations/{pk}/people/", {f"role_{shared_person.pk}": "lmc_officer"}
    )
    assert response.status_code == 302
    assert "LMC officer" in _text(client, f"/c/{b}/organisations/{pk}/")
    response = _patch(
        client,
        f"/api/v1/collectives/{b}/organisations/{pk}/people/{shared_person.pk}/",
        {"role_in_collective": "pcn_clinical_director"},
    )
    assert response.status_code == 200
    assert response.json()["role_in_collective"] == "pcn_clinical_director"
    bad = _patch(
        client,
        f"/api/v1/collectives/{b}/organisations/{pk}/people/{shared_person.pk}/",
        {"role_in_collective": "emperor"},
    )
    assert bad.status_code == 400 and "role_in_collective" in bad.json()

    seen = _a_sees(client, convenor, shared)
    assert "PCN Clinical Director" not in seen and "pcn_clinical_director" not in seen
    assert "GP partner <span" in seen  # A sees the directory's role
    people = client.get(
        f"/api/v1/collectives/{convenor.collective.slug}/organisations/{shared.a.pk}/people/"
    ).json()["results"]
    assert [(p["name"], p["role"], p["role_in_collective"]) for p in people] == [
        ("Dr Sasha Shared", "gp_partner", None)
    ]
    shared_person.refresh_from_db()
    assert shared_person.role == "gp_partner"
    assert list(CollectivePersonRole.objects.values_list("collective", "role")) == [
        (outsider.collective.pk, "pcn_clinical_director")
    ]
    entries = AuditEntry.objects.filter(action="person_role.changed")
    assert {e.collective_id for e in entries} == {outsider.collective.pk}
    assert [e.after for e in entries.order_by("id")] == [
        {"role": "lmc_officer"},
        {"role": "pcn_clinical_director"},
    ]


def test_it_lets_only_convenors_record_what_the_collective_says_about_an_organisation(
    client, member, practice, shared_person
):
    slug, pk = member.collective.slug, practice.pk
    client.force_login(member.user)
    page = _text(client, f"/c/{slug}/organisations/{pk}/")  # members read it
    assert "Dr Sasha Shared" in page and "Change people" not in page
    for url in (
        f"/c/{slug}/organisations/{pk}/edit/",
        f"/c/{slug}/organisations/{pk}/people/",
        f"/c/{slug}/organisations/{pk}/people/new/",
    ):
        assert client.post(url, {"display_name": "Members' name", "name": "X"}).status_code == 403
    api = f"/api/v1/collectives/{slug}/organisations/{pk}/"
    assert _patch(client, api, {"display_name": "Members' name"}).status_code == 403
    assert (
        _patch(client, f"{api}people/{shared_person.pk}/", {"role_in_collective": "other"})
    ).status_code == 403
    practice.refresh_from_db()
    assert practice.display_name == "" and not CollectivePersonRole.objects.exists()
    assert Person.objects.count() == 1


def test_it_sends_convenors_from_the_directory_to_their_collectives_page_for_local_records(
    client, convenor, shared
):
    client.force_login(convenor.user)
    code = shared.organisation.ods_code
    page = _text(client, f"/directory/organisations/{code}/")
    url = f"/c/{convenor.collective.slug}/organisations/{shared.a.pk}/"
    assert f'href="{url}"' in page
    assert "Your collective can give it a local name and a note" in page
    response = client.get(f"/directory/organisations/{code}/people/new/")
    assert response.status_code == 403
    assert "on the collective&#39;s page for the organisation" in response.content.decode()


def test_it_audits_a_data_stewards_changes_in_the_admin(admin_client, shared, a_own):
    code = shared.organisation.ods_code
    form = {
        "ods_code": code,
        "name": "Oakwood Health Centre",
        "kind": "practice",
        "status": "active",
        "postcode": "PO30 1AA",
        "edited_fields": "[]",
    }
    url = f"/admin/directory/organisation/{shared.organisation.pk}/change/"
    assert admin_client.post(url, form).status_code == 302
    shared.organisation.refresh_from_db()
    assert shared.organisation.name == "Oakwood Health Centre"
    assert shared.organisation.edited_fields == ["name"]
    (changed,) = AuditEntry.objects.filter(action="organisation.changed")
    assert changed.collective is None and changed.before["name"] == "Oakwood Surgery"
    url = f"/admin/directory/person/{a_own.person.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=a_own.person.pk).exists()
    (deleted,) = AuditEntry.objects.filter(action="person.deleted")
    assert deleted.collective == a_own.organisation.owner  # in the owning collective's log
    assert deleted.before["name"] == "Ada Own"
