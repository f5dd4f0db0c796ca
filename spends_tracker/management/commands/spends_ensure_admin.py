from accounts.services import administrator_ensure
from kernel.commands import SpendsCommand


def credentials_message(username: str, password: str) -> str:
    """The lines that show a new administrator's credentials (printed by `spends_run` too)."""
    return (
        "Created the administrator account.\n"
        f"  username: {username}\n  password: {password}\n"
        "Write the password down: it is not shown again."
    )


class Command(SpendsCommand):
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
        password = administrator_ensure(username=username, password=password)
        if password is None:
            self.stdout.write(
                "An administrator account exists already. Forgot its password? "
                "Run: .venv/bin/python manage.py changepassword <username>"
            )
            return
        self.summary(credentials_message(username, password))
