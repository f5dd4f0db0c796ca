from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # The person's language is copied into the session at every sign-in (pages, admin,
        # allauth's steps), which only Django's own signal sees in one place.
        from django.contrib.auth.signals import user_logged_in

        # Imported here: the middleware reads the models, not loaded when apps.py is.
        from accounts.middleware import remember_language_at_sign_in

        user_logged_in.connect(remember_language_at_sign_in, dispatch_uid="spends_language")
