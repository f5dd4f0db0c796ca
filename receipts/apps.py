from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        from kernel.hooks import attachment_added
        from receipts.readings import reading_of_attachment

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
