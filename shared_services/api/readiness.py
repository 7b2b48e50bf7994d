"""The readiness API: what the readiness page shows the caller, and the sharing tick.

The same rules as the page, in the same place: shared_services.access fetches the service
within the caller's collective (another collective's is not found; guests are refused),
services_readiness reads what the caller may see (selectors_readiness) and writes the
shares (only the practice's representative or deputy, for their own practice).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collectives.access import get_membership_for_user
from collectives.models import Membership
from shared_services import access, services_readiness
from shared_services.models import SharedService
from shared_services.serializers_readiness import ReadinessOutput, readiness_output


def _service(request: Request, slug: str, pk: int) -> tuple[Membership, SharedService]:
    membership = get_membership_for_user(request.user, slug)
    return membership, access.get_service_in_collective(membership, pk)


def _answer(membership: Membership, service: SharedService) -> Response:
    view = services_readiness.readiness_read(membership=membership, service=service)
    return Response(ReadinessOutput(readiness_output(view)).data)


class ServiceReadiness(APIView):
    """The service's readiness as the caller may see it: their own practice's placement
    (with the answers behind it for those who answer the trust survey for it), and for the
    service's lead and the convenors the practices that share theirs and the counts."""

    serializer_class = ReadinessOutput

    @extend_schema(responses=ReadinessOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        return _answer(*_service(request, slug, pk))


class ServiceReadinessShare(APIView):
    """PUT: share our practice's readiness with the service's lead (and the convenors);
    DELETE: stop sharing it. Only the representative or deputy of a practice in the
    service, for that practice. Both answer with the readiness as the caller now sees it."""

    serializer_class = ReadinessOutput

    @extend_schema(request=None, responses=ReadinessOutput)
    def put(self, request: Request, slug: str, pk: int) -> Response:
        membership, service = _service(request, slug, pk)
        services_readiness.readiness_share(actor_membership=membership, service=service)
        return _answer(membership, service)

    @extend_schema(request=None, responses={200: ReadinessOutput})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership, service = _service(request, slug, pk)
        services_readiness.readiness_share_revoke(actor_membership=membership, service=service)
        return _answer(membership, service)


R = "collectives/<slug:slug>/shared-services/<id:pk>/readiness/"
routes: list[URLPattern] = [
    path(R, login_not_required(ServiceReadiness.as_view()), name="shared_service_readiness"),
    path(
        R + "share/",
        login_not_required(ServiceReadinessShare.as_view()),
        name="shared_service_readiness_share",
    ),
]
