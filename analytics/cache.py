"""Cache of computed figures, keyed on the data version so that no write is ever missed.

An aggregate over 100,000 purchases takes tens of milliseconds; the dashboard asks for a dozen of
them on every visit while the data changes a few times a day. Each figure is kept in Django's
cache under its arguments, the day it was computed for, and the data version
(`kernel.versioning`), which every write service replaces in its transaction. Checking the
version costs one indexed read.
"""

import functools

from kernel import clock
from kernel.versioning import cached_under_version, version_key

TIMEOUT_SECONDS = 24 * 60 * 60


def cached_figure(compute):
    """Cache COMPUTE(**kwargs) per keyword arguments, today's date and the data version."""

    @functools.wraps(compute)
    def wrapper(**kwargs):
        today = kwargs.get("today") or clock.today()
        return cached_under_version(
            _figure_name(compute, today, kwargs),
            lambda: compute(**{**kwargs, "today": today}),
            TIMEOUT_SECONDS,
        )

    return wrapper


def _figure_name(compute, today, kwargs: dict) -> str:
    arguments = ",".join(f"{key}={kwargs[key]}" for key in sorted(kwargs))
    return f"analytics:{compute.__name__}:{today}:{arguments}"


def figure_key(compute, today, kwargs: dict) -> str:
    """The cache key of COMPUTE(**KWARGS) for TODAY under the current data version."""
    return version_key(_figure_name(compute, today, kwargs))
