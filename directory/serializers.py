"""Directory records as other apps' API answers show them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


# An organisation named in another record (no docstring: it would become the schema's
# description of the component).
class OrganisationRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OwnerField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """The slug of the collective whose own record this is; null for shared directory data."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", read_only=True, **kwargs)
