"""Realistic demo purchases, so the admin and the dashboard have something to show.

The data is deterministic for a given seed (and day: dates are laid out around today, so that
warranties are a mix of active, expiring and expired), and ids are derived from the seed, so
loading the same demo twice adds nothing the second time.
"""

import dataclasses
import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction

from catalog.models import Brand, Retailer
from catalog.services import catalog_load_defaults
from kernel import clock
from kernel.clock import add_months
from kernel.money import quantize_money
from kernel.versioning import data_changed
from preferences.selectors import preferred_currency_code
from purchases.conversions import conversions_complete
from purchases.models import Purchase, PurchaseStatus
from purchases.rollups import rollups_brought_in_step
from warranties.models import Warranty

DEMO_NAMESPACE = uuid.UUID("6d2f0c84-1f0e-4f55-9a35-6c0b8d2e7a11")

# (product, brand, price range, warranty months, tags)
DEMO_PRODUCTS = [
    ("MacBook Air 13-inch", "Apple", (999, 1499), 12, "laptop,work"),
    ("iPhone 15", "Apple", (799, 1099), 12, "phone"),
    ("AirPods Pro", "Apple", (199, 279), 12, "audio"),
    ("Galaxy S24", "Samsung", (699, 999), 24, "phone"),
    ("QLED 55-inch TV", "Samsung", (549, 1199), 24, "tv,living room"),
    ("WH-1000XM5 headphones", "Sony", (299, 399), 12, "audio,travel"),
    ("PlayStation 5", "Sony", (449, 549), 12, "gaming"),
    ("OLED 65-inch TV", "LG", (1299, 2499), 24, "tv,living room"),
    ("Washing machine", "Bosch", (499, 899), 24, "appliance,laundry"),
    ("Cordless drill", "Bosch", (89, 199), 36, "tools"),
    ("XPS 15 laptop", "Dell", (1299, 2199), 24, "laptop,work"),
    ("UltraSharp 27 monitor", "Dell", (379, 649), 36, "monitor,work"),
    ("V15 vacuum cleaner", "Dyson", (549, 749), 24, "appliance,cleaning"),
    ("Airwrap styler", "Dyson", (499, 599), 24, "personal care"),
    ("LaserJet printer", "HP", (179, 399), 12, "printer,office"),
    ("ThinkPad X1 Carbon", "Lenovo", (1399, 2299), 36, "laptop,work"),
    ("Sonicare toothbrush", "Philips", (79, 229), 24, "personal care"),
    ("Hue starter kit", "Philips", (129, 199), 24, "smart home"),
]


@dataclasses.dataclass
class _DemoDraw:
    """The random values of one demo purchase, drawn in a fixed order from the seeded RNG."""

    product: str
    brand_name: str
    warranty_months: int
    tags: str
    price: Decimal
    purchase_date: datetime.date
    retailer: Retailer | None
    model_number: str
    serial_number: str
    order_number: str


def _demo_draw(rng: random.Random, *, today: datetime.date, retailers: list) -> _DemoDraw:
    """Draw one demo purchase's values; the order of the draws fixes every later row."""
    product, brand_name, (low, high), warranty_months, tags = rng.choice(DEMO_PRODUCTS)
    price = quantize_money(Decimal(rng.randint(low * 100, high * 100)) / 100)
    purchase_date = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
    retailer = rng.choice(retailers) if retailers else None
    return _DemoDraw(
        product=product,
        brand_name=brand_name,
        warranty_months=warranty_months,
        tags=tags,
        price=price,
        purchase_date=purchase_date,
        retailer=retailer,
        model_number=f"{brand_name[:3].upper()}-{rng.randint(100, 9999)}",
        serial_number=f"SN{rng.randrange(16**10):010X}",
        order_number=f"ORD-{rng.randint(10000, 99999)}",
    )


