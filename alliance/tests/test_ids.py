"""An id in a URL is a whole number within the database's range (alliance/converters.py):
past it, the address is unknown (404), on the pages and in the API alike, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.converters import ID_MAX
from alliance.testing import MembershipFactory


@pytest.mark.parametrize("pk", [ID_MAX + 1, 40839100722065191206912, 0])
def test_an_id_past_the_databases_range_is_an_unknown_address(client, db, pk):
    member = MembershipFactory()
    client.force_login(member.user)
    slug = member.collective.slug
    for path in (
        f"/c/{slug}/surveys/{pk}/",
        f"/c/{slug}/proposals/{pk}/",
        f"/api/v1/collectives/{slug}/proposals/{pk}/",
        f"/api/v1/collectives/{slug}/surveys/{pk}/",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {}).status_code in {404, 405}, path


def test_the_largest_id_still_reaches_the_view_and_is_reversed(client, db):
    member = MembershipFactory()
    client.force_login(member.user)
    path = reverse("surveys:round", args=[member.collective.slug, ID_MAX])
    assert path.endswith(f"/{ID_MAX}/")
    assert client.get(path).status_code == 404  # no such round, found by the view


def test_the_schema_gives_path_ids_as_bounded_integers(client, db):
    member = MembershipFactory()
    client.force_login(member.user)
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = [
        p
        for operation in schema["paths"]["/api/v1/collectives/{slug}/proposals/{id}/"].values()
        for p in operation.get("parameters", [])
        if p["name"] == "id"
    ]
    assert parameters
    for parameter in parameters:
        assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": ID_MAX}


def test_a_request_django_refuses_before_any_view_is_a_json_400_under_the_api(client, db):
    # Found by `make fuzz`: 1,001 form fields got Django's HTML page.
    member = MembershipFactory(role="convenor")
    client.force_login(member.user)
    fields = "&".join(f"participants={n}" for n in range(1001))
    response = client.get(f"/api/v1/collectives/{member.collective.slug}/surveys/?{fields}")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The request could not be read."]}


def test_a_body_that_is_not_json_is_refused_as_an_unsupported_media_type(client, db):
    member = MembershipFactory(role="convenor")
    client.force_login(member.user)
    url = f"/api/v1/collectives/{member.collective.slug}/proposals/"
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = client.post(url, "title=x", content_type=content_type)
        assert response.status_code == 415, content_type
        assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.parametrize("key", ["¹", "٣", str(ID_MAX + 1), "9" * 5000])
def test_an_organisation_key_that_is_no_id_is_an_unknown_organisation(client, db, key):
    # Found by `make fuzz`: "¹".isdigit() is true and int("¹") fails (a 500).
    member = MembershipFactory(role="convenor")
    client.force_login(member.user)
    assert client.get(f"/api/v1/organisations/{key}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{key}/people/").status_code == 404
    page = reverse("collectives:organisation_add", args=[member.collective.slug])
    assert client.post(page, {"organisation": key}).status_code == 404


def test_a_page_size_of_unusual_digits_is_refused_naming_it(client, db):
    member = MembershipFactory(role="convenor")
    client.force_login(member.user)
    for asked in ("¹", "0", "00"):
        response = client.get("/api/v1/organisations/", {"page_size": asked})
        assert response.status_code == 400, asked
        assert list(response.json()) == ["page_size"]
    assert client.get("/api/v1/organisations/", {"page_size": "9" * 5000}).status_code == 200
