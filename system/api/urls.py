"""The whole-system API, inside the API's namespace (api/urls.py includes it)."""

from system.api import meetings, privacy, stakeholders, voice

urlpatterns = [*stakeholders.routes, *meetings.routes, *voice.routes, *privacy.routes]
