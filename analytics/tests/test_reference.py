"""The analytics endpoints against a plain-Python reference, on generated data.

docs/api.md §5.5 with the decisions §9.3 and §9.8 to §9.12. Each seed builds a
dataset with the factories (three currencies, odd cents, month ends, 29 February 2024, purchases
without retailer or brand, unused retailers and brands, several warranties per purchase, voided
ones, ends on the days around "today"). Purchases in other currencies than the base keep a
conversion (purchases.tests.base_prices): at an ECB or a manual rate, none (no usable rate), or
one to a former base. Every expected figure is computed in this module from the factory objects,
with Decimal arithmetic and its own month bucketing, never with the code under test: without
`?currency=`, in the base; with it, in that currency only.
"""

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from catalog.tests.factories import BrandFactory, RetailerFactory
from preferences.services import preferences_update
from purchases.tests.base_prices import conversion
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

ANALYTICS = "/api/analytics"
SEEDS = range(25)
CURRENCIES = ("USD", "EUR", "GBP")
CENT = Decimal("0.01")
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
LEAP_DAY = datetime.date(2024, 2, 29)
# Each "today" makes month or year arithmetic interesting; all lie after the leap day, which
# therefore falls inside every dataset's three years of purchases.
TODAYS = (
    datetime.date(2025, 3, 15),
    datetime.date(2025, 1, 31),
    datetime.date(2024, 12, 31),
    datetime.date(2025, 2, 28),
    datetime.date(2026, 6, 30),
    datetime.date(2024, 3, 1),
)
HISTORY_DAYS = 3 * 365
EXPIRING_DAYS = 30
CREATED_BASE = datetime.datetime(2023, 6, 1, 12, 0, tzinfo=datetime.UTC)
# Names whose case-insensitive order differs from their code-point order.
RETAILER_NAMES = (
    "amazon",
    "Best Buy",
    "corner shop",
    "Dell Outlet",
    "ebay",
    "Fnac",
    "gadget hub",
    "Harrods",
)
BRAND_NAMES = ("apple", "Bosch", "canon", "Dyson", "epson", "Fender", "garmin", "HP")
# Distinct first letters: every collation orders these the same way.
PRODUCT_NAMES = (
    "Blender",
    "Camera",
    "Drill",
    "Espresso machine",
    "Headphones",
    "Kettle",
    "Laptop",
    "Monitor",
    "Router",
    "Toaster",
)


@dataclasses.dataclass
class Dataset:
    today: datetime.date
    preferred: str
    purchases: list
    warranties: list
    retailers: list
    brands: list
    rng: random.Random

    def currency_cases(self) -> list[tuple[str | None, str]]:
        """Return (query parameter, currency meant): the default and each explicit one."""
        return [(None, self.preferred), *((code, code) for code in CURRENCIES)]

    def purchases_in(self, currency: str) -> list:
        return [p for p in self.purchases if p.currency_code == currency]

    def counted(self, param: str | None, currency: str) -> list:
        """The purchases a figure counts: all in the base (no PARAM), else those in CURRENCY."""
        return self.purchases if param is None else self.purchases_in(currency)

    def conversions(self, param: str | None) -> dict:
        """What an answer says of its currencies (docs/api.md §9.8)."""
        if param is not None:
            return {
                "currency": param,
                "base_currency": self.preferred,
                "converted_count": 0,
                "without_rate_count": 0,
            }
        others = [p for p in self.purchases if p.currency_code != self.preferred]
        missing = sum(in_base(p, self.preferred) is None for p in others)
        return {
            "currency": self.preferred,
            "base_currency": self.preferred,
            "converted_count": len(others) - missing,
            "without_rate_count": missing,
        }


# --- reference arithmetic -------------------------------------------------------------------------


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def in_base(purchase, base: str) -> Decimal | None:
    """PURCHASE's amount in BASE: its price in the base, its kept base price if converted to
    this base; None without a rate (none, or one to a former base)."""
    if purchase.currency_code == base:
        return purchase.price
    if purchase.base_currency_code == base:
        return purchase.base_price
    return None


