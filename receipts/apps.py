from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        from kernel.hooks import attachment_added, receipts_waiting_count
        from receipts.readings import reading_of_attachment
        from receipts.selectors import drafts_waiting_count

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
        # The inventory page, below this app, shows how many receipts wait for review.
        receipts_waiting_count.provide(drafts_waiting_count)
