from django.urls import path

from surveys import views

app_name = "surveys"
R = "c/<slug:slug>/surveys/"
urlpatterns = [
    path(R, views.rounds, name="rounds"),
    path(R + "new/", views.round_new, name="round_new"),
    path(R + "trends/", views.trends, name="trends"),
    path(R + "<id:pk>/", views.round_detail, name="round"),
    path(R + "<id:pk>/answer/", views.answer, name="answer"),
    path(R + "<id:pk>/answer/<id:organisation>/", views.rate, name="rate"),
    path(R + "<id:pk>/extend/", views.round_extend, name="round_extend"),
    path(R + "<id:pk>/close/", views.round_close, name="round_close"),
    path(R + "<id:pk>/map/", views.round_map, name="round_map"),
    path(R + "<id:pk>/pcns/<id:pcn>/", views.round_pcn, name="round_pcn"),
    path(R + "<id:pk>/us/", views.round_us, name="round_us"),
    path(R + "<id:pk>/our-relationships/", views.pair_views, name="pair_views"),
    path(R + "<id:pk>/results.csv", views.round_csv, name="round_csv"),
    path(R + "<id:pk>/results.xlsx", views.round_xlsx, name="round_xlsx"),
]
