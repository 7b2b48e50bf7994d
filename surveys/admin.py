from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from surveys import services
from surveys.models import RoundPublication


@admin.register(RoundPublication)
class RoundPublicationAdmin(admin.ModelAdmin):
    """What each closed round published. Read-only: a publication never changes; results the
    nightly check held back are released with the action, which checks them again first."""

    list_display = ["round", "published_at", "min_raters", "held_at"]
    list_filter = ["held_at"]
    fields = readonly_fields = (
        "round",
        "published_at",
        "min_raters",
        "held_at",
        "held_reason",
        "participants",
        "pcns",
        "consents",
        "withheld_consents",
        "cells",
    )
    actions = ["release"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Release held results (after checking them again)")
    def release(self, request: HttpRequest, queryset: QuerySet[RoundPublication]) -> None:
        for publication in queryset.select_related("round"):
            try:
                services.round_results_release(actor=request.user, survey=publication.round)
            except ValidationError as error:
                self.message_user(request, f"{publication}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{publication}: released.", messages.SUCCESS)
