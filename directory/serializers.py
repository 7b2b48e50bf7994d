"""Directory records as other apps' API answers show them, and what the directory's own
writes take in (directory.api)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from alliance.limits import TEXT_MAX
from directory.models import OrganisationKind, OrganisationStatus, PersonRole


# An organisation named in another record (no docstring: it would become the schema's
# description of the component).
class OrganisationRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OwnerField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """The slug of the collective whose own record this is; null for shared directory data."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", read_only=True, allow_null=True, **kwargs)


class OrganisationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    address = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="One line per line.",
    )
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    owner = serializers.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text="The slug of the collective whose own record it is: only its members see it "
        "and only its convenors add and change it. Empty for shared directory data, which only "
        "the service's data stewards add. An organisation with an ODS code comes from the NHS "
        "files: search for it instead.",
    )


class OrganisationChangeInput(OrganisationInput):
    """Sent with PATCH: only the fields sent change. Whose record it is does not."""

    status = serializers.ChoiceField(choices=OrganisationStatus.choices)
    owner = None  # type: ignore[assignment]


class PersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=150, allow_blank=True)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(
        choices=PersonRole.choices, required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
