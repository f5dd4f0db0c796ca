"""The API's answers as JSON bytes (docs/api.md §2), encoded by orjson.

ninja's renderer runs the standard library's encoder with `NinjaJSONEncoder`; at 100,000
purchases that was 0.9 ms of a page of purchases, against 0.2 ms here (docs/performance.md).
The JSON holds the same values: datetimes, dates and times are written by ninja's encoder, that
is Django's (datetimes to the millisecond, UTC as `Z`), and so are decimals and lazy
translations (as strings), pydantic models, URLs and addresses. UUIDs and text enums are written
as their strings, as before. What changes is the spelling: orjson writes UTF-8 where the standard
library escaped every non-ASCII character, and leaves out the spaces after `,` and `:`.
"""

from typing import Any

import orjson
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

# Datetimes, dates and times go to the default function, to be written as Django writes them;
# keys that are not strings (numbers) become strings, as the standard library's encoder does.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_NINJA_ENCODER = NinjaJSONEncoder()


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_NINJA_ENCODER.default, option=_OPTIONS)