def amount(purchase, base: str | None) -> Decimal | None:
    """PURCHASE's amount in a figure: in BASE, or (BASE None) its price."""
    return purchase.price if base is None else in_base(purchase, base)


def total_of(purchases, base: str | None = None) -> Decimal:
    """The sum of the amounts (in BASE when given) of the purchases that have one."""
    amounts = [amount(p, base) for p in purchases]
    return sum((value for value in amounts if value is not None), Decimal(0))


def without_rate(purchases, base: str | None) -> int:
    return 0 if base is None else sum(in_base(p, base) is None for p in purchases)


def base_of(data, param: str | None) -> str | None:
    """The base the amounts of a figure are in: the household's without PARAM, else none."""
    return data.preferred if param is None else None


def average(total: Decimal, count: int) -> str:
    return money(total / count) if count else "0.00"


def percentage(count: int, whole: int) -> float:
    if not whole:
        return 0
    return float((Decimal(count) * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP))


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_of_index(index: int) -> tuple[int, int]:
    year, month0 = divmod(index, 12)
    return year, month0 + 1


def months_from_to(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    """Return every (year, month) from FIRST's month to LAST's month, both included."""
    return [
        month_of_index(index)
        for index in range(
            month_index(first.year, first.month), month_index(last.year, last.month) + 1
        )
    ]


def month_label(year: int, month: int) -> str:
    return f"{MONTH_ABBREVIATIONS[month - 1]} {year}"


def period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def by_month(purchases) -> dict[tuple[int, int], list]:
    buckets = defaultdict(list)
    for purchase in purchases:
        buckets[purchase.purchase_date.year, purchase.purchase_date.month].append(purchase)
    return buckets


def spending_item(year: int, month: int, purchases, base: str | None = None) -> dict:
    return {
        "month": month_label(year, month),
        "period": period(year, month),
        "total_amount": money(total_of(purchases, base)),
        "item_count": len(purchases),
        "without_rate_count": without_rate(purchases, base),
    }


def status_of(warranty, today: datetime.date) -> str:
    if warranty.voided:
        return "VOIDED"
    return "ACTIVE" if warranty.warranty_end >= today else "EXPIRED"


def is_expiring(warranty, today: datetime.date) -> bool:
    horizon = today + datetime.timedelta(days=EXPIRING_DAYS)
    return status_of(warranty, today) == "ACTIVE" and today <= warranty.warranty_end <= horizon


def expected_warranty_summary(data: Dataset) -> dict:
    statuses = [status_of(w, data.today) for w in data.warranties]
    return {
        "active": statuses.count("ACTIVE"),
        "expired": statuses.count("EXPIRED"),
        "voided": statuses.count("VOIDED"),
        "expiring_soon": sum(is_expiring(w, data.today) for w in data.warranties),
        "total": len(data.warranties),
    }


# --- dataset generation ---------------------------------------------------------------------------


def cents(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def random_price(rng: random.Random, earlier: list[Decimal]) -> Decimal:
    draw = rng.random()
    if draw < 0.1 and earlier:
        return rng.choice(earlier)  # equal prices: the tie-breaks of expensive-purchases
    if draw < 0.25:
        return cents(rng.randint(1, 99))
    if draw < 0.4:
        return cents(rng.randint(1, 500) * 100)
    if draw < 0.45:
        return cents(rng.randint(1_000_000, 9_999_999_999))  # up to the largest price allowed
    return cents(rng.randint(1, 250_000))


def month_end(year: int, month: int) -> datetime.date:
    next_year, next_month = month_of_index(month_index(year, month) + 1)
    return datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1)


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def random_purchase_date(
    rng: random.Random, today: datetime.date, earlier: list[datetime.date]
) -> datetime.date:
    first = today - datetime.timedelta(days=HISTORY_DAYS)
    draw = rng.random()
    if draw < 0.1 and earlier:
        return rng.choice(earlier)
    if draw < 0.25:
        day = random_day(rng, first, today)
        return min(month_end(day.year, day.month), today)
    if draw < 0.32:
        return random_day(rng, first, today).replace(day=1)
    if draw < 0.36:
        return LEAP_DAY
    if draw < 0.4:
        return today
    return random_day(rng, first, today)


def random_warranty_end(rng: random.Random, today: datetime.date) -> datetime.date:
    draw = rng.random()
    if draw < 0.3:
        return today + datetime.timedelta(days=rng.choice((-31, -1, 0, 1, 29, 30, 31)))
    day = today + datetime.timedelta(days=rng.randint(-900, 1100))
    return month_end(day.year, day.month) if draw < 0.45 else day


def stress_half_up(specs: list[dict]) -> None:
    """Nudge one price per currency so that the average ends in exactly half a cent.

    Possible only when the currency has an even number of purchases: sum/n has a fraction of
    exactly .5 cent when the sum in cents is n/2 modulo n.
    """
    for currency in CURRENCIES:
        mine = [spec for spec in specs if spec["currency_code"] == currency]
        count = len(mine)
        if count < 2 or count % 2:
            continue
        total_cents = sum(int(spec["price"] * 100) for spec in mine)
        last_cents = int(mine[-1]["price"] * 100) - total_cents % count + count // 2
        if last_cents <= 0:
            last_cents += count
        if last_cents > 9_999_999_999:
            last_cents -= count
        mine[-1]["price"] = cents(last_cents)


def converted(rng: random.Random, spec: dict, base: str) -> dict:
    """A purchase's kept conversion to BASE: at an ECB or a manual rate, none, or (one in ten of
    the other currencies) one to a former base, which the figures must not add."""
    fields = conversion(
        price=spec["price"], currency_code=spec["currency_code"], base=base, rng=rng
    )
    if spec["currency_code"] != base and rng.random() < 0.1:
        former = rng.choice([code for code in ("CHF", *CURRENCIES) if code != base])
        fields.update(base_currency_code=former, base_price=spec["price"] * 2)
    return fields


def build_dataset(rng: random.Random, today: datetime.date, preferred: str) -> Dataset:
    retailers = [
        RetailerFactory(name=name) for name in rng.sample(RETAILER_NAMES, rng.randint(3, 6))
    ]
    brands = [BrandFactory(name=name) for name in rng.sample(BRAND_NAMES, rng.randint(3, 6))]
    # The last retailer and the last brand are never used: they must still be listed.
    used_retailers, used_brands = retailers[:-1], brands[:-1]
    products = rng.sample(PRODUCT_NAMES, rng.randint(4, 8))
    weights = [3 if code == preferred else rng.randint(0, 2) for code in CURRENCIES]
    count = rng.randint(24, 40)
    specs = []
    for _ in range(count):
        specs.append(
            {
                "product_name": rng.choice(products),
                "price": random_price(rng, [spec["price"] for spec in specs]),
                "currency_code": rng.choices(CURRENCIES, weights=weights)[0],
                "purchase_date": random_purchase_date(
                    rng, today, [spec["purchase_date"] for spec in specs]
                ),
                "retailer": None if rng.random() < 0.15 else rng.choice(used_retailers),
                "brand": None if rng.random() < 0.15 else rng.choice(used_brands),
                "status": rng.choice(("ORDERED", "RECEIVED")),
                "tax_deductible": rng.random() < 0.3,
                "quantity": rng.choice((1, 1, 1, 2, 5)),  # price is the line total regardless
            }
        )
    specs[0]["purchase_date"] = LEAP_DAY
    stress_half_up(specs)
    for spec in specs:
        spec.update(converted(rng, spec, preferred))
    created = rng.sample(range(100_000), count)
    purchases = [
        PurchaseFactory(**spec, created_at=CREATED_BASE + datetime.timedelta(minutes=minute))
        for spec, minute in zip(specs, created, strict=True)
    ]

    # The days around "today" that decide active, expired and expiring come first, then the rest.
    ends = [today + datetime.timedelta(days=days) for days in (0, -1, EXPIRING_DAYS, 31, 0)]
    for _ in purchases:
        ends.extend(
            random_warranty_end(rng, today)
            for _ in range(rng.choices((0, 1, 2, 3), (3, 4, 2, 1))[0])
        )
    created = rng.sample(range(100_000), len(ends))
    warranties = []
    for position, (end, minute) in enumerate(zip(ends, created, strict=True)):
        purchase = purchases[position % len(purchases)] if position < 5 else rng.choice(purchases)
        warranties.append(
            WarrantyFactory(
                purchase=purchase,
                warranty_start=min(purchase.purchase_date, end),
                warranty_end=end,
                # The fifth special one is a voided warranty ending today.
                voided=position == 4 or (position > 4 and rng.random() < 0.15),
                created_at=CREATED_BASE + datetime.timedelta(minutes=minute, seconds=30),
            )
        )
    return Dataset(today, preferred, purchases, warranties, retailers, brands, rng)


@pytest.fixture(params=SEEDS, ids=lambda seed: f"seed{seed}")
def data(request, monkeypatch) -> Dataset:
    seed = request.param
    rng = random.Random(seed)
    today = TODAYS[seed % len(TODAYS)]
    monkeypatch.setattr("kernel.clock.today", lambda: today)
    preferred = (*CURRENCIES, None)[seed % 4]
    if preferred:
        preferences_update(currency_code=preferred)
    return build_dataset(rng, today, preferred or "USD")


def get_json(client, path: str, **params):
    response = client.get(
        f"{ANALYTICS}{path}", {key: value for key, value in params.items() if value is not None}
    )
    assert response.status_code == 200, (path, params, response.content)
    return response.json()


# --- summary --------------------------------------------------------------------------------------


def test_summary_matches_the_reference(api_client, data):
    warranties = expected_warranty_summary(data)
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        mine = data.counted(param, currency)
        total = total_of(mine, base)
        expected = {
            "total_spent": money(total),
            "avg_price": average(total, len(mine) - without_rate(mine, base)),
            "total_items": len(mine),
            "active_warranties": warranties["active"],
            "expiring_warranties": warranties["expiring_soon"],
            "expired_warranties": warranties["expired"],
            "tax_deductible_count": sum(p.tax_deductible for p in mine),
            "other_currency_count": len(data.purchases) - len(data.purchases_in(currency)),
            **data.conversions(param),
        }

        assert get_json(api_client, "/summary", currency=param) == expected, param


# --- spending -------------------------------------------------------------------------------------


def test_spending_over_all_months_matches_the_reference(api_client, data):
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        buckets = by_month(data.counted(param, currency))
        expected = {
            "spending_over_time": [
                spending_item(year, month, buckets[year, month], base)
                for year, month in sorted(buckets)
            ],
            **data.conversions(param),
        }

        assert get_json(api_client, "/spending", currency=param) == expected, param


def test_spending_over_the_last_n_months_matches_the_reference(api_client, data):
    current = month_index(data.today.year, data.today.month)
    for months in (1, data.rng.randint(2, 40), 120):
        for param, currency in data.currency_cases():
            buckets = by_month(data.counted(param, currency))
            window = [month_of_index(index) for index in range(current - months + 1, current + 1)]
            expected = {
                "spending_over_time": [
                    spending_item(year, month, buckets.get((year, month), []), base_of(data, param))
                    for year, month in window
                ],
                **data.conversions(param),
            }

            response = get_json(api_client, "/spending", months=months, currency=param)

            assert response == expected, (months, param)


def expected_by_period(data: Dataset, param: str | None, currency: str, start, end) -> dict:
    base = base_of(data, param)
    mine = data.counted(param, currency)
    if end is None:
        end = data.today
    if start is None:
        start = min((p.purchase_date for p in mine), default=end)
    inside = [p for p in mine if start <= p.purchase_date <= end]
    buckets = by_month(inside)
    return {
        "spending_over_time": [
            spending_item(year, month, buckets.get((year, month), []), base)
            for year, month in months_from_to(start, end)
        ],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "total_amount": money(total_of(inside, base)),
        "item_count": len(inside),
        **data.conversions(param),
    }


def test_spending_by_period_with_default_dates_matches_the_reference(api_client, data):
    for param, currency in data.currency_cases():
        expected = expected_by_period(data, param, currency, None, None)

        assert get_json(api_client, "/spending/by-period", currency=param) == expected, param


def test_spending_by_period_with_given_dates_matches_the_reference(api_client, data):
    rng = data.rng
    first = data.today - datetime.timedelta(days=HISTORY_DAYS + 60)
    ranges = []
    for _ in range(3):
        start = random_day(rng, first, data.today)
        ranges.append((start, random_day(rng, start, data.today)))
    some = rng.choice(data.purchases).purchase_date
    ranges += [
        (some, some),  # a single day
        (month_end(some.year, some.month), None),  # from a month's last day until today
        (some.replace(day=1), month_end(some.year, some.month)),  # exactly one month
    ]
    for start, end in ranges:
        for param, currency in data.currency_cases():
            expected = expected_by_period(data, param, currency, start, end)

            response = get_json(
                api_client,
                "/spending/by-period",
                start_date=start.isoformat(),
                end_date=end.isoformat() if end else None,
                currency=param,
            )

            assert response == expected, (start, end, param)


# --- warranties -----------------------------------------------------------------------------------


def expected_timeline(data: Dataset, months: int | None) -> list[dict]:
    buckets = defaultdict(list)
    for warranty in data.warranties:
        if not warranty.voided:
            buckets[warranty.warranty_end.year, warranty.warranty_end.month].append(warranty)
    current = month_index(data.today.year, data.today.month)
    timeline = []
    for year, month in sorted(buckets):
        if months is not None and abs(month_index(year, month) - current) > months:
            continue
        statuses = [status_of(w, data.today) for w in buckets[year, month]]
        timeline.append(
            {
                "month": month_label(year, month),
                "period": period(year, month),
                "active": statuses.count("ACTIVE"),
                "expired": statuses.count("EXPIRED"),
                "expiring_soon": sum(is_expiring(w, data.today) for w in buckets[year, month]),
            }
        )
    return timeline


def test_warranty_timeline_matches_the_reference(api_client, data):
    for months in (None, 1, data.rng.randint(2, 40)):
        expected = {
            "timeline": expected_timeline(data, months),
            "summary": expected_warranty_summary(data),
        }
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/warranties/timeline", months=months, currency=param)

            assert response == expected, (months, param)


def test_warranty_summary_matches_the_reference(api_client, data):
    for param, _ in data.currency_cases():
        response = get_json(api_client, "/warranties/summary", currency=param)

        assert response == expected_warranty_summary(data), param


# --- distributions --------------------------------------------------------------------------------


def expected_distribution(entries, purchases, field: str, base: str | None) -> list[dict]:
    referencing = {entry.id: [] for entry in entries}
    for purchase in purchases:
        entry_id = getattr(purchase, f"{field}_id")
        if entry_id is not None:
            referencing[entry_id].append(purchase)
    whole = sum(len(mine) for mine in referencing.values())
    rows = [
        {
            "name": entry.name,
            f"{field}_name": entry.name,
            "count": len(referencing[entry.id]),
            "percentage": percentage(len(referencing[entry.id]), whole),
            "total_spent": money(total_of(referencing[entry.id], base)),
            "without_rate_count": without_rate(referencing[entry.id], base),
        }
        for entry in entries
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["name"].lower()))


