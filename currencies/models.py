"""Exchange rates: how many units of a currency one euro bought on a day (docs/currencies.md)."""

from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact

from kernel.models import TimeStampedModel

# The ECB publishes up to 6 decimal places (GBP 0.83578) and up to 7 integer digits (TRL's
# 1,912,400 before its redenomination; IDR's 20275.17 today); manual rates get the same room.
RATE_MAX_DIGITS = 18
RATE_DECIMAL_PLACES = 6


class ExchangeRate(TimeStampedModel):
    """Units of CURRENCY_CODE per one euro on DAY, from the ECB or entered by hand.

    A manual rate overrides the ECB's rate of the same currency and day (`currencies.selectors`).
    Rates are kept as published, per euro, and crossed through the euro when read, so one row per
    currency and day serves every pair.
    """

    class Source(models.TextChoices):
        ECB = "ECB", "European Central Bank"
        MANUAL = "MANUAL", "Entered by hand"

    currency_code = models.CharField(max_length=3, help_text="ISO 4217, e.g. USD.")
    day = models.DateField()
    per_euro = models.DecimalField(
        "units per euro",
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        help_text="How many units of the currency one euro bought that day.",
    )
    source = models.CharField(max_length=6, choices=Source.choices)

    class Meta:
        verbose_name = "exchange rate"
        ordering = ["-day", "currency_code", "source"]
        constraints = [
            # Its index, in this column order, also answers "the latest rate of a currency on or
            # before a day" with one range scan (currencies.selectors.rate_on).
            models.UniqueConstraint(
                fields=["currency_code", "day", "source"], name="currencies_rate_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(per_euro__gt=0), name="currencies_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(currency_code=Upper("currency_code"))
                & models.Q(Exact(Length("currency_code"), 3)),
                name="currencies_rate_code_upper",
            ),
        ]

    def __str__(self):
        return f"{self.currency_code} {self.per_euro} per EUR on {self.day} ({self.source})"
