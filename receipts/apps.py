from django.apps import AppConfig

from kernel.hooks import attachment_added


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = "Receipts"

    def ready(self):
        # Imported here: the readings need the models, not loaded when apps.py is.
        from receipts.readings import reading_of_attachment

        # A receipt or invoice attached to a purchase is read (and so found by its words).
        attachment_added.connect(reading_of_attachment)
