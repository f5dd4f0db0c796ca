"""The API's JSON encoder writes the values ninja's encoder wrote."""

import datetime
import json
import uuid
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja.renderers import JSONRenderer
from pydantic import BaseModel

from kernel.renderers import ORJSONRenderer


class Inner(BaseModel):
    when: datetime.date


def test_every_kind_of_value_is_written_as_ninjas_encoder_wrote_it():
    data = {
        "created_at": datetime.datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=datetime.UTC),
        "offset": datetime.datetime(
            2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
        "day": datetime.date(2026, 2, 28),
        "at": datetime.time(9, 30, 15, 500000),
        "price": Decimal("1249.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("Not Found"),
        "model": Inner(when=datetime.date(2026, 1, 2)),
        "name": "Café · 5 € ✓",
        "counts": {2026: 3, 1: None},
        "items": [1, 2.5, True, None, ("a", "b")],
    }

    ours = ORJSONRenderer().render(None, data, response_status=200)
    ninjas = JSONRenderer().render(None, data, response_status=200)

    assert json.loads(ours) == json.loads(ninjas)
    assert json.loads(ours)["created_at"] == "2026-03-04T05:06:07.891Z"
    assert json.loads(ours)["price"] == "1249.50"


def test_text_is_written_as_utf8_without_escapes():
    body = ORJSONRenderer().render(None, {"name": "Café"}, response_status=200)

    assert body == '{"name":"Café"}'.encode()
