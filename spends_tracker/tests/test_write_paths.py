"""Every way the application writes the household's data is seen by the dashboard's cache, keeps
the search text of every purchase current (docs/search.md), and every way it deletes purchases
or attachments releases their blobs (issue 19, item 3).

Nothing in the models does either (docs/architecture.md §3, "Writes"): each path below calls the
services, or replaces the data version itself. For each one, a figure planted in the cache
before the write (under the key the cache would use) must not be served after it, and the figure
served must be the one the data gives; a path that deletes the purchase or its attachment must
leave no blob row and no file behind once the transaction has committed.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.cache import figure_key
from analytics.selectors import analytics_summary
from backups import services as backups
from backups.models import BackupKind
from catalog.models import Brand, Retailer
from catalog.services import (
    brand_get_or_create,
    catalog_entries_delete,
    catalog_entry_delete,
    catalog_entry_update,
    catalog_load_defaults,
    retailer_get_or_create,
)
from catalog.tests.factories import BrandFactory, RetailerFactory
from interchange.imports import import_csv, import_records
from kernel import clock
from preferences.models import Preference
from preferences.services import preferences_reset, preferences_update
from purchases.demo import purchases_load_demo
from purchases.models import Attachment, Blob, Purchase, PurchaseStatus
from purchases.services import (
    attachment_add,
    attachments_delete,
    purchase_create,
    purchase_delete,
    purchase_update,
    purchases_delete,
    purchases_mark_received,
    purchases_tag_add,
)
from purchases.tests.search_helpers import stale_search_texts
from warranties.models import Claim, Warranty
from warranties.services import (
    claim_create,
    claim_delete,
    claim_update,
    warranties_set_voided,
    warranty_create,
    warranty_delete,
    warranty_update,
)
from warranties.tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

STALE = {"stale": "a figure computed before the write"}
RECEIPT = b"%PDF-1.4 the only receipt of its kind"


class Household:
    """One retailer, one brand, and a purchase with a warranty and a receipt of its own."""

    def __init__(self):
        self.retailer = RetailerFactory(name="Kitchen Outlet")
        self.brand = BrandFactory(name="Delonghi")
        self.purchase = purchase_create(
            data={
                "product_name": "Espresso machine",
                "price": Decimal("10.00"),
                "currency_code": "USD",
                "retailer_id": self.retailer.pk,
                "brand_id": self.brand.pk,
                "purchase_date": datetime.date(2025, 2, 3),
                "status": PurchaseStatus.ORDERED,
                "warranty_expiry": datetime.date(2099, 2, 3),
            }
        )
        self.warranty = Warranty.objects.get(purchase=self.purchase)
        warranty_update(warranty=self.warranty, data={"provider": "CareShield", "notes": "RMA"})
        self.warranty.refresh_from_db()
        upload = SimpleUploadedFile("receipt.pdf", RECEIPT)
        self.attachment = attachment_add(
            purchase=self.purchase, upload=upload, file_type="receipt"
        )[0]
        self.blob_name = self.attachment.blob.name


def _form_data(response) -> dict:
    """What the admin's change form at RESPONSE sends back unchanged (existing inline rows only)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += formset.initial_forms
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data[management[name].html_name] = str(len(formset.initial_forms))
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = str(value)
    return data


def _admin_change(client, model, obj, **changes):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    data = _form_data(client.get(url)) | changes
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def _admin_delete(client, model, obj):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_delete"
    assert client.post(reverse(name, args=[obj.pk]), {"post": "yes"}).status_code == 302


def _admin_action(client, model, action, objs):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    selected = [str(obj.pk) for obj in objs]
    response = client.post(url, {"action": action, "_selected_action": selected, "post": "yes"})
    assert response.status_code == 302


def _admin_add(client, model, data):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


NO_INLINES = {
    "warranties-TOTAL_FORMS": "0",
    "warranties-INITIAL_FORMS": "0",
    "attachments-TOTAL_FORMS": "0",
    "attachments-INITIAL_FORMS": "0",
}


def _inline_attachment_deleted(client, h):
    url = reverse("admin:purchases_purchase_change", args=[h.purchase.pk])
    data = _form_data(client.get(url))
    prefix = next(name for name in data if name.endswith("-id") and name.startswith("attach"))
    data[prefix.removesuffix("id") + "DELETE"] = "on"
    assert client.post(url, data).status_code == 302


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def _restore(h, clients):
    return backups.backup_restore_stored(h.backup)


def _restore_prepare(h):
    """A backup of the household, then a change that the restore will undo."""
    h.backup = backups.backup_create(backups.backup_record_new(BackupKind.MANUAL))
    purchase_update(purchase=h.purchase, data={"price": Decimal("99.00")})