@pytest.mark.parametrize("path", ["/retailers", "/brands"])
def test_retailer_and_brand_distributions_match_the_reference(api_client, data, path):
    for param, currency in data.currency_cases():
        base = base_of(data, param)
        mine = data.counted(param, currency)
        expected = {
            "retailers": expected_distribution(data.retailers, mine, "retailer", base),
            "brands": expected_distribution(data.brands, mine, "brand", base),
            **data.conversions(param),
        }

        assert get_json(api_client, path, currency=param) == expected, param


# --- rankings -------------------------------------------------------------------------------------


def product_groups(purchases, base: str | None) -> list[dict]:
    groups = defaultdict(list)
    for purchase in purchases:
        groups[purchase.product_name].append(purchase)
    rows = []
    for name, mine in groups.items():
        missing = without_rate(mine, base)
        priced = len(mine) - missing
        rows.append(
            {
                "name": name,
                "count": len(mine),
                "total": total_of(mine, base),
                # None when no purchase of the group has an amount: ranked last by average.
                "mean": total_of(mine, base) / priced if priced else None,
                "without_rate_count": missing,
            }
        )
    return rows


def product_row(group: dict) -> dict:
    return {
        "product_name": group["name"],
        "count": group["count"],
        "total_spent": money(group["total"]),
        "avg_price": money(group["mean"] or Decimal(0)),
        "without_rate_count": group["without_rate_count"],
    }


