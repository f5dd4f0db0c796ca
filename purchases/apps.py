from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "purchases"
    verbose_name = "Purchases"

    def ready(self):
        # Here rather than at the top: the services need the models, which are not loaded yet.
        from kernel.hooks import base_currency_changed
        from purchases.services import purchases_base_currency_followed

        base_currency_changed.connect(purchases_base_currency_followed)
