"""The reference of the analytics tests: a dataset drawn from a seed with the factories, and
every expected figure computed from its objects in plain Python (Decimal arithmetic, half-up
rounding, its own month bucketing), never with the code under test."""

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.tests.base_prices import conversion
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

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


# --- the API and the expected figure of each endpoint ---------------------------------------------


def get_json(client, path: str, **params):
    response = client.get(
        f"{ANALYTICS}{path}", {key: value for key, value in params.items() if value is not None}
    )
    assert response.status_code == 200, (path, params, response.content)
    return response.json()


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
