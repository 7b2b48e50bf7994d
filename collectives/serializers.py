"""What goes in and comes out of the collectives' API (collectives.api)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.api import IdField, inline_enum
from alliance.limits import EMAIL_MAX, TEXT_MAX
from collectives import selectors
from collectives.models import (
    HAND_ADDED_KINDS,
    Collective,
    CollectiveOrganisation,
    Invitation,
    Membership,
    Role,
)
from directory.models import Organisation, Person, PersonRole
from directory.serializers import OwnerField


class OrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "ods_code", "name", "kind", "status", "postcode"]


class CollectiveOutput(serializers.ModelSerializer):
    class Meta:
        model = Collective
        fields = ["slug", "name", "area", "description", "readability_threshold"]


class CollectiveCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    area = serializers.CharField(
        max_length=150, help_text="The place it covers, e.g. an ICS place."
    )
    description = serializers.CharField(
        max_length=TEXT_MAX, help_text="In plain English: what the group is and what it does."
    )
    slug = serializers.SlugField(
        max_length=60,
        required=False,
        default="",
        help_text="Its address, /c/<slug>/; made from the name when left out.",
    )


class CollectiveInput(serializers.Serializer):
    """The collective's settings; those left out stay as they are."""

    name = serializers.CharField(max_length=150, required=False)
    area = serializers.CharField(max_length=150, required=False)
    description = serializers.CharField(max_length=TEXT_MAX, required=False)
    readability_threshold = serializers.FloatField(
        min_value=0,
        max_value=100,
        required=False,
        help_text="Briefings that score under this Flesch reading ease need a confirmation "
        "to publish.",
    )


class MeOutput(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    collectives = serializers.SerializerMethodField()

    def get_collectives(self, user: Any) -> list[dict[str, str]]:
        return [
            {"slug": m.collective.slug, "name": m.collective.name, "role": m.role}
            for m in selectors.memberships_for_user(user=user)
        ]


class MembershipOutput(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    organisation = OrganisationOutput(allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "organisation", "joined_at"]


class MembershipInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = IdField(required=False, allow_null=True)


class MemberOrganisationOutput(serializers.ModelSerializer):
    organisation = OrganisationOutput()
    display_name = serializers.CharField(
        help_text="The collective's own name for it ('' for none); the organisation keeps "
        "its official name."
    )
    note = serializers.CharField(help_text="The collective's own note; only it sees it.")

    class Meta:
        model = CollectiveOrganisation
        fields = ["id", "organisation", "display_name", "note", "is_leadership", "joined_at"]


class MemberOrganisationInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_leadership = serializers.BooleanField(required=False)


# "kind" names the directory's enum in the schema: these values are written out instead.
@extend_schema_field(inline_enum(HAND_ADDED_KINDS))
class HandAddedKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=HAND_ADDED_KINDS, **kwargs)


class NewOrganisationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = HandAddedKindField()
    postcode = serializers.CharField(max_length=10, required=False, default="")


class MemberOrganisationAddInput(serializers.Serializer):
    """A directory organisation by its id, or, for one without an ODS code, its details: it
    becomes the collective's own record."""

    organisation = IdField(
        required=False, help_text="A directory organisation's id (shared, or the collective's own)."
    )
    new_organisation = NewOrganisationInput(
        required=False, help_text="Instead of an id: an organisation without an ODS code."
    )
    is_leadership = serializers.BooleanField(required=False, default=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("organisation" in data) == ("new_organisation" in data):
            raise serializers.ValidationError(
                {"organisation": "Give either an organisation's id or a new_organisation."}
            )
        return data


class MemberPersonOutput(serializers.ModelSerializer):
    role_in_collective = serializers.CharField(
        source="role_here",
        allow_null=True,
        help_text="The person's role in this collective; null where it records none (then "
        "`role`, the directory's, applies).",
    )
    owner = OwnerField(
        help_text="This collective's slug for its own people; null for shared directory data."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "job_title",
            "role",
            "role_in_collective",
            "email",
            "phone",
            "owner",
        ]


class MemberPersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    job_title = serializers.CharField(max_length=150, required=False, default="")
    role = serializers.ChoiceField(choices=PersonRole.choices, required=False, default="")
    email = serializers.EmailField(max_length=EMAIL_MAX, required=False, default="")
    phone = serializers.CharField(max_length=40, required=False, default="")


class PersonRoleInput(serializers.Serializer):
    role_in_collective = serializers.ChoiceField(
        choices=[("", "none: the directory's role applies"), *PersonRole.choices],
        allow_blank=True,
    )


class InvitationOutput(serializers.ModelSerializer):
    status = serializers.CharField()
    organisation = OrganisationOutput(allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "organisation", "status", "created_at", "expires_at"]


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX)
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = IdField(required=False, allow_null=True)


class InvitationAcceptInput(serializers.Serializer):
    token = serializers.CharField(
        max_length=100, help_text="The token at the end of the invitation e-mail's link."
    )
    full_name = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="At least 12 characters. Not a common password.",
    )


class JoinedOutput(serializers.ModelSerializer):
    """The new account and the place it has in the collective it joined."""

    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    collective = CollectiveOutput()
    organisation = OrganisationOutput(allow_null=True)

    class Meta:
        model = Membership
        fields = ["email", "full_name", "collective", "role", "organisation"]