def by_mean(mean) -> tuple:
    """Largest first, those without an average last."""
    return (mean is None, -(mean or 0))


def test_top_products_match_the_reference(api_client, data):
    keys = {
        "count": [lambda g: (-g["count"], g["name"])],
        "total_spent": [lambda g: (-g["total"], g["name"])],
        # Two averages that round to the same cent are tied in the output but not before
        # rounding; either reading of "sorted by avg_price" is accepted.
        "avg_price": [
            lambda g: (
                *by_mean(None if g["mean"] is None else Decimal(money(g["mean"]))),
                g["name"],
            ),
            lambda g: (*by_mean(g["mean"]), g["name"]),
        ],
    }
    for sort_by, limit in [(None, None), *((key, data.rng.randint(1, 6)) for key in keys)]:
        for param, currency in data.currency_cases():
            groups = product_groups(data.counted(param, currency), base_of(data, param))
            acceptable = [
                {
                    "top_products": [
                        product_row(group) for group in sorted(groups, key=key)[: limit or 10]
                    ],
                    **data.conversions(param),
                }
                for key in keys[sort_by or "count"]
            ]

            response = get_json(
                api_client, "/top-products", sort_by=sort_by, limit=limit, currency=param
            )

            assert response in acceptable, (sort_by, limit, param)
            assert response == acceptable[0] or sort_by == "avg_price", (sort_by, limit, param)


