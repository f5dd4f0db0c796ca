from kernel.commands import SpendsCommand
from purchases.services import purchases_reconvert


class Command(SpendsCommand):
    help = (
        "Convert the purchases again to the household's currency at the exchange rates now "
        "stored for their dates (docs/currencies.md §6). Past totals move with them: by default "
        "a purchase keeps the rate it was converted with when it was saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="Only the purchases without a usable rate (or converted to another currency).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    def handle(self, *args, only_missing, dry_run, **options):
        with self.progress() as progress:
            summary = purchases_reconvert(
                only_missing=only_missing, progress=progress, dry_run=dry_run
            )
        self.summary(("Dry run: " if dry_run else "") + summary.sentence())
