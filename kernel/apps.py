from django.apps import AppConfig
from django.core.signals import request_finished, request_started


class KernelConfig(AppConfig):
    """What every app shares: base models, the data version, time, money, API schemas, progress
    bars, the summaries' bookkeeping, outbound-request checks and limits. It imports no app of
    the project (docs/architecture.md §2)."""

    name = "kernel"
    verbose_name = "Kernel"

    def ready(self):
        # kernel.versioning imports the models, which cannot be imported before the registry is.
        from kernel.versioning import request_began, request_ended

        request_started.connect(request_began, dispatch_uid="kernel.versioning.request_began")
        request_finished.connect(request_ended, dispatch_uid="kernel.versioning.request_ended")
