from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_label", "scope"]
    list_filter = ["action", "object_type", ("collective", admin.EmptyFieldListFilter)]
    list_select_related = ["collective"]
    search_fields = ["actor_label", "object_label", "action"]

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
