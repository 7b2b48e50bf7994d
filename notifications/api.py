"""The notifications' API: a person's own notifications in a collective, marking them read,
and how often they are e-mailed. Thin: the same access helper, selectors and services as the
pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import valid_input
from alliance.tenancy import tenancy
from notifications import access, selectors, services
from notifications.serializers import NotificationOutput, PreferenceIO


class NotificationList(generics.ListAPIView):
    """The caller's notifications in this collective, newest first."""

    serializer_class = NotificationOutput

    def get_queryset(self) -> Any:
        membership = tenancy().membership_for_user(
            self.request.user, self.kwargs["slug"], convenor_only=False
        )
        return selectors.notifications_for(membership=membership)


class NotificationRead(APIView):
    """Mark one of the caller's notifications read (as opening it on the page does); another
    person's is not found."""

    serializer_class = NotificationOutput

    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = tenancy().membership_for_user(request.user, slug, convenor_only=False)
        notification = access.get_notification_for(membership, pk)
        services.notification_mark_read(user=request.user, notification=notification)
        return Response(NotificationOutput(notification).data)


class NotificationsReadAll(APIView):
    """Mark all the caller's notifications in this collective read."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, slug: str) -> Response:
        membership = tenancy().membership_for_user(request.user, slug, convenor_only=False)
        services.notifications_mark_all_read(
            user=request.user, collective_id=membership.collective_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPreference(APIView):
    """How often the caller's notifications are e-mailed, whatever the collective."""

    serializer_class = PreferenceIO

    @extend_schema(responses=PreferenceIO)
    def get(self, request: Request) -> Response:
        return Response(PreferenceIO({"frequency": services.frequency_for(request.user)}).data)

    @extend_schema(request=PreferenceIO, responses=PreferenceIO)
    def put(self, request: Request) -> Response:
        frequency = valid_input(PreferenceIO, request)["frequency"]
        services.preference_set(user=request.user, frequency=frequency)
        return Response(PreferenceIO({"frequency": frequency}).data)
