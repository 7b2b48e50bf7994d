from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/organisations/new/", views.organisation_new, name="organisation_new"),
    path("directory/organisations/<str:key>/", views.organisation_detail, name="organisation"),
    path(
        "directory/organisations/<str:key>/edit/", views.organisation_edit, name="organisation_edit"
    ),
    path("directory/organisations/<str:key>/people/new/", views.person_new, name="person_new"),
    path(
        "directory/organisations/<str:key>/add-to-collective/",
        views.organisation_add_to_collective,
        name="organisation_add_to_collective",
    ),
    path("directory/people/<id:pk>/", views.person_detail, name="person"),
    path("directory/people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("directory/imports/", views.imports, name="imports"),
    path("directory/imports/<id:pk>/", views.import_run, name="import_run"),
]
