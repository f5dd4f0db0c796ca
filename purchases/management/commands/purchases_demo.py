from django.core.management.base import CommandError

from catalog.services import catalog_load_defaults
from kernel.commands import SpendsCommand
from purchases.demo import purchases_load_demo


class Command(SpendsCommand):
    help = (
        "Load the default retailers and brands and, with --purchases N, N realistic demo purchases "
        "with warranties. Safe to run again: nothing already loaded is added twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--purchases",
            type=int,
            default=0,
            metavar="N",
            help="How many demo purchases to load (default: none, only the catalog).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed; the same seed gives the same purchases (default: 1).",
        )

    def handle(self, *args, purchases, seed, **options):
        if purchases < 0:
            raise CommandError("--purchases must be zero or more.")
        added_catalog = catalog_load_defaults()
        added_purchases = purchases_load_demo(count=purchases, seed=seed) if purchases else 0
        self.summary(
            f"Added {added_catalog['retailers']} retailers, {added_catalog['brands']} brands "
            f"and {added_purchases} demo purchases."
        )