_restore.prepare = _restore_prepare


# (id, write(h, clients), releases the receipt's blob)
SERVICES = [
    ("purchase_create", lambda h, c: purchase_create(data={"product_name": "Mug", "price": 2}), 0),
    (
        "purchase_update",
        lambda h, c: purchase_update(purchase=h.purchase, data={"price": Decimal("12.00")}),
        0,
    ),
    ("purchase_delete", lambda h, c: purchase_delete(purchase=h.purchase), 1),
    ("purchases_delete", lambda h, c: purchases_delete(purchases=Purchase.objects.all()), 1),
    (
        "purchases_mark_received",
        lambda h, c: purchases_mark_received(purchases=Purchase.objects.all()),
        0,
    ),
    (
        "purchases_tag_add",
        lambda h, c: purchases_tag_add(purchases=Purchase.objects.all(), tag="garage"),
        0,
    ),
    (
        "attachment_add",
        lambda h, c: attachment_add(
            purchase=h.purchase, upload=SimpleUploadedFile("b.pdf", b"%PDF b"), file_type="other"
        ),
        0,
    ),
    (
        "attachments_delete",
        lambda h, c: attachments_delete(attachments=Attachment.objects.all()),
        1,
    ),
    (
        "warranty_create",
        lambda h, c: warranty_create(
            purchase=h.purchase,
            data={"warranty_start": datetime.date(2025, 1, 1), "duration_months": 12},
        ),
        0,
    ),
    ("warranty_update", lambda h, c: warranty_update(warranty=h.warranty, data={"notes": "x"}), 0),
    ("warranty_delete", lambda h, c: warranty_delete(warranty=h.warranty), 0),
    (
        "warranties_set_voided",
        lambda h, c: warranties_set_voided(warranties=Warranty.objects.all(), voided=True),
        0,
    ),
    ("retailer_get_or_create", lambda h, c: retailer_get_or_create(name="Corner shop"), 0),
    ("brand_get_or_create", lambda h, c: brand_get_or_create(name="Acme"), 0),
    (
        "catalog_entry_update",
        lambda h, c: catalog_entry_update(entry=h.retailer, data={"name": "Outlet"}),
        0,
    ),
    ("catalog_entry_delete", lambda h, c: catalog_entry_delete(entry=h.brand), 0),
    (
        "catalog_entries_delete",
        lambda h, c: catalog_entries_delete(entries=Retailer.objects.all()),
        0,
    ),
    ("catalog_load_defaults", lambda h, c: catalog_load_defaults(), 0),
    ("preferences_update", lambda h, c: preferences_update(date_format="DD/MM/YYYY"), 0),
    ("preferences_reset", lambda h, c: preferences_reset(), 0),
]

API = [
    (
        "api-purchase-create",
        lambda h, c: c.api.post(
            "/api/purchases",
            {"product_name": "Kettle", "price": "3.00", "purchase_date": "2025-01-01"},
            content_type="application/json",
        ),
        0,
    ),
    (
        "api-purchase-update",
        lambda h, c: c.api.put(
            f"/api/purchases/{h.purchase.pk}", {"price": "4.00"}, content_type="application/json"
        ),
        0,
    ),
    ("api-purchase-delete", lambda h, c: c.api.delete(f"/api/purchases/{h.purchase.pk}"), 1),
    (
        "api-purchases-bulk-tag",
        lambda h, c: c.api.post(
            "/api/purchases/bulk",
            {"action": "tag", "ids": [str(h.purchase.pk)], "tag": "garage"},
            content_type="application/json",
        ),
        0,
    ),
    (
        "api-purchases-bulk-delete",
        lambda h, c: c.api.post(
            "/api/purchases/bulk",
            {"action": "delete", "ids": [str(h.purchase.pk)]},
            content_type="application/json",
        ),
        1,
    ),
    (
        "api-file-upload",
        lambda h, c: c.api.post(
            f"/api/files/{h.purchase.pk}/",
            {"file": SimpleUploadedFile("m.pdf", b"%PDF manual"), "file_type": "manual"},
        ),
        0,
    ),
    (
        "api-file-delete",
        lambda h, c: c.api.delete(f"/api/files/{h.purchase.pk}/{h.attachment.pk}"),
        1,
    ),
    (
        "api-warranty-create",
        lambda h, c: c.api.post(
            "/api/warranties",
            {"purchase_id": str(h.purchase.pk), "warranty_start": "2025-01-01"}
            | {"duration_months": 24},
            content_type="application/json",
        ),
        0,
    ),
    (
        "api-warranty-update",
        lambda h, c: c.api.put(
            f"/api/warranties/{h.warranty.pk}",
            {"status": "VOIDED"},
            content_type="application/json",
        ),
        0,
    ),
    ("api-warranty-delete", lambda h, c: c.api.delete(f"/api/warranties/{h.warranty.pk}"), 0),
    (
        "api-retailer-create",
        lambda h, c: c.api.post(
            "/api/retailers", {"name": "Market"}, content_type="application/json"
        ),
        0,
    ),
    (
        "api-brand-update",
        lambda h, c: c.api.put(
            f"/api/brands/{h.brand.pk}", {"name": "Renamed"}, content_type="application/json"
        ),
        0,
    ),
    ("api-retailer-delete", lambda h, c: c.api.delete(f"/api/retailers/{h.retailer.pk}"), 0),
    (
        "api-settings-update",
        lambda h, c: c.api.put(
            "/api/settings", {"currency_code": "EUR"}, content_type="application/json"
        ),
        0,
    ),
    ("api-settings-reset", lambda h, c: c.api.post("/api/settings/reset"), 0),
    (
        "api-import-csv",
        lambda h, c: c.api.post(
            "/api/import/csv",
            {
                "file": SimpleUploadedFile(
                    "p.csv", b"product_name,price,purchase_date\nLamp,8.00,2025-01-01\n"
                )
            },
        ),
        0,
    ),
    ("api-reset-all", lambda h, c: c.api.post("/api/data/reset-all"), 1),
]

