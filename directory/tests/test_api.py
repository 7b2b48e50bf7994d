"""The directory's API writes: adding and changing organisations and people, under the one
rule of directory.access (shared data: the data stewards; a collective's own: its
convenors), audited as the pages' writes are."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from alliance.testing import UserFactory, audited
from audit.models import AuditEntry
from directory.models import Organisation, Person
from directory.services import organisation_create, person_create

JSON = "application/json"


@pytest.fixture
def steward(db):
    """A data steward: a superuser of the service."""
    return UserFactory(is_superuser=True, full_name="Stella Steward")


@pytest.fixture
def shared(practice, steward):
    """Oakwood Surgery (shared ODS data, a member of collective A) and a shared person
    there."""
    person = person_create(
        actor=steward, organisation=practice.organisation, name="Dr Sasha Shared", phone="01"
    )
    return SimpleNamespace(organisation=practice.organisation, person=person)


@pytest.fixture
def own(convenor):
    """An organisation collective A added by hand (its own), with A's own person there."""
    lmc = organisation_create(
        actor=convenor.user, actor_membership=convenor, name="Wight LMC", kind="lmc"
    )
    person = person_create(
        actor=convenor.user, actor_membership=convenor, organisation=lmc, name="Ada Own"
    )
    return SimpleNamespace(organisation=lmc, person=person)


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def _patch(client, url, data):
    return client.patch(url, data, content_type=JSON)


def _key(organisation):
    return organisation.ods_code or organisation.pk


# Adding an organisation -------------------------------------------------------------------


def test_a_convenor_adds_an_organisation_of_their_collectives_own(client, convenor, member):
    client.force_login(convenor.user)
    response = _post(
        client,
        "/api/v1/organisations/",
        {
            "name": " Wessex LMC ",
            "kind": "lmc",
            "postcode": "so22 5dh",
            "owner": convenor.collective.slug,
        },
    )
    assert response.status_code == 201
    body = response.json()
    lmc = Organisation.objects.get(name="Wessex LMC")
    assert body["id"] == lmc.pk and body["ods_code"] is None
    assert (body["name"], body["kind"], body["postcode"]) == ("Wessex LMC", "lmc", "SO22 5DH")
    assert body["owner"] == convenor.collective.slug
    assert audited("organisation.created") == [(convenor.user_id, convenor.collective_id)]
    client.force_login(member.user)  # the collective's members see it, by its id
    assert client.get(f"/api/v1/organisations/{lmc.pk}/").json()["name"] == "Wessex LMC"


def test_a_data_steward_adds_shared_directory_data(client, steward, outsider):
    client.force_login(steward)
    response = _post(client, "/api/v1/organisations/", {"name": "Wessex LMC", "kind": "lmc"})
    assert response.status_code == 201
    assert response.json()["owner"] is None
    assert audited("organisation.created") == [(steward.pk, None)]
    client.force_login(outsider.user)  # shared data: anyone signed in may look it up
    assert client.get(f"/api/v1/organisations/{response.json()['id']}/").status_code == 200


def test_only_data_stewards_add_shared_data_and_only_convenors_their_collectives(
    client, convenor, member
):
    client.force_login(convenor.user)
    response = _post(client, "/api/v1/organisations/", {"name": "Wessex LMC", "kind": "lmc"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "Only the service's data stewards add shared directory data."
    )
    client.force_login(member.user)
    response = _post(
        client,
        "/api/v1/organisations/",
        {"name": "Wessex LMC", "kind": "lmc", "owner": member.collective.slug},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a convenor of the collective can do that."}
    assert not Organisation.objects.filter(name="Wessex LMC").exists()
    assert not audited("organisation.created")


def test_an_organisation_for_a_collective_one_is_not_in_is_a_400_naming_the_owner(
    client, convenor, outsider
):
    client.force_login(outsider.user)
    response = _post(
        client,
        "/api/v1/organisations/",
        {"name": "Wessex LMC", "kind": "lmc", "owner": convenor.collective.slug},
    )
    assert response.status_code == 400
    assert response.json() == {
        "owner": [f"You are in no collective with the slug '{convenor.collective.slug}'."]
    }
    assert not Organisation.objects.filter(name="Wessex LMC").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field cannot be blank."),
        ({"name": "x" * 201}, "name", "Ensure this field has no more than 200 characters."),
        ({"kind": "castle"}, "kind", '"castle" is not a valid choice.'),
        ({"postcode": "P" * 11}, "postcode", "Ensure this field has no more than 10 characters."),
        ({"phone": "0" * 41}, "phone", "Ensure this field has no more than 40 characters."),
        ({"owner": "not a slug"}, "owner", "Enter a valid"),
    ],
)
def test_a_bad_organisation_is_a_400_naming_the_field(client, convenor, data, field, message):
    client.force_login(convenor.user)
    body = {"name": "Wessex LMC", "kind": "lmc", "owner": convenor.collective.slug, **data}
    response = _post(client, "/api/v1/organisations/", body)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    assert not Organisation.objects.exists()


# Changing an organisation -----------------------------------------------------------------


