"""The whole-system pages. Each area's module lists its own routes."""

from system.views import meetings, privacy, stakeholders, voice

app_name = "system"
urlpatterns = [*stakeholders.routes, *meetings.routes, *voice.routes, *privacy.routes]
