from django.urls import path

from golden_thread.views import about, briefings, threads

app_name = "golden_thread"
B = "c/<slug:slug>/briefings/"
urlpatterns = [
    path(B, briefings.briefings, name="briefings"),
    path(B + "readability/", briefings.readability, name="readability"),
    path(B + "practices/<id:organisation>/", briefings.practice, name="practice"),
    path(B + "<id:pk>/", briefings.briefing_detail, name="briefing"),
    path(B + "<id:pk>/thread/", briefings.briefing_thread, name="briefing_thread"),
    path(B + "<id:pk>/publish/", briefings.briefing_publish, name="briefing_publish"),
    path(B + "<id:pk>/acknowledge/", threads.acknowledge, name="acknowledge"),
    path(B + "<id:pk>/action/", threads.action, name="action"),
    path(B + "<id:pk>/touches/", threads.touches, name="touches"),
    path(B + "<id:pk>/questions/", threads.question_ask, name="question_ask"),
    path(B + "<id:pk>/questions/<id:item>/answer/", threads.question_answer, name="answer"),
    path("c/<slug:slug>/decisions/<id:pk>/briefing/", briefings.briefing_write, name="write"),
    path("c/<slug:slug>/who-we-are/", about.about, name="about"),
    path("c/<slug:slug>/who-we-are/edit/", about.about_edit, name="about_edit"),
]
