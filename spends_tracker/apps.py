from django.apps import AppConfig


class SpendsTrackerConfig(AppConfig):
    """The project package as an app: shared base model, system checks, project-wide commands."""

    name = "spends_tracker"
    verbose_name = "Spends Tracker"

    def ready(self):
        from spends_tracker import checks  # noqa: F401  (registers the system checks)
