"""Purchases with a kept conversion, for the tests of the figures that add them in the base.

The write services fill `base_price` and its rate from the exchange rates (docs/currencies.md);
these tests decide the conversion themselves, so that what the figures must add is known without
the rates: a purchase in the base costs its price, one in another currency its price at a rate of
the test's choosing (an ECB or a manual one), or has none.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

from kernel.money import quantize_in
from purchases.models import Purchase, RateSource

# The model's own save, whatever a test patched before (a second patch replaces the first).
_SAVE = Purchase.save


def conversion(
    *, price: Decimal, currency_code: str, base: str, rng: random.Random, missing: float = 0.2
) -> dict:
    """The conversion fields of a purchase of PRICE in CURRENCY_CODE, in BASE.

    Other currencies: no rate with probability MISSING, else a random rate, half of them manual
    (as an owner enters the rate a card was charged: any value, not the ECB's).
    """
    if currency_code == base:
        return {
            "base_price": price,
            "base_currency_code": base,
            "exchange_rate": Decimal(1),
            "rate_source": RateSource.SAME,
        }
    if rng.random() < missing:
        return {"base_price": None, "base_currency_code": base, "exchange_rate": None}
    rate = Decimal(rng.randint(1, 4_000_000)).scaleb(-6)
    return {
        "base_price": quantize_in(price * rate, base).quantize(Decimal("0.001"), ROUND_HALF_UP),
        "base_currency_code": base,
        "exchange_rate": rate,
        "rate_source": rng.choice([RateSource.ECB, RateSource.MANUAL]),
    }


def converting_saves(monkeypatch, *, base: str, rng: random.Random) -> None:
    """Make every Purchase.save() convert the purchase first, as the write services do."""

    def converting_save(purchase, *args, **kwargs):
        fields = conversion(
            price=Decimal(purchase.price),
            currency_code=purchase.currency_code,
            base=base,
            rng=rng,
        )
        for field, value in fields.items():
            setattr(purchase, field, value)
        return _SAVE(purchase, *args, **kwargs)

    monkeypatch.setattr(Purchase, "save", converting_save)
