"""Homebox's, Warracker's and Snipe-IT's CSV exports imported through their presets
(docs/import-formats.md): nothing of a row is lost, the fields that have a place land there,
and importing the same file again adds nothing.

The samples in samples/ are written the way each tracker's exporter writes its file.
"""

import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from interchange.imports import import_spreadsheet, inspect_spreadsheet
from interchange.mapping import LIFETIME_END, Mapping, preset, preset_names
from purchases.models import Purchase

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent / "samples"
# Sample file -> the preset that reads it.
FILES = {
    "homebox.csv": "homebox",
    "warracker.csv": "warracker",
    "snipe-it.csv": "snipe-it",
    "snipe-it-decimal-comma.csv": "snipe-it",
}


def imported(name: str, *, stem: str | None = None) -> dict:
    with open(SAMPLES / name, "rb") as file:
        report = import_spreadsheet(file, filename=name, mapping=preset(stem or FILES[name]))
    return report.as_dict()


def sample_rows(name: str) -> list[dict[str, str]]:
    """The sample read independently of the import: header -> cell, per row."""
    with open(SAMPLES / name, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def fields_of(mapping: Mapping) -> dict[str, str]:
    return {header.strip().lower(): target for header, target in mapping.columns.items()}


def number(text: str) -> Decimal:
    """An amount as these trackers write it: 649.99, 1,349.00 or 1.349,00."""
    digits = re.sub(r"[^0-9.,]", "", text)
    decimal_mark = max(digits.rfind("."), digits.rfind(","))
    if decimal_mark != -1 and len(digits) - decimal_mark - 1 != 3:
        whole, cents = digits[:decimal_mark], digits[decimal_mark + 1 :]
        return Decimal(re.sub(r"[.,]", "", whole) + "." + cents)
    return Decimal(re.sub(r"[.,]", "", digits))


def expected_warranty_end(row: dict[str, str], fields: dict[str, str]) -> datetime.date | None:
    """The warranty the rival describes: lifetime, an end date, or a duration from the purchase."""
    by_field: dict[str, str] = {}
    for header, cell in row.items():
        target = fields.get(header.strip().lower())
        if target and cell.strip():
            by_field[target] = cell.strip()
    if by_field.get("warranty_lifetime", "").lower() == "true":
        return LIFETIME_END
    if "warranty_end" in by_field:
        return datetime.date.fromisoformat(by_field["warranty_end"])
    parts = {
        unit: int(by_field.get(f"warranty_{unit}", "0")) for unit in ("years", "months", "days")
    }
    if not any(parts.values()):
        return None
    return datetime.date.fromisoformat(by_field["purchase_date"][:10]) + relativedelta(**parts)


def tag_names(purchase: Purchase) -> list[str]:
    return [name.strip() for name in (purchase.tags or "").split(",") if name.strip()]


def lands(target: str, text: str, purchase: Purchase, warranty, row_end) -> bool:
    """Whether the cell TEXT, from a column mapped to TARGET, is found where that field keeps it."""
    notes = purchase.notes or ""
    if target in ("product_name", "model_number", "serial_number", "retailer_order_number"):
        return getattr(purchase, target) == text
    if target == "link":
        return purchase.link == text
    if target == "price":
        return purchase.price == number(text)
    if target == "purchase_date":
        return purchase.purchase_date.isoformat() == text[:10]
    if target == "retailer_name":
        return purchase.retailer is not None and purchase.retailer.name == text
    if target == "brand_name":
        return purchase.brand is not None and purchase.brand.name == text
    if target == "quantity":
        return purchase.quantity == int(text)
    if target == "tags":
        # Warracker joins a row's tags with spaces (its preset says so), the others with , or ;.
        tags = tag_names(purchase)
        return any(
            all(name.strip() in tags for name in names if name.strip())
            for names in (re.split(r"[,;]", text), text.split())
        )
    if target == "notes":
        return text in notes
    if target in ("warranty_end", "warranty_years", "warranty_months", "warranty_days"):
        # The row's warranty, from whichever of these columns says it (an end date wins).
        return (warranty.warranty_end if warranty else None) == row_end
    if target == "warranty_lifetime":
        lifetime = warranty is not None and warranty.warranty_end == LIFETIME_END
        return lifetime == (text.lower() == "true")
    if target == "warranty_notes":
        return warranty is not None and text in (warranty.notes or "")
    if target == "warranty_type":
        return warranty is not None and warranty.warranty_type == text
    if target == "source_id":
        # The purchase's identity (a second import finds it: test below), readable in the notes.
        return text in notes
    raise AssertionError(f"no check for the field {target}")


@pytest.mark.parametrize("name", FILES)
def test_every_row_is_imported_and_no_cell_is_lost(name):
    mapping = preset(FILES[name])
    fields = fields_of(mapping)
    rows = sample_rows(name)

    report = imported(name)

    assert report["errors"] == []
    assert report["rows_total"] == report["purchases_added"] == len(rows)
    lost = []
    for row in rows:
        name_header = next(h for h in row if fields.get(h.strip().lower()) == "product_name")
        purchase = Purchase.objects.get(product_name=row[name_header].strip())
        warranty = purchase.warranties.first()
        row_end = expected_warranty_end(row, fields)
        for header, cell in row.items():
            # An exporter's formula guard (' or `) is not part of the value.
            text = re.sub(r"^['`](?=[=+\-@])", "", cell.strip())
            target = fields.get(header.strip().lower())
            if not text or target == "discard":
                continue
            if target is None:
                found = f"{header.strip()}: {text}" in (purchase.notes or "")
            else:
                found = lands(target, text, purchase, warranty, row_end)
            if not found:
                lost.append(f"{purchase.product_name} / {header}: {text!r}")
    assert lost == []


@pytest.mark.parametrize("name", FILES)
def test_importing_the_same_export_again_adds_nothing(name):
    first = imported(name)
    purchases = set(Purchase.objects.values_list("id", flat=True))

    second = imported(name)

    assert second["purchases_added"] == 0
    assert second["purchases_skipped_existing"] == first["purchases_added"]
    assert set(Purchase.objects.values_list("id", flat=True)) == purchases


def test_the_presets_are_shipped_and_recognised_from_each_export_header():
    assert preset_names() == {
        "homebox": "Homebox",
        "snipe-it": "Snipe-IT",
        "warracker": "Warracker",
    }
    for name, stem in FILES.items():
        with open(SAMPLES / name, "rb") as file:
            found = inspect_spreadsheet(file, filename=name)
        assert found["preset"] == preset(stem).name, name


def test_homebox_fields_labels_custom_fields_and_lifetime_warranty():
    imported("homebox.csv")

    espresso = Purchase.objects.get(product_name='Espresso machine "Barista Pro"')
    assert espresso.price == Decimal("649.99")
    assert espresso.purchase_date == datetime.date(2023, 11, 24)
    assert espresso.retailer.name == "Café Ünique GmbH"
    assert espresso.brand.name == "Breville"
    assert (espresso.model_number, espresso.serial_number) == ("BES878", "3A2B1C0099")
    assert tag_names(espresso) == ["Appliances", "Kitchen"]
    warranty = espresso.warranties.get()
    assert warranty.warranty_end == datetime.date(2025, 11, 24)
    assert "register online" in warranty.notes
    assert "Descale every 3 months.\nUse the blue filter" in espresso.notes
    assert "HB.field.Colour: Brushed steel" in espresso.notes
    assert "HB.location: Home / Kitchen" in espresso.notes

    casserole = Purchase.objects.get(product_name="Cast iron casserole 24 cm")
    assert casserole.warranties.get().warranty_end == LIFETIME_END
    assert Purchase.objects.get(product_name="AA batteries, 24-pack").quantity == 4
    assert not Purchase.objects.get(product_name="AA batteries, 24-pack").warranties.exists()
    bike = Purchase.objects.get(product_name="City bike FX 2")
    assert 'HB.sold_notes: Sold with the rear rack, "as is"' in bike.notes
    assert Purchase.objects.get(product_name="電気ケトル 1.0L").brand.name == "Zojirushi"


def test_warracker_lifetime_duration_only_and_end_date_only_warranties():
    imported("warracker.csv")

    def end(product: str) -> datetime.date:
        return Purchase.objects.get(product_name=product).warranties.get().warranty_end

    assert end("Leatherman Wave+") == LIFETIME_END
    assert end("Kaffeemühle „Präzision“") == datetime.date(2025, 8, 10)  # 18 months, no end date
    assert end("Headphones WH-1000XM5") == datetime.date(2026, 11, 29)  # end date, no duration
    assert end("Garden hose reel") == datetime.date(2024, 8, 2)  # 90 days
    laptop = Purchase.objects.get(product_name='MacBook Air 13" M2')
    assert laptop.retailer.name == "Apple Store"
    assert laptop.link == "https://www.apple.com/macbook-air/"
    assert laptop.price == Decimal("1199")
    assert laptop.serial_number == "C02XK1ABJG5H"
    assert laptop.brand is None  # Warracker's export names no manufacturer
    grinder = Purchase.objects.get(product_name="Kaffeemühle „Präzision“")
    assert grinder.retailer.name == "Kaffee-Rösterei Schäfer"
    assert "active" not in (grinder.notes or "")  # the computed status is left out on purpose


@pytest.mark.parametrize("name", ["snipe-it.csv", "snipe-it-decimal-comma.csv"])
def test_snipe_it_supplier_manufacturer_order_and_warranty_months(name):
    imported(name)

    laptop = Purchase.objects.get(product_name="Family laptop")
    assert laptop.price == Decimal("1349.00")  # "1,349.00" or "1.349,00"
    assert laptop.purchase_date == datetime.date(2023, 9, 12)  # written with a midnight time
    assert laptop.retailer.name == "Notebooksbilliger"
    assert laptop.brand.name == "Lenovo"
    assert (laptop.model_number, laptop.serial_number) == ("21HD003MGE", "PF4ABC12")
    assert laptop.retailer_order_number == "ORD-2023-7781"
    assert tag_names(laptop) == ["Laptops"]
    assert laptop.warranties.get().warranty_end == datetime.date(2026, 9, 12)  # 36 months
    assert "Model: ThinkPad T14 Gen 4" in laptop.notes
    assert "Status: In use (deployable)" in laptop.notes
    old_pc = Purchase.objects.get(product_name="Old desktop PC")
    assert old_pc.price == Decimal("1029.50")
    assert not old_pc.warranties.exists()


# -- What the engine does not do yet (docs/import-formats.md, last section) -----------------------


def test_warracker_space_joined_tags_are_separate_tags():
    imported("warracker.csv")

    assert tag_names(Purchase.objects.get(product_name='MacBook Air 13" M2')) == ["work", "laptop"]


def test_a_warracker_export_made_after_a_status_changed_adds_nothing(tmp_path):
    imported("warracker.csv")
    later = (SAMPLES / "warracker.csv").read_text(encoding="utf-8").replace('"active"', '"expired"')
    (tmp_path / "warracker.csv").write_text(later, encoding="utf-8")

    with open(tmp_path / "warracker.csv", "rb") as file:
        report = import_spreadsheet(file, filename="warracker.csv", mapping=preset("warracker"))

    assert report.as_dict()["purchases_added"] == 0


@pytest.mark.parametrize(
    ("name", "product", "guarded"),
    [
        ("homebox.csv", "Cast iron casserole 24 cm", "'- never"),
        ("snipe-it.csv", "Printer, colour laser", "`- toner"),
    ],
)
def test_an_exporters_formula_guard_is_removed(name, product, guarded):
    imported(name)

    notes = Purchase.objects.get(product_name=product).notes
    assert guarded[1:] in notes
    assert guarded not in notes
