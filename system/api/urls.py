"""The whole-system API, inside the API's namespace (api/urls.py includes it)."""

from system.api import alignment, coverage, meetings, privacy, stakeholders, voice

urlpatterns = [
    *stakeholders.routes,
    *meetings.routes,
    *voice.routes,
    *privacy.routes,
    *coverage.routes,
    *alignment.routes,
]
