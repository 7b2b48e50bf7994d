from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/sign-in-link/<str:token>/", views.sign_in_link, name="sign_in_link"),
]
