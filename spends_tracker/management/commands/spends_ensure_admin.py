import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser when the database has none, and print its credentials once. "
        "Does nothing when a superuser exists. Used by `make run` on first start."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password",
            default="",
            help="Password to set (default: a random one, printed once).",
        )

    def handle(self, *args, username, password, **options):
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An administrator account exists already. Forgot its password? "
                "Run: .venv/bin/python manage.py changepassword <username>"
            )
            return
        password = password or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the administrator account.\n"
                f"  username: {username}\n  password: {password}\n"
                "Write the password down: it is not shown again."
            )
        )
