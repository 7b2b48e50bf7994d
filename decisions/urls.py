from django.urls import path

from decisions import views

app_name = "decisions"
P = "c/<slug:slug>/proposals/"
D = "c/<slug:slug>/decisions/"
urlpatterns = [
    path(P, views.proposals, name="proposals"),
    path(P + "new/", views.proposal_new, name="proposal_new"),
    path(P + "<id:pk>/", views.proposal_detail, name="proposal"),
    path(P + "<id:pk>/move/", views.proposal_move, name="proposal_move"),
    path(P + "<id:pk>/position/", views.position, name="position"),
    path(P + "<id:pk>/sense-check/", views.sense_check, name="sense_check"),
    path(P + "<id:pk>/amend/", views.amend, name="amend"),
    path(P + "<id:pk>/versions/<id:number>/", views.version, name="version"),
    path(P + "<id:pk>/items/<id:item>/<str:action>/", views.item_action, name="item_action"),
    path(P + "<id:pk>/comments/", views.comment, name="comment"),
    path(P + "<id:pk>/record/", views.record, name="record"),
    path(D, views.decision_log, name="log"),
    path(D + "<id:pk>/", views.decision_detail, name="decision"),
    path(D + "<id:pk>/revisit/", views.decision_revisit, name="revisit"),
]
