from django.apps import AppConfig

from kernel.hooks import base_currency_changed


class PurchasesConfig(AppConfig):
    name = "purchases"
    verbose_name = "Purchases"

    def ready(self):
        # Imported here: the services need the models, which are not loaded when apps.py is.
        from purchases.services import purchases_base_currency_followed

        # A change of the household's currency converts every purchase to it (kernel/hooks.py).
        base_currency_changed.connect(purchases_base_currency_followed)
