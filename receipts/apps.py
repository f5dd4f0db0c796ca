from django.apps import AppConfig

from kernel.hooks import (
    attachment_added,
    purchases_with_receipt_word,
    receipt_lines,
    receipts_waiting_count,
)


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        # Imported here: the readings, selectors and search need the models, not loaded when
        # apps.py is.
        from receipts import search
        from receipts.readings import reading_of_attachment  # (as above)
        from receipts.selectors import drafts_waiting_count  # (as above)

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
        # The inventory page, below this app, shows how many receipts wait for review.
        receipts_waiting_count.provide(drafts_waiting_count)
        # The inventory's search finds purchases by their receipts' words (docs/search.md §7).
        purchases_with_receipt_word.provide(search.purchases_with_receipt_word)
        receipt_lines.provide(search.receipt_lines)
