from django.urls import path

from collectives import views

app_name = "collectives"
urlpatterns = [
    path("switch-collective/", views.switch, name="switch"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/<id:pk>/", views.member_edit, name="member_edit"),
    path("c/<slug:slug>/members/<id:pk>/remove/", views.member_remove, name="member_remove"),
    path("c/<slug:slug>/organisations/", views.organisations, name="organisations"),
    path("c/<slug:slug>/organisations/add/", views.organisation_add, name="organisation_add"),
    path("c/<slug:slug>/organisations/new/", views.organisation_new, name="organisation_new"),
    path("c/<slug:slug>/organisations/<id:pk>/", views.organisation_detail, name="organisation"),
    path(
        "c/<slug:slug>/organisations/<id:pk>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "c/<slug:slug>/organisations/<id:pk>/people/",
        views.organisation_people,
        name="organisation_people",
    ),
    path(
        "c/<slug:slug>/organisations/<id:pk>/people/new/",
        views.organisation_person_new,
        name="organisation_person_new",
    ),
    path(
        "c/<slug:slug>/organisations/<id:pk>/remove/",
        views.organisation_remove,
        name="organisation_remove",
    ),
    path("c/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("c/<slug:slug>/invitations/new/", views.invitation_new, name="invitation_new"),
    path(
        "c/<slug:slug>/invitations/<id:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "c/<slug:slug>/invitations/<id:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("c/<slug:slug>/settings/", views.collective_settings, name="settings"),
]