ADMIN = [
    (
        "admin-purchase-add",
        lambda h, c: _admin_add(
            c.staff,
            Purchase,
            {
                "product_name": "Toaster",
                "price": "30.00",
                "currency_code": "USD",
                "quantity": "1",
                "purchase_date": "2025-01-01",
                "status": PurchaseStatus.RECEIVED,
                **NO_INLINES,
            },
        ),
        0,
    ),
    (
        "admin-purchase-change",
        lambda h, c: _admin_change(c.staff, Purchase, h.purchase, price="11.00"),
        0,
    ),
    (
        "admin-purchase-change-warranty-inline",
        lambda h, c: _admin_change(
            c.staff, Purchase, h.purchase, **{"warranties-0-warranty_end": "2030-01-01"}
        ),
        0,
    ),
    (
        "admin-purchase-attachment-inline-delete",
        lambda h, c: _inline_attachment_deleted(c.staff, h),
        1,
    ),
    ("admin-purchase-delete", lambda h, c: _admin_delete(c.staff, Purchase, h.purchase), 1),
    (
        "admin-purchase-bulk-delete",
        lambda h, c: _admin_action(c.staff, Purchase, "delete_selected", [h.purchase]),
        1,
    ),
    (
        "admin-purchase-mark-received",
        lambda h, c: _admin_action(c.staff, Purchase, "mark_received", [h.purchase]),
        0,
    ),
    (
        "admin-warranty-add",
        lambda h, c: _admin_add(
            c.staff,
            Warranty,
            {
                "purchase": str(h.purchase.pk),
                "warranty_start": "2025-01-01",
                "warranty_end": "2031-01-01",
                "claims-TOTAL_FORMS": "0",
                "claims-INITIAL_FORMS": "0",
            },
        ),
        0,
    ),
    (
        "admin-warranty-change",
        lambda h, c: _admin_change(c.staff, Warranty, h.warranty, warranty_end="2040-01-01"),
        0,
    ),
    ("admin-warranty-delete", lambda h, c: _admin_delete(c.staff, Warranty, h.warranty), 0),
    (
        "admin-warranty-bulk-delete",
        lambda h, c: _admin_action(c.staff, Warranty, "delete_selected", [h.warranty]),
        0,
    ),
    ("admin-warranty-void", lambda h, c: _admin_action(c.staff, Warranty, "void", [h.warranty]), 0),
    ("admin-retailer-add", lambda h, c: _admin_add(c.staff, Retailer, {"name": "Shop"}), 0),
    (
        "admin-retailer-change",
        lambda h, c: _admin_change(c.staff, Retailer, h.retailer, name="Outlet"),
        0,
    ),
    ("admin-retailer-delete", lambda h, c: _admin_delete(c.staff, Retailer, h.retailer), 0),
    (
        "admin-brand-bulk-delete",
        lambda h, c: _admin_action(c.staff, Brand, "delete_selected", [h.brand]),
        0,
    ),
    (
        "admin-preference-add",
        lambda h, c: _admin_add(c.staff, Preference, {"key": "currency_code", "value": "EUR"}),
        0,
    ),
]

