"""The collectives' API: the caller and their collectives, memberships, member organisations
(with the collective's own name and note, and the people it sees there) and invitations.

Thin: the same access helpers, selectors and services as the pages. Services raise, and the
API's exception handler (api.exceptions) answers 400 or 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from alliance.api import valid_input
from collectives import access, selectors, services
from collectives.models import CollectiveOrganisation, Invitation, Membership
from collectives.serializers import (
    CollectiveCreateInput,
    CollectiveInput,
    CollectiveOutput,
    InvitationAcceptInput,
    InvitationInput,
    InvitationOutput,
    JoinedOutput,
    MemberOrganisationAddInput,
    MemberOrganisationInput,
    MemberOrganisationOutput,
    MemberPersonInput,
    MemberPersonOutput,
    MembershipInput,
    MembershipOutput,
    MeOutput,
    PersonRoleInput,
)
from directory.services import person_create


def _membership(request: Request, slug: str) -> Membership:
    return access.get_membership_for_user(request.user, slug)


def _convenor(request: Request, slug: str) -> Membership:
    return access.get_convenor_membership_for_user(request.user, slug)


class MeView(APIView):
    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user).data)


class CollectiveList(generics.ListAPIView):
    """The caller's collectives; a POST sets up a new one, with the caller as its first
    convenor. Only the service's data stewards (superusers) set one up: 403 for anyone else."""

    serializer_class = CollectiveOutput

    def get_queryset(self) -> Any:
        return selectors.collectives_for_user(user=self.request.user)

    @extend_schema(request=CollectiveCreateInput, responses={201: CollectiveOutput})
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)
        access.require_data_steward(user)  # before the body: others learn nothing from it
        collective = services.collective_create(
            actor=user,
            convenor=user,
            **valid_input(CollectiveCreateInput, request),
        )
        return Response(CollectiveOutput(collective).data, status=status.HTTP_201_CREATED)


class CollectiveDetail(APIView):
    """A collective, and its settings (convenors change them)."""

    serializer_class = CollectiveOutput

    @extend_schema(responses=CollectiveOutput)
    def get(self, request: Request, slug: str) -> Response:
        return Response(CollectiveOutput(_membership(request, slug).collective).data)

    @extend_schema(request=CollectiveInput, responses=CollectiveOutput)
    def patch(self, request: Request, slug: str) -> Response:
        actor = _convenor(request, slug)
        current = actor.collective
        data = valid_input(CollectiveInput, request)
        changed = services.collective_update(
            actor_membership=actor,
            name=data.get("name", current.name),
            area=data.get("area", current.area),
            description=data.get("description", current.description),
            readability_threshold=data.get("readability_threshold"),
        )
        return Response(CollectiveOutput(changed).data)


class MembershipList(generics.ListAPIView):
    serializer_class = MembershipOutput

    def get_queryset(self) -> Any:
        membership = _membership(self.request, self.kwargs["slug"])
        return selectors.people_in_collective(
            collective=membership.collective,
            query=self.request.query_params.get("q", ""),
            role=self.request.query_params.get("role", ""),
        )


