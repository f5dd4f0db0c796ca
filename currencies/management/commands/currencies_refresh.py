from django.conf import settings
from django.core.management.base import CommandError

from currencies.ecb import RatesFileInvalid
from currencies.services import rates_load_ecb, rates_refresh
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Load the ECB's euro reference rates: by default download the history from "
        "SPENDS_ECB_RATES_URL (or, when it is empty, read the history shipped with the app); "
        "--file loads a ZIP or CSV in the ECB's format. Only days not stored yet are added, so "
        "running it again or daily is safe. A failed download is reported and leaves the "
        "stored rates as they are."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="Load this ZIP or CSV instead of downloading.")
        source.add_argument(
            "--bundled", action="store_true", help="Load the history shipped with the app."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when ECB rates are already stored (for a first run).",
        )

    def handle(self, *args, file, bundled, if_empty, **options):
        with self.progress() as progress:
            if file or bundled or if_empty or not settings.SPENDS_ECB_RATES_URL:
                try:
                    summary = rates_load_ecb(file=file, progress=progress, if_empty=if_empty)
                except RatesFileInvalid as error:
                    raise CommandError(" ".join(f"{file or 'The file'}: {error}".split())) from None
            else:
                summary = rates_refresh(progress=progress)
        if getattr(summary, "error", None):
            # Not a CommandError: the scheduler's next run tries again, and the rates already
            # stored stay in use (docs/currencies.md §3).
            self.stderr.write(self.style.WARNING(str(summary)))
            return
        self.summary(str(summary))
