"""The sustainability pages, under each collective."""

from django.urls import path

from sustainability import views

app_name = "sustainability"
C = "c/<slug:slug>/sustainability/"
urlpatterns = [
    path(C, views.overview, name="overview"),
    path(C + "practices.csv", views.overview_csv, name="overview_csv"),
    path(C + "practices.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path(C + "practices/<id:organisation>/", views.practice, name="practice"),
    path(C + "imports/", views.imports, name="imports"),
    path(C + "imports/<id:pk>/", views.import_run, name="import_run"),
]
