from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from accounts.models import FailedSignIn, SignInLink, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(FailedSignIn)
class FailedSignInAdmin(admin.ModelAdmin):
    list_display = ["email", "ip_address", "attempted_at"]
    search_fields = ["email"]


@admin.register(SignInLink)
class SignInLinkAdmin(admin.ModelAdmin):
    """Read-only: links are made by the lockout and used through their e-mail."""

    list_display = ["user", "ip_address", "created_at", "expires_at", "emailed_at", "used_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
