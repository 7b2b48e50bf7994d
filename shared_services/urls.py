"""The shared services pages. Each area's module lists its own routes."""

from shared_services.views import matrix, pressure, readiness, register, ways

app_name = "shared_services"
urlpatterns = [*register.routes, *ways.routes, *readiness.routes, *matrix.routes, *pressure.routes]
