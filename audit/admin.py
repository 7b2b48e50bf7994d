from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_label", "scope"]
    list_filter = ["action", "object_type", ("collective", admin.EmptyFieldListFilter)]
    list_select_related = ["collective"]
    search_fields = ["actor_label", "object_label", "action"]
    fields = readonly_fields = (
        "at",
        "actor_label",
        "account",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "collective",
        "before",
        "after",
    )

    @admin.display(description="Account")
    def account(self, entry: AuditEntry) -> str:
        """The actor's account, or that it has been deleted (the entry keeps its id)."""
        if entry.actor_id is None:
            return "None (done by the system)"
        if not get_user_model().objects.filter(pk=entry.actor_id).exists():
            return f"Deleted (user id {entry.actor_id})"
        url = reverse("admin:accounts_user_change", args=[entry.actor_id])
        return format_html('<a href="{}">User id {}</a>', url, entry.actor_id)

    @admin.display(description="Collective", ordering="collective__name")
    def scope(self, entry: AuditEntry) -> str:
        """Entries that belong to no collective are the service's own: the ODS import and
        the data stewards' edits of shared directory data, for instance."""
        return entry.collective.name if entry.collective else "service"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
