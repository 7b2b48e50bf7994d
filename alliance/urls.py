from django.contrib import admin
from django.urls import include, path

from alliance import (
    converters,  # noqa: F401  (registers <id:...> before the apps' URLs)
    errors,
    health,
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("home.urls")),
    path("", include("collectives.urls")),
    path("", include("audit.urls")),
    path("", include("directory.urls")),
    path("", include("surveys.urls")),
    path("", include("decisions.urls")),
    path("", include("golden_thread.urls")),
    path("", include("relationships.urls")),
    path("", include("shared_services.urls")),
    path("", include("system.urls")),
    path("", include("sustainability.urls")),
    path("", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("collectives.invitation_urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = errors.refused
handler404 = errors.not_found