BULK = [
    (
        "import-csv",
        lambda h, c: import_csv(_csv("product_name,price,purchase_date\nLamp,8.00,2025-01-01\n")),
        0,
    ),
    (
        "import-csv-update",
        lambda h, c: import_csv(
            _csv(
                "id,product_name,price,currency_code,purchase_date\n"
                f"{h.purchase.pk},Espresso machine,15.00,USD,2025-02-03\n"
            ),
            mode="update",
        ),
        0,
    ),
    (
        "import-records-retailers",
        lambda h, c: import_records("retailers", [("row 1", {"name": "Market"})]),
        0,
    ),
    ("restore", _restore, 0),
    ("data-reset", lambda h, c: backups.data_reset_all(), 1),
    ("demo", lambda h, c: purchases_load_demo(count=3), 0),
    ("page-demo", lambda h, c: c.owner.post(reverse("analytics:demo_load")), 0),
    ("page-catalog-defaults", lambda h, c: c.owner.post(reverse("catalog:load_defaults")), 0),
]


def _claim(h):
    """A claim of the household's warranty, made around the services (the write is the test's)."""
    return ClaimFactory(warranty=h.warranty, opened_on=datetime.date(2025, 3, 1))


def _claim_page_post(name: str, data: dict):
    return lambda h, c: c.owner.post(reverse(f"warranties:{name}", args=[_claim(h).pk]), data)


CLAIMS = [
    ("claim_create", lambda h, c: claim_create(warranty=h.warranty, data={}), 0),
    ("claim_update", lambda h, c: claim_update(claim=_claim(h), data={"status": "RESOLVED"}), 0),
    ("claim_delete", lambda h, c: claim_delete(claim=_claim(h)), 0),
    (
        "api-claim-create",
        lambda h, c: c.api.post(
            f"/api/warranties/{h.warranty.pk}/claims", {}, content_type="application/json"
        ),
        0,
    ),
    (
        "api-claim-update",
        lambda h, c: c.api.put(
            f"/api/claims/{_claim(h).pk}", {"notes": "x"}, content_type="application/json"
        ),
        0,
    ),
    ("api-claim-delete", lambda h, c: c.api.delete(f"/api/claims/{_claim(h).pk}"), 0),
    (
        "admin-claim-change",
        lambda h, c: _admin_change(c.staff, Claim, _claim(h), status="IN_PROGRESS"),
        0,
    ),
    ("admin-claim-delete", lambda h, c: _admin_delete(c.staff, Claim, _claim(h)), 0),
    (
        "page-claim-open",
        lambda h, c: c.owner.post(reverse("warranties:claims", args=[h.warranty.pk]), {}),
        0,
    ),
    ("page-claim-edit", _claim_page_post("claim", {"number": "RMA-1"}), 0),
    ("page-claim-status", _claim_page_post("claim_status", {"status": "REJECTED"}), 0),
    ("page-claim-delete", _claim_page_post("claim_delete", {"confirm": "on"}), 0),
]

PATHS = SERVICES + API + ADMIN + BULK + CLAIMS


class Clients:
    def __init__(self, api, staff, owner):
        self.api, self.staff, self.owner = api, staff, owner


def _plant_stale_figure() -> str:
    """Cache STALE as the summary under the key the cache uses now; return that key."""
    key = figure_key(analytics_summary, clock.today(), {"currency": "USD"})
    cache.set(key, STALE)
    assert analytics_summary(currency="USD") == STALE  # served from the cache, as planted
    return key


@pytest.mark.parametrize(
    ("write", "releases"),
    [pytest.param(write, releases, id=name) for name, write, releases in PATHS],
)
def test_every_write_path_is_seen_by_the_cache_and_search_and_every_delete_releases_blobs(
    write, releases, api_client, staff_client, client, api_user, django_capture_on_commit_callbacks
):
    client.force_login(api_user)
    h = Household()
    analytics_summary(currency="USD")
    assert default_storage.exists(h.blob_name)
    prepare = getattr(write, "prepare", None)
    if prepare:
        prepare(h)
    _plant_stale_figure()

    with django_capture_on_commit_callbacks(execute=True):
        response = write(h, Clients(api_client, staff_client, client))
    if hasattr(response, "status_code"):
        assert response.status_code < 400, response.content

    assert stale_search_texts() == []
    served = analytics_summary(currency="USD")
    assert served != STALE
    assert served == analytics_summary.__wrapped__(currency="USD", today=clock.today())
    if releases:
        assert not Blob.objects.filter(sha256=h.attachment.blob.sha256).exists()
        assert not default_storage.exists(h.blob_name)
    else:
        assert default_storage.exists(h.blob_name)
