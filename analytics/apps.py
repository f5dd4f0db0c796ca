from django.apps import AppConfig

from kernel.hooks import catalog_spending, household_spending


class AnalyticsConfig(AppConfig):
    """Read-only figures for the dashboard; owns no tables."""

    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # Imported here: the selectors need the models, not loaded when apps.py is.
        from analytics.selectors import catalog_spending as per_entry
        from analytics.selectors import conversion_counts  # (as above)

        # The catalog and inventory pages show the rollup's sums without importing analytics.
        catalog_spending.provide(per_entry)
        household_spending.provide(conversion_counts)
