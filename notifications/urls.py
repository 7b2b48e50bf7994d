from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/notifications/", views.preferences, name="preferences"),
    path("c/<slug:slug>/notifications/", views.inbox, name="inbox"),
    path("c/<slug:slug>/notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("c/<slug:slug>/notifications/<id:pk>/", views.open_notification, name="open"),
]
