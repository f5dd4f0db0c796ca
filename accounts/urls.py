from django.urls import path

from accounts import views

app_name = "accounts"

# Signing in and out, password reset, two-factor and single sign-on are allauth's, under the same
# accounts/ prefix (spends_tracker/urls.py); these paths are the project's own and clash with none
# of allauth's.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
