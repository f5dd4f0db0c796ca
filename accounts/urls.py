from django.urls import path

from accounts import members_views, views

app_name = "accounts"

# Signing in and out, password reset, two-factor and single sign-on are allauth's, under the same
# accounts/ prefix (spends_tracker/urls.py); these paths are the project's own and clash with none
# of allauth's.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/language/", views.language_set, name="language"),
    path("profile/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("members/", members_views.members, name="members"),
    path("members/<int:user_id>/", members_views.member_change, name="member_change"),
    path(
        "members/invitations/<uuid:invitation_id>/revoke/",
        members_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitation/<str:key>/", members_views.invitation, name="invitation"),
    path("activity/", views.activity, name="activity"),
]
