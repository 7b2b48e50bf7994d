from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/sign-in-link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/api-tokens/new/", views.api_token_new, name="api_token_new"),
    path("account/api-tokens/<id:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
