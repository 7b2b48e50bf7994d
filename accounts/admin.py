from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest

from accounts import services
from accounts.models import FailedSignIn, SignInLink, TokensRevokedBecause, User


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

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """A password an administrator sets revokes the person's API tokens, as one they
        change themselves does (accounts.adapter). Success is the redirect after saving."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                services.api_tokens_revoke_all(
                    user=User.objects.get(pk=id),
                    because=TokensRevokedBecause.PASSWORD_SET_BY_ADMINISTRATOR,
                    actor=request.user,  # type: ignore[arg-type]
                )
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account's tokens go with it (the admin saves in one transaction).
            services.api_tokens_revoke_all(
                user=obj,
                because=TokensRevokedBecause.ACCOUNT_DEACTIVATED,
                actor=request.user,  # type: ignore[arg-type]
            )


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
