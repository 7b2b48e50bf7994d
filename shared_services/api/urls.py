"""The shared services API, inside the API's namespace (api/urls.py includes it)."""

from shared_services.api import matrix, readiness, register

urlpatterns = [*register.routes, *readiness.routes, *matrix.routes]
