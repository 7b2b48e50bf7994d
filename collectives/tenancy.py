"""Collectives' answers to the tenancy port (alliance.tenancy) for the apps below it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from collectives import access, decorators, services
from collectives.models import CollectiveOrganisation, Membership, Role
from directory.models import Organisation


class CollectivesTenancy:
    def collective_page(self, section: str, *, convenor_only: bool) -> Any:
        return decorators.collective_page(section, convenor_only=convenor_only)

    def outside_collective_page(self, section: str) -> Any:
        return decorators.outside_collective_page(section)

    def membership_for_user(self, user: Any, slug: str, *, convenor_only: bool) -> Membership:
        if convenor_only:
            return access.get_convenor_membership_for_user(user, slug)
        return access.get_membership_for_user(user, slug)

    def collective_ids_of(self, user: Any) -> QuerySet[Any]:
        return Membership.objects.filter(user_id=user.pk or 0).values("collective_id")

    def member_organisation_ids(self, collective_ids: Any) -> QuerySet[Any]:
        members = CollectiveOrganisation.objects
        if isinstance(collective_ids, int):
            return members.filter(collective_id=collective_ids).values("organisation_id")
        return members.filter(collective_id__in=collective_ids).values("organisation_id")

    def convenor_memberships_of(self, user: Any) -> QuerySet[Membership]:
        return Membership.objects.filter(user_id=user.pk or 0, role=Role.CONVENOR).select_related(
            "collective", "user"
        )

    def member_records_for(
        self, user: Any, organisation: Organisation
    ) -> QuerySet[CollectiveOrganisation]:
        return (
            CollectiveOrganisation.objects.filter(
                organisation=organisation, collective__memberships__user_id=user.pk or 0
            )
            .select_related("collective")
            .order_by("collective__name")
        )

    def member_organisation_add(
        self, *, actor_membership: Membership, organisation: Organisation
    ) -> CollectiveOrganisation:
        return services.member_organisation_add(
            actor_membership=actor_membership, organisation=organisation
        )
