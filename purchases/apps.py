from django.apps import AppConfig

from kernel.hooks import base_currency_changed, purchases_searched


class PurchasesConfig(AppConfig):
    name = "purchases"
    verbose_name = "Purchases"

    def ready(self):
        # Imported here: search and the services need the models, not loaded when apps.py is.
        from purchases.search import purchases_searched_by
        from purchases.services import purchases_base_currency_followed  # (as above)

        # A change of the household's currency converts every purchase to it (kernel/hooks.py).
        base_currency_changed.connect(purchases_base_currency_followed)
        # The warranties page searches purchases without importing them (kernel/hooks.py).
        purchases_searched.provide(purchases_searched_by)
