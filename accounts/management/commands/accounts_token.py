from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import ApiToken
from accounts.selectors import api_token_get, api_token_list
from accounts.services import api_token_create, api_token_revoke
from kernel.commands import SpendsCommand

LIST_COLUMNS = ["id", "user", "name", "prefix", "created", "last used", "revoked"]


def _describe(token: ApiToken) -> str:
    return f"{token.name!r} ({token.prefix}) of {token.user}"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(SpendsCommand):
    help = (
        "Manage personal API tokens: create one for a user (the token is printed once), list "
        "them, or revoke one by its id or prefix."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True, metavar="USERNAME", help="Its owner.")
        create.add_argument(
            "--name", required=True, help='What the token is for, e.g. "backup script".'
        )

        listing = actions.add_parser("list", help="List the tokens, newest first.")
        listing.add_argument("--user", metavar="USERNAME", help="Only this user's tokens.")

        revoke = actions.add_parser("revoke", help="Revoke a token; it stops working at once.")
        revoke.add_argument("token", metavar="ID_OR_PREFIX", help="As shown by `list`.")
        revoke.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, action, **options):
        if action == "create":
            self.create_token(
                username=options["user"], name=options["name"], verbosity=options["verbosity"]
            )
        elif action == "list":
            self.list_tokens(username=options["user"])
        else:
            self.revoke_token(reference=options["token"], interactive=options["interactive"])

    def create_token(self, *, username, name, verbosity):
        user = self.get_user(username)
        try:
            token, raw = api_token_create(user=user, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.summary(f"Created the token {token.name!r} for {user} (id {token.pk}):")
        # The raw token alone on its line, so that `--verbosity 0` output can be captured.
        self.stdout.write(raw)
        if verbosity >= 1:
            self.stdout.write(
                "Send it as the header `Authorization: Bearer <token>`. "
                "Copy it now: it will not be shown again."
            )

    def list_tokens(self, *, username):
        user = self.get_user(username) if username else None
        rows = [
            [
                str(token.pk),
                str(token.user),
                token.name,
                token.prefix,
                _when(token.created_at),
                _when(token.last_used_at),
                _when(token.revoked_at),
            ]
            for token in api_token_list(user=user)
        ]
        if not rows:
            self.stdout.write("No API tokens.")
            return
        widths = [max(map(len, column)) for column in zip(LIST_COLUMNS, *rows, strict=True)]
        for number, row in enumerate([LIST_COLUMNS, *rows]):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            line = "  ".join(cells).rstrip()
            self.stdout.write(self.style.MIGRATE_HEADING(line) if number == 0 else line)

    def revoke_token(self, *, reference, interactive):
        try:
            token = api_token_get(id_or_prefix=reference)
        except ApiToken.DoesNotExist:
            raise CommandError(f"No API token has the id or prefix {reference!r}.") from None
        except ApiToken.MultipleObjectsReturned:
            raise CommandError(
                f"Several API tokens start with {reference!r}; give the id shown by `list`."
            ) from None
        if token.is_revoked:
            self.stdout.write(f"The token {_describe(token)} was already revoked.")
            return
        if interactive:
            answer = input(f"Revoke the token {_describe(token)}? It stops working at once. [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing revoked.")
        api_token_revoke(token=token)
        self.summary(f"Revoked the token {_describe(token)}.")

    def get_user(self, username):
        user_model = get_user_model()
        try:
            return user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
