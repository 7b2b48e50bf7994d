"""The directory's API: organisations (public NHS reference data) and people (scoped)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import access, selectors
from directory.models import Organisation, OrganisationKind, OrganisationStatus, Person
from directory.serializers import OwnerField


class DirectoryPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


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

    class Meta(OrganisationListOutput.Meta):
        fields = [
            *OrganisationListOutput.Meta.fields,
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
    OpenApiParameter("kind", str, enum=OrganisationKind.values),
    OpenApiParameter("status", str, enum=OrganisationStatus.values),
    OpenApiParameter("pcn", str, description="ODS code of a PCN: its current member practices"),
    OpenApiParameter("icb", str, description="ICB (high level health geography) code"),
    OpenApiParameter("page_size", int, description="Up to 500 (default 50)"),
]


class OrganisationList(generics.ListAPIView):
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


class OrganisationDetail(APIView):
    serializer_class = OrganisationDetailOutput

    @extend_schema(responses=OrganisationDetailOutput)
    def get(self, request: Request, ods_code: str) -> Response:
        organisation = selectors.organisation_by_key(ods_code, user=request.user)
        if organisation is None or not organisation.ods_code:
            raise Http404("No organisation has that ODS code.")
        context: dict[str, Any] = {}
        if organisation.kind == OrganisationKind.PCN:
            context["member_practices"] = list(selectors.member_practices(pcn=organisation))
        return Response(OrganisationDetailOutput(organisation, context=context).data)


class PersonList(generics.ListAPIView):
    """The shared people of the organisations in the caller's collectives, and the people
    the caller's collectives added themselves."""

    serializer_class = PersonOutput

    def get_queryset(self) -> Any:
        return selectors.people_visible_to(user=self.request.user).order_by("name", "pk")


class PersonDetail(APIView):
    serializer_class = PersonOutput

    @extend_schema(responses=PersonOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PersonOutput(access.get_person_for_user(request.user, pk)).data)
