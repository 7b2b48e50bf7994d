"""The directory's API: organisations (public NHS reference data) and people (scoped), and
adding and changing them under the one rule in directory.access: shared data is changed only
by the service's data stewards (its superusers), a collective's own records only by its
convenors. Services raise, and the API's exception handler answers 400 or 403."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import valid_input
from alliance.pagination import Pagination
from directory import access, selectors, services
from directory.models import Organisation, OrganisationKind, OrganisationStatus, Person
from directory.serializers import (
    OrganisationChangeInput,
    OrganisationInput,
    OwnerField,
    PersonInput,
)


class DirectoryPagination(Pagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        """DRF ignores a page_size it cannot read; a client that asked for one is told. A
        larger one than 500 gives 500, as it always has."""
        asked = request.query_params.get(self.page_size_query_param)
        # ASCII digits, not all noughts: "¹".isdigit() is true, and int() of 5,000 digits fails.
        if asked is not None and not (asked.isascii() and asked.isdigit() and asked.strip("0")):
            raise serializers.ValidationError(
                {
                    "page_size": [
                        f"A whole number, at least 1 (at most {self.max_page_size} are given)."
                    ]
                }
            )
        return super().get_page_size(request)


class PCNSummary(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationListOutput(serializers.ModelSerializer):
    current_pcn = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["id", "ods_code", "name", "kind", "status", "postcode", "icb_code", "current_pcn"]

    @extend_schema_field(PCNSummary(allow_null=True))
    def get_current_pcn(self, organisation: Any) -> dict[str, str] | None:
        code = getattr(organisation, "current_pcn_code", None)
        return {"code": code, "name": organisation.current_pcn_name} if code else None


class PracticeSummary(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["ods_code", "name", "status"]


class OrganisationDetailOutput(OrganisationListOutput):
    commissioner = serializers.SerializerMethodField()
    address = serializers.ListField(source="address_lines", child=serializers.CharField())
    member_practices = serializers.SerializerMethodField()
    owner = OwnerField(
        help_text="The collective whose own record this is; null for shared directory data."
    )

    class Meta(OrganisationListOutput.Meta):
        fields = [
            *OrganisationListOutput.Meta.fields,
            "owner",
            "address",
            "phone",
            "open_date",
            "close_date",
            "region_code",
            "commissioner",
            "member_practices",
        ]

    @extend_schema_field(PCNSummary(allow_null=True))
    def get_commissioner(self, organisation: Organisation) -> dict[str, str] | None:
        c = organisation.commissioner
        return {"code": c.ods_code or "", "name": c.name} if c else None

    @extend_schema_field(PracticeSummary(many=True, allow_null=True))
    def get_member_practices(self, organisation: Organisation) -> list[dict[str, Any]] | None:
        members = self.context.get("member_practices")
        if members is None:
            return None
        return list(PracticeSummary([r.organisation for r in members], many=True).data)


class PersonOutput(serializers.ModelSerializer):
    organisation = PracticeSummary()
    owner = OwnerField(
        help_text="The collective whose own record this is; null for shared directory data."
    )

    class Meta:
        model = Person
        fields = ["id", "name", "job_title", "role", "email", "phone", "organisation", "owner"]


FILTERS = [
    OpenApiParameter("search", str, description="Name, ODS code or postcode"),
    # Blank is any, as in the search page's form.
    OpenApiParameter("kind", str, enum=["", *OrganisationKind.values], description="Blank: any"),
    OpenApiParameter(
        "status", str, enum=["", *OrganisationStatus.values], description="Blank: any"
    ),
    OpenApiParameter("pcn", str, description="ODS code of a PCN: its current member practices"),
    OpenApiParameter("icb", str, description="ICB (high level health geography) code"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 500 (default 50)"),
]


ORGANISATION_KEY = OpenApiParameter(
    "ods_code",
    str,
    OpenApiParameter.PATH,
    description="The organisation's ODS code; for one without (a collective's own), its id.",
)


def _organisation_detail(user: Any, key: str) -> dict[str, Any]:
    """An organisation the user may see (404 otherwise), with a PCN's member practices."""
    organisation = access.get_organisation(user, key)
    context: dict[str, Any] = {}
    if organisation.kind == OrganisationKind.PCN:
        context["member_practices"] = list(selectors.member_practices(pcn=organisation))
    return dict(OrganisationDetailOutput(organisation, context=context).data)


