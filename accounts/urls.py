from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import members_views, views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("members/", members_views.members, name="members"),
    path("members/<int:user_id>/", members_views.member_change, name="member_change"),
    path(
        "members/invitations/<uuid:invitation_id>/revoke/",
        members_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitation/<str:key>/", members_views.invitation, name="invitation"),
]
