from django.urls import path

from cascade import views

app_name = "cascade"
B = "c/<slug:slug>/briefings/"
urlpatterns = [
    path(B, views.briefings, name="briefings"),
    path(B + "readability/", views.readability, name="readability"),
    path(B + "practices/<int:organisation>/", views.practice, name="practice"),
    path(B + "<int:pk>/", views.briefing_detail, name="briefing"),
    path(B + "<int:pk>/thread/", views.briefing_thread, name="briefing_thread"),
    path(B + "<int:pk>/publish/", views.briefing_publish, name="briefing_publish"),
    path(B + "<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path(B + "<int:pk>/action/", views.action, name="action"),
    path(B + "<int:pk>/touches/", views.touches, name="touches"),
    path(B + "<int:pk>/questions/", views.question_ask, name="question_ask"),
    path(B + "<int:pk>/questions/<int:item>/answer/", views.question_answer, name="answer"),
    path("c/<slug:slug>/decisions/<int:pk>/briefing/", views.briefing_write, name="write"),
    path("c/<slug:slug>/who-we-are/", views.about, name="about"),
    path("c/<slug:slug>/who-we-are/edit/", views.about_edit, name="about_edit"),
]
