"""The invitation link, outside the collectives' namespace: the invitation e-mail reverses
"invitation_accept". The root URLconf includes it by name, so the kernel imports no app."""

from django.urls import path

from collectives.views import invitation_accept

urlpatterns = [path("invitations/<str:token>/", invitation_accept, name="invitation_accept")]
