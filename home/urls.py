from django.urls import path

from home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.collective_home, name="collective"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
