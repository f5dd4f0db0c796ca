from django.apps import AppConfig


class KernelConfig(AppConfig):
    """What every app shares: base models, the data version, time, money, API schemas, progress
    bars, the summaries' bookkeeping, outbound-request checks and limits. It imports no app of
    the project (docs/architecture.md §2)."""

    name = "kernel"
    verbose_name = "Kernel"
