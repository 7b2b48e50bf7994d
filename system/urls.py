"""The whole-system pages. Each area's module lists its own routes."""

from system.views import alignment, coverage, meetings, overview, privacy, stakeholders, voice

app_name = "system"
urlpatterns = [
    *overview.routes,
    *stakeholders.routes,
    *meetings.routes,
    *voice.routes,
    *privacy.routes,
    *coverage.routes,
    *alignment.routes,
]
