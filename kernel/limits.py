"""Heavy reads a few at a time, so that cheap requests always find a free thread.

An export streams for seconds or minutes and holds a web thread all along; sixteen at once
would hold every thread of every gunicorn process, and the health check would time out. So each
heavy read first takes one of SPENDS_EXPORT_SLOTS slots: lock files in the data folder, held
with flock, which every process of this machine sees and which the system releases when a
process dies. When none is free the request is refused at once with 429 and Retry-After.
"""

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse

# Seconds a refused client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5


class NoFreeSlot(Exception):
    def __init__(self):
        super().__init__(
            "Too many exports and downloads are running at once; "
            f"try again in {RETRY_AFTER_SECONDS} seconds."
        )


def export_slot_take():
    """Take a free export slot and return it (an open file: closing it frees the slot).

    Raise NoFreeSlot when all SPENDS_EXPORT_SLOTS are held.
    """
    folder = Path(settings.SPENDS_DATA_DIR) / ".slots"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(settings.SPENDS_EXPORT_SLOTS):
        slot = open(folder / f"export-{number}.lock", "a+b")  # noqa: SIM115 - the caller closes it
        try:
            fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            slot.close()
            continue
        return slot
    raise NoFreeSlot


def held_while_streaming(chunks: Iterator, slot) -> Iterator:
    """Yield CHUNKS, then free SLOT (also when the client goes away mid-stream)."""
    with contextlib.closing(slot):
        yield from chunks


def no_free_slot_response(error: NoFreeSlot) -> JsonResponse:
    """The API's answer when every slot is taken: 429 with Retry-After and a readable detail."""
    response = JsonResponse({"detail": str(error)}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