class MembershipDetail(APIView):
    serializer_class = MembershipOutput

    @extend_schema(responses=MembershipOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        person = access.get_membership_in_collective(_membership(request, slug), pk)
        return Response(MembershipOutput(person).data)

    @extend_schema(request=MembershipInput, responses=MembershipOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        person = access.get_membership_in_collective(_membership(request, slug), pk)
        actor = _convenor(request, slug)
        data = valid_input(MembershipInput, request)
        changed = services.membership_change(
            actor_membership=actor,
            membership=person,
            role=data["role"],
            organisation=access.get_organisation_named(data.get("organisation")),
        )
        return Response(MembershipOutput(changed).data)

    def delete(self, request: Request, slug: str, pk: int) -> Response:
        actor = _membership(request, slug)
        person = access.get_membership_in_collective(actor, pk)
        services.membership_remove(actor_membership=actor, membership=person)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberOrganisationList(generics.ListAPIView):
    """The collective's member organisations; a POST adds one (convenors): a directory
    organisation by its id (404 for one the collective cannot take: another collective's
    own), or one without an ODS code by its details, as the collective's own record."""

    serializer_class = MemberOrganisationOutput

    def get_queryset(self) -> Any:
        membership = _membership(self.request, self.kwargs["slug"])
        return selectors.member_organisations(
            collective=membership.collective, query=self.request.query_params.get("q", "")
        )

    @extend_schema(request=MemberOrganisationAddInput, responses={201: MemberOrganisationOutput})
    def post(self, request: Request, slug: str) -> Response:
        actor = _convenor(request, slug)
        data = valid_input(MemberOrganisationAddInput, request)
        if "new_organisation" in data:
            member = services.member_organisation_create(
                actor_membership=actor,
                is_leadership=data["is_leadership"],
                **data["new_organisation"],
            )
        else:
            member = services.member_organisation_add(
                actor_membership=actor,
                organisation=access.get_organisation_to_add(actor, data["organisation"]),
                is_leadership=data["is_leadership"],
            )
        return Response(MemberOrganisationOutput(member).data, status=status.HTTP_201_CREATED)


class MemberOrganisationDetail(APIView):
    """A member organisation as the collective records it: only the collective sees its
    local name and note, and only its convenors change them."""

    serializer_class = MemberOrganisationOutput

    @extend_schema(responses=MemberOrganisationOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        member = access.get_member_organisation_in_collective(_membership(request, slug), pk)
        return Response(MemberOrganisationOutput(member).data)

    @extend_schema(request=MemberOrganisationInput, responses=MemberOrganisationOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        member = access.get_member_organisation_in_collective(_membership(request, slug), pk)
        changed = services.member_organisation_update(
            actor_membership=_convenor(request, slug),
            member=member,
            **valid_input(MemberOrganisationInput, request),
        )
        return Response(MemberOrganisationOutput(changed).data)

    def delete(self, request: Request, slug: str, pk: int) -> Response:
        """Remove the organisation from the collective (convenors); refused while anyone
        still speaks for it."""
        member = access.get_member_organisation_in_collective(_membership(request, slug), pk)
        services.member_organisation_remove(
            actor_membership=_convenor(request, slug), member=member
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberOrganisationPeople(generics.ListAPIView):
    """The people the collective sees at a member organisation (shared people and its own),
    with their roles in the collective; a POST adds someone as the collective's own."""

    serializer_class = MemberPersonOutput

    def _member(self) -> CollectiveOrganisation:
        membership = _membership(self.request, self.kwargs["slug"])
        return access.get_member_organisation_in_collective(membership, self.kwargs["pk"])

    def get_queryset(self) -> Any:
        return selectors.people_at_member(member=self._member())

    @extend_schema(request=MemberPersonInput, responses={201: MemberPersonOutput})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        member = self._member()
        actor = _convenor(request, slug)
        person = person_create(
            actor=actor.user,
            actor_membership=actor,
            organisation=member.organisation,
            **valid_input(MemberPersonInput, request),
        )
        found = access.get_person_at_member(member, person.pk)
        return Response(MemberPersonOutput(found).data, status=status.HTTP_201_CREATED)


class MemberOrganisationPerson(APIView):
    """One person's role in the collective (convenors change it)."""

    serializer_class = MemberPersonOutput
    service_fields = {"role": "role_in_collective"}

    @extend_schema(request=PersonRoleInput, responses=MemberPersonOutput)
    def patch(self, request: Request, slug: str, pk: int, person: int) -> Response:
        member = access.get_member_organisation_in_collective(_membership(request, slug), pk)
        found = access.get_person_at_member(member, person)
        actor = _convenor(request, slug)
        role = valid_input(PersonRoleInput, request)["role_in_collective"]
        services.person_roles_set(actor_membership=actor, roles={found: role})
        return Response(MemberPersonOutput(access.get_person_at_member(member, person)).data)


class InvitationList(generics.ListCreateAPIView):
    serializer_class = InvitationOutput

    def get_queryset(self) -> Any:
        membership = _convenor(self.request, self.kwargs["slug"])
        return selectors.invitations_for_collective(collective=membership.collective)

    @extend_schema(request=InvitationInput, responses={201: InvitationOutput})
    def post(self, request: Request, slug: str) -> Response:
        actor = _convenor(request, slug)
        data = valid_input(InvitationInput, request)
        invitation = services.invitation_create(
            actor_membership=actor,
            email=data["email"],
            role=data["role"],
            organisation=access.get_organisation_named(data.get("organisation")),
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class _InvitationVerb(APIView):
    """A convenor's POST, with no body, that changes an invitation through ``write``."""

    serializer_class = InvitationOutput
    write: Callable[..., Invitation]

    @extend_schema(request=None, responses=InvitationOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        actor = _convenor(request, slug)
        invitation = access.get_invitation_in_collective(actor, pk)
        changed = type(self).write(actor_membership=actor, invitation=invitation)
        return Response(InvitationOutput(changed).data)


class InvitationResend(_InvitationVerb):
    """Send the invitation again with a new link, valid for another 7 days; the old link
    stops working."""

    write = staticmethod(services.invitation_resend)


class InvitationRevoke(_InvitationVerb):
    """Withdraw the invitation: its link stops working."""

    write = staticmethod(services.invitation_revoke)


class InvitationAccept(APIView):
    """Accept an invitation as someone new: the token from the invitation e-mail's link, a
    name and a password make the account, which joins the collective with the invitation's
    role. No sign-in (there is no account yet), so it is limited as anonymous requests are.
    Someone who already has an account signs in and accepts on the invitation's page."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    serializer_class = JoinedOutput

    @extend_schema(request=InvitationAcceptInput, responses={201: JoinedOutput})
    def post(self, request: Request) -> Response:
        joined = services.invitation_accept_new_account(
            **valid_input(InvitationAcceptInput, request)
        )
        return Response(JoinedOutput(joined).data, status=status.HTTP_201_CREATED)
