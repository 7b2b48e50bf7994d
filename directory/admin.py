from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit.services import audit_record, snapshot
from directory.models import IMPORTED_FIELDS, Organisation, Person


class AuditedAdmin(admin.ModelAdmin):
    """Data stewards may also change directory rows here: each change is audited like the
    directory's own pages (in the owning collective's log, or as a service entry)."""

    entity = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        if change and isinstance(obj, Organisation) and obj.ods_code:
            kept = set(obj.edited_fields) | (set(form.changed_data) & set(IMPORTED_FIELDS))
            obj.edited_fields = sorted(kept)  # a later import keeps what a steward changed
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{self.entity}.{'changed' if change else 'created'}",
            obj=obj,
            collective=obj.owner,
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(
            actor=request.user,
            action=f"{self.entity}.deleted",
            obj=obj,
            collective=obj.owner,  # type: ignore[attr-defined]
            before=snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    entity = "organisation"
    list_display = ["name", "ods_code", "kind", "status", "postcode", "owner"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "ods_code", "postcode"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    entity = "person"
    list_display = ["name", "job_title", "organisation", "email", "owner"]
    search_fields = ["name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
