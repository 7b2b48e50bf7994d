"""What one request may hold (alliance/limits.py, alliance/parsers.py): free text up to
TEXT_MAX characters, a JSON body nested no deeper than Python can read, a body no larger
than DATA_UPLOAD_MAX_MEMORY_SIZE. Each refusal is a 400 that says what is wrong, in the
API and in the pages' forms alike, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from alliance.limits import TEXT_MAX
from alliance.testing import MembershipFactory
from decisions.models import Proposal


@pytest.fixture
def representative(collective, practice):
    return MembershipFactory(
        collective=collective, role="representative", organisation=practice.organisation
    )


def _proposal(text: str) -> dict[str, str]:
    return {"title": "One way to book visits", "problem": "Five ways.", "text": text}


def test_free_text_longer_than_the_limit_is_refused_naming_the_field(client, representative):
    client.force_login(representative.user)
    slug = representative.collective.slug
    url = f"/api/v1/collectives/{slug}/proposals/"
    response = client.post(url, _proposal("x" * (TEXT_MAX + 1)), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "text": [f"Ensure this field has no more than {TEXT_MAX} characters."]
    }
    page = client.post(
        reverse("decisions:proposal_new", args=[slug]), _proposal("x" * (TEXT_MAX + 1))
    )
    assert page.status_code == 200  # the form again, with its error
    assert f"Ensure this value has at most {TEXT_MAX:,} characters".replace(",", "") in (
        page.content.decode().replace(",", "")
    )
    assert not Proposal.objects.exists()
    # At the limit, it is written.
    response = client.post(url, _proposal("x" * TEXT_MAX), content_type="application/json")
    assert response.status_code == 201


def test_a_json_body_nested_too_deep_to_read_is_a_400_not_a_server_error(client, representative):
    client.force_login(representative.user)
    url = f"/api/v1/collectives/{representative.collective.slug}/proposals/"
    response = client.post(url, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["The body nests lists or objects too deep to read."]},
    )


def test_a_json_body_larger_than_the_upload_limit_is_refused(client, representative, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(representative.user)
    url = f"/api/v1/collectives/{representative.collective.slug}/proposals/"
    body = json.dumps(_proposal("x" * (1024 * 1024)))
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert not Proposal.objects.exists()


def test_text_given_as_a_number_is_refused_naming_the_field(client, convenor):
    # Found by `make fuzz`: DRF took {"text": 2.05e-159} as the text "2.05e-159".
    client.force_login(convenor.user)
    url = f"/api/v1/collectives/{convenor.collective.slug}/who-we-are/"
    for value in (2.05e-159, 7, True, ["We are"]):
        response = client.put(url, {"text": value}, content_type="application/json")
        assert (response.status_code, response.json()) == (
            400,
            {"text": ["Not a valid string: give it in quotes."]},
        ), value
    response = client.put(
        url, {"text": "We are the island's practices."}, content_type="application/json"
    )
    assert response.status_code in (200, 201)  # 201 the first time it is written


def test_an_empty_page_or_filter_is_refused_not_taken_as_left_out(client, convenor):
    client.force_login(convenor.user)
    slug = convenor.collective.slug
    assert client.get("/api/v1/collectives/", {"page": ""}).status_code == 404
    assert client.get("/api/v1/collectives/", {"page": "1"}).status_code == 200
    response = client.get(f"/api/v1/collectives/{slug}/contacts/", {"until": ""})
    assert response.status_code == 400
    assert list(response.json()) == ["until"]
    assert (
        client.get(f"/api/v1/collectives/{slug}/contacts/", {"until": "2026-12-01"}).status_code
        == 200
    )


def test_text_over_the_limit_only_with_its_spaces_is_still_refused(client, convenor):
    # Found by `make fuzz`: DRF measured the text after trimming it, the schema as sent.
    client.force_login(convenor.user)
    url = f"/api/v1/collectives/{convenor.collective.slug}/who-we-are/"
    response = client.put(url, {"text": " " + "x" * TEXT_MAX}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {"text": [f"Ensure this field has no more than {TEXT_MAX} characters."]},
    )


def test_a_query_parameter_the_operation_does_not_have_is_refused_naming_it(client, convenor):
    # Found by `make fuzz`: unknown parameters were ignored, so a mistyped filter
    # (?stauts=open) gave the whole list as if it were the filtered one.
    client.force_login(convenor.user)
    slug = convenor.collective.slug
    response = client.get(f"/api/v1/collectives/{slug}/asks/", {"stauts": "open"})
    assert (response.status_code, response.json()) == (
        400,
        {"stauts": ["This operation has no such parameter. It takes: format, page, status."]},
    )
    response = client.get(f"/api/v1/collectives/{slug}/", {"page": "1"})
    assert response.json() == {"page": ["This operation takes no query parameters."]}
    assert client.get(f"/api/v1/collectives/{slug}/asks/", {"status": "open"}).status_code == 200
    client.logout()
    # Anonymous callers hear that they must sign in, before anything about the query.
    assert client.get(f"/api/v1/collectives/{slug}/asks/", {"stauts": "open"}).status_code == 401


def test_every_api_route_finds_its_operations_parameters_in_the_schema(db):
    """The query check (alliance.query) looks each request up by its route: a route it
    could not find would go unchecked, so every API route must map onto a schema path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from alliance.query import declared_query_parameters, schema_path

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    declared = {path for path, _ in declared_query_parameters()}
    api = [r for r in routes(get_resolver().url_patterns) if r.startswith("api/v1/")]
    unmapped = [
        route
        for route in api
        if schema_path(route) not in declared
        and not route.startswith(("api/v1/schema", "api/v1/docs"))
    ]
    assert len(api) > 60
    assert unmapped == []