class OrganisationList(generics.ListAPIView):
    """Organisations: shared NHS reference data, and the caller's collectives' own. POST
    adds one by hand (a federation, an LMC...): for a collective, by its convenors; as
    shared data, by the service's data stewards."""

    serializer_class = OrganisationListOutput
    pagination_class = DirectoryPagination

    @extend_schema(parameters=FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        errors = {}
        for name, allowed in (
            ("kind", OrganisationKind.values),
            ("status", OrganisationStatus.values),
        ):
            if params.get(name) and params[name] not in allowed:
                errors[name] = [f"{params[name]!r} is not one of: {', '.join(allowed)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return selectors.organisations_matching(
            within=selectors.organisations_visible_to(user=self.request.user),
            query=params.get("search", ""),
            kind=params.get("kind", ""),
            status=params.get("status", ""),
            icb=params.get("icb", ""),
            pcn=params.get("pcn", ""),
        )

    @extend_schema(request=OrganisationInput, responses={201: OrganisationDetailOutput})
    def post(self, request: Request) -> Response:
        data = valid_input(OrganisationInput, request)
        organisation = services.organisation_create(
            actor=request.user,
            actor_membership=access.get_owner_named(request.user, data.pop("owner")),
            **data,
        )
        return Response(
            _organisation_detail(request.user, str(organisation.pk)),
            status=status.HTTP_201_CREATED,
        )


class OrganisationDetail(APIView):
    """An organisation the caller may see. PATCH changes its details: shared data only a
    data steward, a collective's own only its convenors."""

    serializer_class = OrganisationDetailOutput

    @extend_schema(parameters=[ORGANISATION_KEY], responses=OrganisationDetailOutput)
    def get(self, request: Request, ods_code: str) -> Response:
        return Response(_organisation_detail(request.user, ods_code))

    @extend_schema(
        parameters=[ORGANISATION_KEY],
        request=OrganisationChangeInput,
        responses=OrganisationDetailOutput,
    )
    def patch(self, request: Request, ods_code: str) -> Response:
        organisation = access.get_organisation_for_editing(request.user, ods_code)
        data = valid_input(OrganisationChangeInput, request, partial=True)
        services.organisation_update(actor=request.user, organisation=organisation, **data)
        return Response(_organisation_detail(request.user, str(organisation.pk)))


class OrganisationPeople(APIView):
    """The people the caller may see at an organisation. POST adds someone: at a
    collective's own organisation, its convenors (the person is the collective's own); at
    shared data, the data stewards."""

    serializer_class = PersonOutput

    @extend_schema(parameters=[ORGANISATION_KEY], responses=PersonOutput(many=True))
    def get(self, request: Request, ods_code: str) -> Response:
        organisation = access.get_organisation(request.user, ods_code)
        people = selectors.people_of(user=request.user, organisation=organisation)
        return Response(PersonOutput(people, many=True).data)

    @extend_schema(
        parameters=[ORGANISATION_KEY], request=PersonInput, responses={201: PersonOutput}
    )
    def post(self, request: Request, ods_code: str) -> Response:
        organisation = access.get_organisation_for_editing(request.user, ods_code)
        data = valid_input(PersonInput, request)
        person = services.person_create(
            actor=request.user,
            organisation=organisation,
            actor_membership=access.owner_convenor(request.user, organisation.owner_id),
            **data,
        )
        return Response(
            PersonOutput(access.get_person_for_user(request.user, person.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class PersonList(generics.ListAPIView):
    """The shared people of the organisations in the caller's collectives, and the people
    the caller's collectives added themselves."""

    serializer_class = PersonOutput

    def get_queryset(self) -> Any:
        return selectors.people_visible_to(user=self.request.user).order_by("name", "pk")


class PersonDetail(APIView):
    """Someone the caller may see. PATCH changes their details: shared people only a data
    steward, a collective's own only its convenors."""

    serializer_class = PersonOutput

    @extend_schema(responses=PersonOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PersonOutput(access.get_person_for_user(request.user, pk)).data)

    @extend_schema(request=PersonInput, responses=PersonOutput)
    def patch(self, request: Request, pk: int) -> Response:
        person = access.get_person_for_editing(request.user, pk)
        data = valid_input(PersonInput, request, partial=True)
        services.person_update(actor=request.user, person=person, **data)
        return Response(PersonOutput(access.get_person_for_user(request.user, pk)).data)
