from django.apps import AppConfig

from kernel.hooks import attachment_added, receipts_waiting_count


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        # Imported here: the readings and selectors need the models, not loaded when apps.py is.
        from receipts.readings import reading_of_attachment
        from receipts.selectors import drafts_waiting_count  # (as above)

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
        # The inventory page, below this app, shows how many receipts wait for review.
        receipts_waiting_count.provide(drafts_waiting_count)
