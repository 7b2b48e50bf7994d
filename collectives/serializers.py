"""What goes in and comes out of the collectives' API (collectives.api)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from collectives import selectors
from collectives.models import Collective, CollectiveOrganisation, Invitation, Membership, Role
from directory.models import Organisation, Person, PersonRole
from directory.serializers import OwnerField


class OrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "ods_code", "name", "kind", "status", "postcode"]


class CollectiveOutput(serializers.ModelSerializer):
    class Meta:
        model = Collective
        fields = ["slug", "name", "area", "description"]


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
    organisation = serializers.IntegerField(required=False, allow_null=True)


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
    email = serializers.EmailField(required=False, default="")
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
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = serializers.IntegerField(required=False, allow_null=True)
