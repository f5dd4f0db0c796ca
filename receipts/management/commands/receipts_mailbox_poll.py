from django.conf import settings
from django.core.management.base import CommandError

from kernel.commands import SpendsCommand
from receipts.mailbox import MailboxMisconfigured, MailboxUnavailable, mailbox_poll


class Command(SpendsCommand):
    help = (
        "Read the mailbox of SPENDS_IMAP_URL: each forwarded order e-mail not read before "
        "becomes a draft purchase, kept until someone confirms it. Safe to run at any time and "
        "from several machines (the scheduler runs it every SPENDS_IMAP_INTERVAL_MINUTES)."
    )

    def handle(self, *args, **options):
        if not settings.SPENDS_IMAP_URL:
            raise CommandError("SPENDS_IMAP_URL is not set: there is no mailbox to read.")
        try:
            report = mailbox_poll()
        except (MailboxMisconfigured, MailboxUnavailable) as error:
            raise CommandError(" ".join(str(error).split())) from None
        if report.failed:
            # Not a CommandError: the others were kept, and the failed ones are tried again.
            self.stderr.write(self.style.WARNING(str(report)))
            return
        self.summary(str(report))
