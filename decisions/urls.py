from django.urls import path

from decisions import views

app_name = "decisions"
P = "c/<slug:slug>/proposals/"
D = "c/<slug:slug>/decisions/"
urlpatterns = [
    path(P, views.proposals, name="proposals"),
    path(P + "new/", views.proposal_new, name="proposal_new"),
    path(P + "<int:pk>/", views.proposal_detail, name="proposal"),
    path(P + "<int:pk>/move/", views.proposal_move, name="proposal_move"),
    path(P + "<int:pk>/position/", views.position, name="position"),
    path(P + "<int:pk>/sense-check/", views.sense_check, name="sense_check"),
    path(P + "<int:pk>/amend/", views.amend, name="amend"),
    path(P + "<int:pk>/versions/<int:number>/", views.version, name="version"),
    path(P + "<int:pk>/items/<int:item>/<str:action>/", views.item_action, name="item_action"),
    path(P + "<int:pk>/comments/", views.comment, name="comment"),
    path(P + "<int:pk>/record/", views.record, name="record"),
    path(D, views.decision_log, name="log"),
    path(D + "<int:pk>/", views.decision_detail, name="decision"),
    path(D + "<int:pk>/revisit/", views.decision_revisit, name="revisit"),
]