# Some purchases were made abroad (about one in five, of the mid-priced ones): priced at roughly
# the local equivalent. Mid-priced only, so that the cheapest and dearest stay in dollars; JPY is
# left out because its prices (in yen) would top every list sorted by price.
DEMO_FOREIGN = [("EUR", Decimal("0.92")), ("GBP", Decimal("0.79")), ("CHF", Decimal("0.88"))]


def _demo_price(draw: _DemoDraw, index: int) -> tuple[Decimal, str]:
    """The price and currency of the INDEXth purchase, decided without drawing from the RNG."""
    if index % 5 == 2 and 150 <= draw.price <= 1000:
        code, factor = DEMO_FOREIGN[(index // 5) % len(DEMO_FOREIGN)]
        return quantize_money(draw.price * factor), code
    return draw.price, "USD"


def _demo_purchase(draw: _DemoDraw, *, purchase_id, index: int, brands: dict) -> Purchase:
    price, currency_code = _demo_price(draw, index)
    return Purchase(
        id=purchase_id,
        product_name=draw.product,
        price=price,
        currency_code=currency_code,
        retailer=draw.retailer,
        brand=brands.get(draw.brand_name),
        status=PurchaseStatus.ORDERED if index % 17 == 0 else PurchaseStatus.RECEIVED,
        purchase_date=draw.purchase_date,
        tax_deductible="work" in draw.tags or "office" in draw.tags,
        model_number=draw.model_number,
        serial_number=draw.serial_number,
        retailer_order_number=draw.order_number,
        return_deadline=draw.purchase_date + datetime.timedelta(days=30),
        return_policy="30 days",
        tags=draw.tags,
    )


def _demo_warranties(draw: _DemoDraw, *, purchase: Purchase, index: int) -> list[Warranty]:
    """The manufacturer's warranty, and for every third purchase over 500 an extended one."""
    end = add_months(draw.purchase_date, draw.warranty_months)
    warranties = [
        Warranty(
            id=uuid.uuid5(DEMO_NAMESPACE, f"{purchase.id}:manufacturer"),
            purchase=purchase,
            warranty_start=draw.purchase_date,
            warranty_end=end,
            warranty_type="LIMITED",
            provider=draw.brand_name,
        )
    ]
    if draw.price > 500 and index % 3 == 0:
        warranties.append(
            Warranty(
                id=uuid.uuid5(DEMO_NAMESPACE, f"{purchase.id}:extended"),
                purchase=purchase,
                warranty_start=end,
                warranty_end=add_months(end, 24),
                warranty_type="EXTENDED",
                provider=draw.retailer.name if draw.retailer else None,
                voided=index % 7 == 0,
            )
        )
    return warranties


@transaction.atomic
def purchases_load_demo(*, count: int, seed: int = 1) -> int:
    """Load the default catalog and COUNT demo purchases; return how many purchases were new."""
    catalog_load_defaults()
    rng = random.Random(seed)
    today = clock.today()
    retailers = list(Retailer.objects.order_by("name"))
    brands = {brand.name: brand for brand in Brand.objects.all()}

    ids = [uuid.uuid5(DEMO_NAMESPACE, f"{seed}:{index}") for index in range(count)]
    existing = set(Purchase.objects.filter(id__in=ids).values_list("id", flat=True))

    purchases, warranties = [], []
    for index, purchase_id in enumerate(ids):
        # Draw every random value before deciding to skip, so each row is the same on every run.
        draw = _demo_draw(rng, today=today, retailers=retailers)
        if purchase_id in existing:
            continue
        purchase = _demo_purchase(draw, purchase_id=purchase_id, index=index, brands=brands)
        purchases.append(purchase)
        warranties.extend(_demo_warranties(draw, purchase=purchase, index=index))
    Purchase.objects.bulk_create(purchases)
    Warranty.objects.bulk_create(warranties)
    # Converted to the household's currency in bulk, as an import is (docs/currencies.md §6).
    conversions_complete(base_code=preferred_currency_code())
    # Before the rollups: they are brought up to the new version, so no visitor waits.
    data_changed()
    rollups_brought_in_step()
    return len(purchases)
