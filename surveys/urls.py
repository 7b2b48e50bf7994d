from django.urls import path

from surveys import views

app_name = "surveys"
R = "c/<slug:slug>/surveys/"
urlpatterns = [
    path(R, views.rounds, name="rounds"),
    path(R + "new/", views.round_new, name="round_new"),
    path(R + "trends/", views.trends, name="trends"),
    path(R + "<int:pk>/", views.round_detail, name="round"),
    path(R + "<int:pk>/answer/", views.answer, name="answer"),
    path(R + "<int:pk>/answer/<int:organisation>/", views.rate, name="rate"),
    path(R + "<int:pk>/extend/", views.round_extend, name="round_extend"),
    path(R + "<int:pk>/close/", views.round_close, name="round_close"),
    path(R + "<int:pk>/map/", views.round_map, name="round_map"),
    path(R + "<int:pk>/pcns/<int:pcn>/", views.round_pcn, name="round_pcn"),
    path(R + "<int:pk>/us/", views.round_us, name="round_us"),
    path(R + "<int:pk>/our-relationships/", views.pair_views, name="pair_views"),
    path(R + "<int:pk>/results.csv", views.round_csv, name="round_csv"),
    path(R + "<int:pk>/results.xlsx", views.round_xlsx, name="round_xlsx"),
]
