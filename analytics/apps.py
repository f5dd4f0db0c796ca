from django.apps import AppConfig

from kernel.hooks import catalog_spending


class AnalyticsConfig(AppConfig):
    """Read-only figures for the dashboard; owns no tables."""

    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # Imported here: the selectors need the models, not loaded when apps.py is.
        from analytics.selectors import catalog_spending as from_the_rollup

        # The catalog page shows each entry's spending without importing the rollup's apps.
        catalog_spending.provide(from_the_rollup)