def test_expensive_purchases_match_the_reference(api_client, data):
    for limit in (None, 1, data.rng.randint(2, 30), 100):
        for param, currency in data.currency_cases():
            base = base_of(data, param)
            priced = [
                (amount(p, base), p)
                for p in data.counted(param, currency)
                if amount(p, base) is not None
            ]
            ranked = sorted(
                priced, key=lambda pair: (-pair[0], -pair[1].purchase_date.toordinal(), pair[1].id)
            )
            expected = {
                "purchases": [
                    {
                        "id": str(p.id),
                        "product_name": p.product_name,
                        "brand_name": p.brand.name if p.brand else None,
                        "price": money(p.price),
                        "currency_code": p.currency_code,
                        "amount": money(value),
                        "purchase_date": p.purchase_date.isoformat(),
                    }
                    for value, p in ranked[: limit or 10]
                ],
                **data.conversions(param),
            }

            response = get_json(api_client, "/expensive-purchases", limit=limit, currency=param)

            assert response == expected, (limit, param)


# --- recent ---------------------------------------------------------------------------------------


def listed(client, path: str) -> dict[str, dict]:
    """Return every item of a paginated list endpoint of the API, by id."""
    items, skip = {}, 0
    while True:
        response = client.get(path, {"skip": skip, "limit": 100})
        assert response.status_code == 200
        page = response.json()
        items.update((item["id"], item) for item in page["items"])
        skip += 100
        if skip >= page["total"]:
            return items


def test_recent_purchases_match_the_reference(api_client, data):
    objects = listed(api_client, "/api/purchases")
    ranked = sorted(data.purchases, key=lambda p: p.created_at, reverse=True)
    for limit in (None, 1, data.rng.randint(2, 30), 100):
        expected = [objects[str(p.id)] for p in ranked[: limit or 10]]
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/recent-purchases", limit=limit, currency=param)

            assert response == expected, (limit, param)


def test_recent_warranties_match_the_reference(api_client, data):
    objects = listed(api_client, "/api/warranties")
    ranked = sorted(data.warranties, key=lambda w: w.created_at, reverse=True)
    for limit in (None, 1, data.rng.randint(2, 30), 100):
        expected = [objects[str(w.id)] for w in ranked[: limit or 10]]
        for param, _ in data.currency_cases():
            response = get_json(api_client, "/recent-warranties", limit=limit, currency=param)

            assert response == expected, (limit, param)
