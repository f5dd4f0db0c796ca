from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        # Imported here: the models are not loaded when apps.py is.
        from kernel.hooks import attachment_added, purchases_with_receipt_word, receipt_lines
        from receipts import search  # (as above)
        from receipts.readings import reading_of_attachment  # (as above)

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
        # The inventory's search finds purchases by their receipts' words (docs/search.md §7).
        purchases_with_receipt_word.provide(search.purchases_with_receipt_word)
        receipt_lines.provide(search.receipt_lines)
