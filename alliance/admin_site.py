from django.contrib.admin import AdminSite
from django.http import HttpRequest


class AllianceAdminSite(AdminSite):
    """The Django admin, for superusers only (staff status alone is not enough)."""

    site_header = "Alliance administration"
    site_title = "Alliance administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)
