from django.contrib import admin

from directory.models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "kind", "status", "postcode"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "ods_code", "postcode"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation", "email"]
    search_fields = ["name", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
