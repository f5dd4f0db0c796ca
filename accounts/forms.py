"""The sign-in form of the pages: allauth's, made countable by django-axes."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """allauth's login form (ACCOUNT_FORMS["login"]), as django-axes's allauth integration has it.

    allauth posts the typed name as `login` but authenticates with `username` or `email`; the
    credentials carry `login` too, so that axes counts a failure under what the person typed
    (`accounts.lockout.login_name`).
    """

    def user_credentials(self):
        credentials = super().user_credentials()
        credentials["login"] = credentials.get("email") or credentials.get("username")
        return credentials
