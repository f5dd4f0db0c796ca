"""The data version: one token that changes with the household's data (see DataVersion).

The dashboard caches its figures per version (`analytics/cache.py`, through
`cached_under_version()`), and the summaries decide by
it whether they reflect the data (`kernel/summaries.py`). The write services replace it
themselves, explicitly, by calling `data_changed()` in the transaction that writes (docs/
architecture.md §3, "Writes"); no model or queryset does it behind their back.

The token changes inside the writing transaction, so other connections see the new data and the
new token together, at the commit, and never a token that a rolled-back transaction produced
(it is random, so a value seen inside such a transaction is never used again). It changes at most
once per transaction: a service that writes a thousand rows replaces the token once, and a
service that calls other services does not replace it at every level. Two things inside the same
transaction make the next `data_changed()` replace it again, because after them the token must
not stay the same while the data moves on: reading the token (`data_version()`; a figure may be
cached under it, from the data as it stood) and marking the summaries as brought up to it
(`version_settled()`, by `kernel.summaries`). Outside a transaction (autocommit) every call
writes.

Which transaction has already replaced the token is known from a marker callback registered with
`transaction.on_commit`: Django runs and forgets it at the commit, and discards it when the
transaction (or the savepoint it was registered in) rolls back, which is exactly when the
replaced token stops being the current one. So the marker still pending on the connection means
"already replaced in this transaction, and that write still stands".
"""

import threading
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

from kernel.models import DataVersion

_state = threading.local()  # Django's connections are per thread too


def data_version() -> str:
    """Return the current data version token (one indexed read, once per request).

    A request reads the token once and keeps it until it ends or writes (`data_changed`): a
    dashboard page asks for it once per figure, seven times, and another process's write during
    the request changes nothing the request could see that the first read would not have had.
    Inside a transaction it is always read again: a write service must see its own replacement.
    """
    token = version_row()[0]
    # Something may now be cached under this token: the next write must replace it.
    version_settled()
    return token


def version_row() -> tuple[str, str | None]:
    """(token, summarised) of the data version, read as `data_version()` says (once per request,
    again inside a transaction); ("none", None) before anything was written.

    `kernel.summaries` decides from the same read whether the summaries reflect the data: a
    dashboard page read the row three times, an analytics call twice.
    """
    kept = getattr(_state, "request_row", None)
    if kept is not None and not connection.in_atomic_block:
        return kept
    row = DataVersion.objects.filter(pk=1).values_list("token", "summarised").first()
    row = row or ("none", None)
    if getattr(_state, "in_request", False) and not connection.in_atomic_block:
        _state.request_row = row
    return row


def version_row_forget() -> None:
    """Make this request's next `data_version()` read the row again (it has changed)."""
    _state.request_row = None


def request_began(**kwargs) -> None:
    """`request_started`: the token is read afresh by each request (see `data_version`)."""
    _state.in_request, _state.request_row = True, None


def request_ended(**kwargs) -> None:
    """`request_finished`: what runs outside requests (commands, the worker) always reads it."""
    _state.in_request, _state.request_row = False, None


def version_key(key: str) -> str:
    """KEY with the current data version appended: a cache key no longer read once data changes."""
    return f"{key}:{data_version()}"


def cached_under_version(key: str, compute: Callable[[], object], timeout: int):
    """COMPUTE()'s value, kept in Django's cache under KEY and the data version.

    Every write replaces the version, so a value is never served after the data it was computed
    from has changed. Costs one indexed read when the value is cached. None is never cached.
    """
    versioned = version_key(key)
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, timeout)
    return value


def data_changed() -> None:
    """Give the data a new version; call it in the transaction that writes, after the writes.

    Does nothing when this transaction has replaced the token already and nothing has read or
    settled it since (see the module's docstring).
    """
    version_row_forget()
    if _replaced_in_this_transaction():
        return
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})
    if connection.in_atomic_block:
        marker = _Marker()
        _state.marker = marker
        transaction.on_commit(marker)


def version_settled() -> None:
    """Make the next `data_changed()` of this transaction replace the token again.

    Called when the current token has been read or recorded (the summaries brought up to it):
    a later write under the same token would go unnoticed.
    """
    _state.marker = None


class _Marker:
    """Pending on the connection while this transaction's new token stands (module docstring)."""

    def __call__(self):
        if getattr(_state, "marker", None) is self:
            _state.marker = None


def _replaced_in_this_transaction() -> bool:
    marker = getattr(_state, "marker", None)
    if marker is None or not connection.in_atomic_block:
        return False
    # Gone from the pending callbacks: committed, or rolled back with its savepoint.
    return any(pending[1] is marker for pending in reversed(connection.run_on_commit))
