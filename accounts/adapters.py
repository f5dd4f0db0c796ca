"""How django-allauth behaves here (ACCOUNT_ADAPTER, SOCIALACCOUNT_ADAPTER).

Nobody signs up by themselves: accounts come from invitations. The one exception is single sign-on,
when the administrator configured an identity provider (SPENDS_OIDC_*): whoever that provider lets
in gets an account here, with no household role until an owner grants one.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from accounts.lockout import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        # allauth's rate limits see the same client address as the login lockout: behind the
        # proxy, the one the proxy wrote.
        return client_address(request) or super().get_client_ip(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Open exactly while an identity provider is configured (SPENDS_OIDC_*).
        return bool(self.list_apps(request, provider="openid_connect"))
