"""Realistic demo purchases, so the admin and the dashboard have something to show.

The data is deterministic for a given seed (and day: dates are laid out around today, so that
warranties are a mix of active, expiring and expired), and ids are derived from the seed, so
loading the same demo twice adds nothing the second time.
"""

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
        product, brand_name, (low, high), warranty_months, tags = rng.choice(DEMO_PRODUCTS)
        price = quantize_money(Decimal(rng.randint(low * 100, high * 100)) / 100)
        purchase_date = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
        retailer = rng.choice(retailers) if retailers else None
        model_number = f"{brand_name[:3].upper()}-{rng.randint(100, 9999)}"
        serial_number = f"SN{rng.randrange(16**10):010X}"
        order_number = f"ORD-{rng.randint(10000, 99999)}"
        if purchase_id in existing:
            continue
        purchase = Purchase(
            id=purchase_id,
            product_name=product,
            price=price,
            currency_code="USD",
            retailer=retailer,
            brand=brands.get(brand_name),
            status=PurchaseStatus.ORDERED if index % 17 == 0 else PurchaseStatus.RECEIVED,
            purchase_date=purchase_date,
            tax_deductible="work" in tags or "office" in tags,
            model_number=model_number,
            serial_number=serial_number,
            retailer_order_number=order_number,
            return_deadline=purchase_date + datetime.timedelta(days=30),
            return_policy="30 days",
            tags=tags,
        )
        purchases.append(purchase)
        end = add_months(purchase_date, warranty_months)
        warranties.append(
            Warranty(
                id=uuid.uuid5(DEMO_NAMESPACE, f"{purchase_id}:manufacturer"),
                purchase=purchase,
                warranty_start=purchase_date,
                warranty_end=end,
                warranty_type="LIMITED",
                provider=brand_name,
            )
        )
        if price > 500 and index % 3 == 0:
            warranties.append(
                Warranty(
                    id=uuid.uuid5(DEMO_NAMESPACE, f"{purchase_id}:extended"),
                    purchase=purchase,
                    warranty_start=end,
                    warranty_end=add_months(end, 24),
                    warranty_type="EXTENDED",
                    provider=retailer.name if retailer else None,
                    voided=index % 7 == 0,
                )
            )
    Purchase.objects.bulk_create(purchases)
    Warranty.objects.bulk_create(warranties)
    # Before the rollups: they are brought up to the new version, so no visitor waits.
    data_changed()
    rollups_brought_in_step()
    return len(purchases)