def test_a_data_steward_changes_shared_data_and_an_import_keeps_the_change(client, steward, shared):
    client.force_login(steward)
    code = shared.organisation.ods_code
    response = _patch(client, f"/api/v1/organisations/{code}/", {"phone": " 01983 100100 "})
    assert response.status_code == 200
    assert response.json()["phone"] == "01983 100100"
    assert response.json()["name"] == "Oakwood Surgery"  # what was not sent stays
    shared.organisation.refresh_from_db()
    assert shared.organisation.edited_fields == ["phone"]
    (entry,) = AuditEntry.objects.filter(action="organisation.changed")
    assert (entry.actor, entry.collective) == (steward, None)
    assert entry.after["phone"] == "01983 100100" and entry.before["phone"] == ""


def test_a_convenor_changes_their_collectives_own_organisation(client, convenor, own):
    client.force_login(convenor.user)
    url = f"/api/v1/organisations/{own.organisation.pk}/"
    response = _patch(client, url, {"name": "Isle of Wight LMC", "status": "closed"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["status"]) == ("Isle of Wight LMC", "closed")
    assert client.get(url).json()["name"] == "Isle of Wight LMC"
    assert audited("organisation.changed") == [(convenor.user_id, convenor.collective_id)]


def test_shared_data_is_not_a_convenors_to_change(client, convenor, shared):
    client.force_login(convenor.user)
    code = shared.organisation.ods_code
    response = _patch(client, f"/api/v1/organisations/{code}/", {"name": "Renamed"})
    assert response.status_code == 403
    assert "Oakwood Surgery is shared directory data" in response.json()["detail"]
    shared.organisation.refresh_from_db()
    assert shared.organisation.name == "Oakwood Surgery" and not audited("organisation.changed")


def test_a_collectives_own_organisation_is_changed_by_its_convenors_only(
    client, member, outsider, own
):
    url = f"/api/v1/organisations/{own.organisation.pk}/"
    client.force_login(member.user)
    response = _patch(client, url, {"name": "Renamed"})
    assert response.status_code == 403
    assert "only its convenors can change it" in response.json()["detail"]
    client.force_login(outsider.user)  # another collective's: not found at all
    assert client.get(url).status_code == 404
    assert _patch(client, url, {"name": "Renamed"}).status_code == 404
    own.organisation.refresh_from_db()
    assert own.organisation.name == "Wight LMC" and not audited("organisation.changed")


def test_an_organisation_that_does_not_exist_is_not_found(client, steward):
    client.force_login(steward)
    assert _patch(client, "/api/v1/organisations/NOPE1/", {"name": "x"}).status_code == 404
    assert _post(client, "/api/v1/organisations/NOPE1/people/", {"name": "x"}).status_code == 404


# Adding a person --------------------------------------------------------------------------


def test_a_convenor_adds_a_person_at_their_collectives_own_organisation(
    client, convenor, member, own
):
    client.force_login(convenor.user)
    url = f"/api/v1/organisations/{own.organisation.pk}/people/"
    response = _post(
        client,
        url,
        {"name": "Bo Own", "role": "lmc_officer", "email": "Bo@Example.org", "phone": "02"},
    )
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(name="Bo Own")
    assert body["id"] == person.pk and body["owner"] == convenor.collective.slug
    assert (body["email"], body["role"]) == ("bo@example.org", "lmc_officer")
    assert body["organisation"]["name"] == "Wight LMC"
    assert audited("person.created")[-1] == (convenor.user_id, convenor.collective_id)
    client.force_login(member.user)
    assert [p["name"] for p in client.get(url).json()] == ["Ada Own", "Bo Own"]


def test_a_data_steward_adds_a_shared_person(client, steward, shared):
    client.force_login(steward)
    code = shared.organisation.ods_code
    response = _post(client, f"/api/v1/organisations/{code}/people/", {"name": "Dr New"})
    assert response.status_code == 201
    assert response.json()["owner"] is None
    assert audited("person.created")[-1] == (steward.pk, None)


def test_people_are_added_only_by_who_may_change_the_organisation(
    client, convenor, member, outsider, shared, own
):
    client.force_login(convenor.user)  # shared data: stewards only
    code = shared.organisation.ods_code
    response = _post(client, f"/api/v1/organisations/{code}/people/", {"name": "Bea Added"})
    assert response.status_code == 403
    assert "shared directory data" in response.json()["detail"]
    url = f"/api/v1/organisations/{own.organisation.pk}/people/"
    client.force_login(member.user)  # A's own: its convenors only
    assert _post(client, url, {"name": "Bea Added"}).status_code == 403
    client.force_login(outsider.user)  # and another collective does not find it
    assert _post(client, url, {"name": "Bea Added"}).status_code == 404
    assert client.get(url).status_code == 404
    assert not Person.objects.filter(name="Bea Added").exists()
    assert len(audited("person.created")) == 2  # the fixtures'


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field cannot be blank."),
        ({"name": "x" * 151}, "name", "Ensure this field has no more than 150 characters."),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"role": "wizard"}, "role", '"wizard" is not a valid choice.'),
        ({"job_title": "x" * 151}, "job_title", "Ensure this field has no more than 150"),
    ],
)
def test_a_bad_person_is_a_400_naming_the_field(client, convenor, own, data, field, message):
    client.force_login(convenor.user)
    url = f"/api/v1/organisations/{own.organisation.pk}/people/"
    response = _post(client, url, {"name": "Bo Own", **data})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    assert Person.objects.count() == 1


