from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from accounts.models import Role
from accounts.services import MemberError, member_role_set
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Give an account a role in the household (owner, editor or viewer), as the Members page "
        "does; the audit trail records it as the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="USERNAME")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])

    def handle(self, *args, user, role, **options):
        try:
            account = get_user_model().objects.get_by_natural_key(user)
        except get_user_model().DoesNotExist:
            raise CommandError(f'There is no account "{user}".') from None
        try:
            member_role_set(actor=None, user=account, role=role)
        except MemberError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user} is now {role}.")
