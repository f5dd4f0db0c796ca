"""Exchange rates for the tests, and small files in the ECB's format (never the whole history)."""

import datetime
import io
import zipfile
from decimal import Decimal

import factory

from currencies.models import ExchangeRate

# Three days of the ECB's file as it is published: newest first, a trailing comma, N/A for a
# currency without a rate. Friday 14 March 2025 is followed by a weekend without rates.
ECB_CSV = """Date,USD,JPY,GBP,KWD,IDR,
2025-03-14,1.0879,161.67,0.83578,N/A,17797.05,
2025-03-13,1.0857,160.50,0.8379,N/A,17802.14,
2025-03-12,1.0910,161.50,0.84190,N/A,17879.43,
"""
# The day after: what a refresh adds.
ECB_CSV_NEXT_DAY = ECB_CSV.replace(
    "Date,USD,JPY,GBP,KWD,IDR,\n",
    "Date,USD,JPY,GBP,KWD,IDR,\n2025-03-17,1.0892,161.97,0.83900,N/A,17857.31,\n",
)
FRIDAY = datetime.date(2025, 3, 14)


def ecb_zip(text: str = ECB_CSV) -> bytes:
    """TEXT packed as the ECB packs its history: one CSV in a ZIP archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", text)
    return buffer.getvalue()


class _ShippedFileStandIn:
    """Stands in for the shipped file's path: only `read_bytes` is asked of it."""

    def __init__(self, content: bytes):
        self.content = content

    def read_bytes(self) -> bytes:
        return self.content


def shipped_file_stand_in(text: str = ECB_CSV) -> _ShippedFileStandIn:
    """The history shipped with the app, replaced by TEXT packed as the ECB packs it."""
    return _ShippedFileStandIn(ecb_zip(text))


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency_code = "USD"
    day = FRIDAY
    per_euro = Decimal("1.0879")
    source = ExchangeRate.Source.ECB


class ManualRateFactory(ExchangeRateFactory):
    source = ExchangeRate.Source.MANUAL