# Changing a person ------------------------------------------------------------------------


def test_a_convenor_changes_their_collectives_own_person(client, convenor, own):
    client.force_login(convenor.user)
    url = f"/api/v1/people/{own.person.pk}/"
    response = _patch(client, url, {"phone": "01983 300300", "job_title": "Chief executive"})
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["name"]) == ("01983 300300", "Ada Own")
    assert client.get(url).json()["job_title"] == "Chief executive"
    assert audited("person.changed") == [(convenor.user_id, convenor.collective_id)]


def test_a_data_steward_changes_a_shared_person(client, steward, shared):
    client.force_login(steward)
    response = _patch(client, f"/api/v1/people/{shared.person.pk}/", {"email": "S@Example.org"})
    assert response.status_code == 200 and response.json()["email"] == "s@example.org"
    assert audited("person.changed") == [(steward.pk, None)]


def test_people_are_changed_only_by_who_may_change_them(
    client, convenor, member, outsider, shared, own
):
    client.force_login(convenor.user)
    response = _patch(client, f"/api/v1/people/{shared.person.pk}/", {"name": "Dr Changed"})
    assert response.status_code == 403
    assert "shared directory data" in response.json()["detail"]
    client.force_login(member.user)
    response = _patch(client, f"/api/v1/people/{own.person.pk}/", {"name": "Changed"})
    assert response.status_code == 403
    client.force_login(outsider.user)
    assert _patch(client, f"/api/v1/people/{own.person.pk}/", {"name": "B"}).status_code == 404
    names = set(Person.objects.values_list("name", flat=True))
    assert names == {"Dr Sasha Shared", "Ada Own"} and not audited("person.changed")


@pytest.mark.parametrize(
    ("record", "data", "field", "message"),
    [
        ("organisations", {"name": " "}, "name", "This field cannot be blank."),
        ("organisations", {"status": "gone"}, "status", '"gone" is not a valid choice.'),
        ("organisations", {"kind": ""}, "kind", '"" is not a valid choice.'),
        ("organisations", {"postcode": "P" * 11}, "postcode", "Ensure this field has no more"),
        ("people", {"name": ""}, "name", "This field cannot be blank."),
        ("people", {"email": "nope"}, "email", "Enter a valid email address."),
        ("people", {"phone": "0" * 41}, "phone", "Ensure this field has no more than 40"),
    ],
)
def test_a_bad_change_is_a_400_naming_the_field(
    client, convenor, own, record, data, field, message
):
    changed = own.organisation if record == "organisations" else own.person
    client.force_login(convenor.user)
    response = _patch(client, f"/api/v1/{record}/{changed.pk}/", data)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    changed.refresh_from_db()
    assert (changed.name, getattr(changed, "status", "")) in {
        ("Wight LMC", "active"),
        ("Ada Own", ""),
    }
    assert not audited("organisation.changed") and not audited("person.changed")


# Anonymous callers and the schema ---------------------------------------------------------


def test_anonymous_callers_cannot_write_to_the_directory(client, shared, own):
    code = shared.organisation.ods_code
    calls = [
        (_post, "/api/v1/organisations/"),
        (_patch, f"/api/v1/organisations/{code}/"),
        (_post, f"/api/v1/organisations/{code}/people/"),
        (_patch, f"/api/v1/people/{own.person.pk}/"),
    ]
    for send, url in calls:
        assert send(client, url, {"name": "Anon", "kind": "lmc"}).status_code == 401, url
    assert client.get(f"/api/v1/organisations/{code}/people/").status_code == 401
    assert not Organisation.objects.filter(name="Anon").exists()
    assert not Person.objects.filter(name="Anon").exists()


def test_the_schema_documents_the_directory_writes(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    def body(path, method):
        return paths[path][method]["requestBody"]["content"][JSON]["schema"]["$ref"]

    assert body("/api/v1/organisations/", "post").endswith("/OrganisationInput")
    assert body("/api/v1/organisations/{ods_code}/", "patch").endswith(
        "/PatchedOrganisationChangeInput"
    )
    assert body("/api/v1/organisations/{ods_code}/people/", "post").endswith("/PersonInput")
    assert body("/api/v1/people/{id}/", "patch").endswith("/PatchedPersonInput")
    assert "201" in paths["/api/v1/organisations/"]["post"]["responses"]
    assert "200" in paths["/api/v1/people/{id}/"]["patch"]["responses"]
    patched = schema["components"]["schemas"]["PatchedPersonInput"]
    assert "required" not in patched  # a PATCH sends only what changes
    key = paths["/api/v1/organisations/{ods_code}/"]["patch"]["parameters"][0]
    assert "its id" in key["description"]
