from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Read-only figures for the dashboard; owns no tables."""

    name = "analytics"
    verbose_name = "Analytics"
