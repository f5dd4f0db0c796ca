"""Purchases of an import file (JSON records or CSV rows), written in batches."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from catalog.models import Brand, Retailer
from interchange import records
from interchange.importer import base
from interchange.importer.base import BATCH, label_of, new_instance, shown
from interchange.importer.catalog import CatalogImport
from interchange.parsing import parse_id
from interchange.records import RecordError, record_id, record_key
from interchange.reports import skipped_because
from purchases.conversions import CONVERSION_FIELDS, conversions_for_new
from purchases.models import Purchase
from warranties.models import Warranty
from warranties.services import CREATED_FROM_PURCHASE, warranty_set_primary_end

_UNSEEN = object()


@dataclass
class PurchaseRow:
    label: str
    key: str | None
    uid: uuid.UUID | None
    values: dict
    retailer: tuple[str | None, str | None]  # (id as written, name) — names come from CSV files
    brand: tuple[str | None, str | None]
    warranty_end: object = None  # CSV files carry the primary warranty's end
    warranty_extras: dict | None = None  # and spreadsheets its provider, type and notes


class PurchaseImport(CatalogImport):
    """Imports purchases (with the CSV's primary warranty end), and resolves references to them."""

    UPDATED_PURCHASE_FIELDS = [
        "product_name",
        "price",
        "currency_code",
        "retailer_id",
        "brand_id",
        "purchase_date",
        "tax_deductible",
        "quantity",
        "return_deadline",
        "status",
        *records.PURCHASE_TEXT_FIELDS,
        "link",
        "created_at",
        "updated_at",
        *CONVERSION_FIELDS,
    ]

    def purchases(self, rows: Iterable, *, total: int | None) -> None:
        """Import purchase records: ROWS yields (label, record) or bare records."""
        batch: list[PurchaseRow] = []
        for index, row in enumerate(rows, 1):
            label, record = (
                row if isinstance(row, tuple) else (label_of("purchase", index, row), row)
            )
            item = self._purchase_row(label, record)
            if item is not None:
                batch.append(item)
            if len(batch) >= BATCH:
                self._write_purchases(batch)
                batch = []
            if index % BATCH == 0:
                self.progress("Purchases", index, total)
        self._write_purchases(batch)
        if total:
            self.progress("Purchases", total, total)

    def _purchase_row(self, label: str, record) -> PurchaseRow | None:
        if not isinstance(record, dict):
            self.report.error(skipped_because(label, gettext("is not an object")))
            return None
        key, uid = record_key(record.get("id"))
        try:
            values = records.purchase_fields(
                record, lossless=self.lossless, default_currency=self.default_currency
            )
            warranty_end = records.optional_date(record, "warranty_end")
            warranty_extras = records.warranty_extras(record)
            # Only this application's files keep a conversion; the others are converted once
            # the rows are in (interchange/imports.py, `run_import`).
            values.update(
                records.kept_conversion(record) if self.lossless else records.NOT_CONVERTED
            )
        except RecordError as error:
            self.report.error(skipped_because(label, error))
            if key is not None:
                self.failed_purchases.add(key)
            return None
        if self._claimed("purchases", key, label):
            return None
        if values["purchase_date"] > self.today and not self.keep_future:
            self.counts["purchases_skipped_future_date"] += 1
            self.report.outcome(label, "skip", None)
            if key is not None:
                self.future_purchases.add(key)
            return None
        return PurchaseRow(
            label=label,
            key=key,
            uid=uid,
            values={**values, **self._people_ids(record)},
            retailer=(self._reference(record.get("retailer_id")), record.get("retailer_name")),
            brand=(self._reference(record.get("brand_id")), record.get("brand_name")),
            warranty_end=warranty_end,
            warranty_extras=warranty_extras,
        )

    def _reference(self, value) -> str | None:
        """`record_id(VALUE)`, remembered for text: a file names the same few retailers and
        brands in row after row."""
        if not isinstance(value, str):
            return record_id(value)
        key = self.references.get(value, _UNSEEN)
        if key is _UNSEEN:
            key = self.references[value] = record_id(value)
        return key

    def _write_purchases(self, batch: list[PurchaseRow]) -> None:
        if not batch:
            return
        self._load_existing(Purchase, (item.uid for item in batch))
        new, updated, warranties, warranty_ends = [], [], [], []
        for item in batch:
            exists = item.uid in self.present[Purchase]
            if exists:
                self.ids["purchases"][item.key] = item.uid
                self.report.outcome(item.label, "update" if self.update else "skip", item.uid)
                if not self.update:
                    self.counts["purchases_skipped_existing"] += 1
                    continue
            values = {
                **item.values,
                "retailer_id": self._catalog_ref(Retailer, *item.retailer, item.label),
                "brand_id": self._catalog_ref(Brand, *item.brand, item.label),
            }
            if exists:
                values["updated_at"] = values["updated_at"] or timezone.now()
                purchase = new_instance(Purchase, {"id": item.uid, **values})
                updated.append(purchase)
                if item.warranty_end:
                    warranty_ends.append((purchase, item))
                continue
            purchase, warranty = self._new_purchase(item, values)
            new.append(purchase)
            if warranty is not None:
                warranties.append(warranty)
        self._save_purchases(new, updated, warranties, warranty_ends)

    def _new_purchase(self, item: PurchaseRow, values: dict):
        """The new purchase of ITEM, and the warranty its CSV row's warranty_end asks for."""
        uid = item.uid or self._new_id(item.key, item.label)
        if item.key is not None:
            self.ids["purchases"][item.key] = uid
        purchase = new_instance(Purchase, {**values, "id": uid})
        self.report.outcome(item.label, "new", uid)
        if item.warranty_end and item.warranty_end >= purchase.purchase_date:
            warranty = new_instance(
                Warranty,
                {
                    "purchase_id": uid,
                    "warranty_start": purchase.purchase_date,
                    "warranty_end": item.warranty_end,
                    "notes": CREATED_FROM_PURCHASE,
                    "created_at": purchase.created_at,
                    **(item.warranty_extras or {}),
                },
            )
            return purchase, warranty
        if item.warranty_end:
            self.report.warn(
                gettext(
                    "%(record)s: warranty_end %(end)s is before the purchase date; "
                    "no warranty recorded"
                )
                % {"record": item.label, "end": item.warranty_end}
            )
        return purchase, None

    def _save_purchases(self, new: list, updated: list, warranties: list, warranty_ends: list):
        """Write a batch: NEW purchases and their WARRANTIES, UPDATED purchases, and the new
        end of the primary warranty of updated ones (WARRANTY_ENDS)."""
        if not self.lossless:
            self._convert(new)
        base.insert_rows(Purchase, new, self.statistics)
        if updated:
            fields = self.UPDATED_PURCHASE_FIELDS
            Purchase.objects.update_each(
                (purchase.pk, {name: getattr(purchase, name) for name in fields})
                for purchase in updated
            )
        base.insert_rows(Warranty, warranties, self.statistics)
        self.present[Purchase].update(purchase.id for purchase in new)
        self.counts["purchases_added"] += len(new)
        self.counts["purchases_updated"] += len(updated)
        self.counts["warranties_added"] += len(warranties)
        for purchase, item in warranty_ends:
            try:
                warranty_set_primary_end(purchase=purchase, end=item.warranty_end)
            except ValidationError:
                self.report.warn(
                    gettext(
                        "%(record)s: warranty_end %(end)s is before the warranty's start; "
                        "the warranty was left as it was"
                    )
                    % {"record": item.label, "end": item.warranty_end}
                )

    def _convert(self, new: list) -> None:
        """Give NEW purchases their conversion to the base currency before they are written: one
        query for the batch's rates, where converting them after the import (as it still does for
        anything left unconverted) would update every row a second time."""
        conversions = conversions_for_new(
            ((p.id, p.price, p.currency_code, p.purchase_date) for p in new),
            base_code=self.default_currency,
        )
        for purchase in new:
            for name, value in conversions[purchase.id].items():
                setattr(purchase, name, value)

    def _purchase_ref(self, key: str | None, label: str) -> uuid.UUID | None:
        """The purchase a warranty or file belongs to; None (reported) when it is skipped."""
        if key is None:
            self.report.error(skipped_because(label, gettext("purchase_id is missing")))
        elif key in self.ids["purchases"]:
            return self.ids["purchases"][key]
        elif key in self.future_purchases:
            self.report.warn(
                gettext(
                    "%(record)s: its purchase %(purchase)s is dated in the future and was not "
                    "imported; skipped too"
                )
                % {"record": label, "purchase": shown(key)}
            )
        elif key in self.failed_purchases:
            self.report.error(
                skipped_because(
                    label,
                    gettext("its purchase %(purchase)s was not imported")
                    % {"purchase": shown(key)},
                )
            )
        elif self._exists(Purchase, parse_id(key)):
            return parse_id(key)
        else:
            self.report.error(
                skipped_because(
                    label,
                    gettext("purchase_id %(purchase)s refers to no purchase")
                    % {"purchase": shown(key)},
                )
            )
        return None
