from django.contrib.admin.apps import AdminConfig


class AllianceAdminConfig(AdminConfig):
    default_site = "alliance.admin_site.AllianceAdminSite"
