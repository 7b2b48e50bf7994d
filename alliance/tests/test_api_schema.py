"""What the schema tells a client beyond each operation's success (api/schema.py): every
refusal it can answer, and the links from an object to the operations on it."""

from __future__ import annotations

import pytest


@pytest.fixture
def schema(client, convenor):
    client.force_login(convenor.user)
    return client.get("/api/v1/schema/?format=json").json()


def test_every_operation_documents_its_refusals_with_one_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "429" in responses, (method, path)
            for status in ("401", "403", "404", "429"):
                if status in responses:
                    body = responses[status]["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            if "400" in responses:
                body = responses["400"]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/FieldErrors"}, (method, path)


def test_a_created_proposal_links_to_reading_moving_and_deciding_it(schema):
    created = schema["paths"]["/api/v1/collectives/{slug}/proposals/"]["post"]["responses"]["201"]
    links = created["links"]
    for operation in (
        "collectives_proposals_retrieve",
        "collectives_proposals_move_create",
        "collectives_proposals_decision_create",
    ):
        assert links[operation] == {
            "operationId": operation,
            "parameters": {"slug": "$request.path.slug", "id": "$response.body#/id"},
        }
    # An operation that needs more than the proposal (one of its items) is not linked.
    assert "collectives_proposals_items_accept_create" not in links


def test_a_paged_list_links_from_its_first_row_and_a_membership_can_be_removed(schema):
    listed = schema["paths"]["/api/v1/collectives/{slug}/memberships/"]["get"]["responses"]["200"]
    assert listed["links"]["collectives_memberships_destroy"]["parameters"] == {
        "slug": "$request.path.slug",
        "id": "$response.body#/results/0/id",
    }
