"""Warranty claims in imports (format version 4, docs/claims.md §6): claims under warranties of
the file or the database, files linked to them, bad rows reported by name, one commit."""

import io
import json
import uuid

import pytest

from interchange.imports import import_json
from purchases.models import Attachment
from warranties.models import Claim, ClaimStatus
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

PURCHASE, WARRANTY = str(uuid.uuid4()), str(uuid.uuid4())
HASH = "ab" * 32


def document(claims: list, files: list | None = None, version: int = 4) -> io.BytesIO:
    data = {
        "format_version": version,
        "purchases": [
            {
                "id": PURCHASE,
                "product_name": "Bosch dishwasher",
                "price": "499.00",
                "currency_code": "EUR",
                "purchase_date": "2024-05-01",
            }
        ],
        "warranties": [
            {
                "id": WARRANTY,
                "purchase_id": PURCHASE,
                "warranty_start": "2024-05-01",
                "warranty_end": "2026-05-01",
            }
        ],
        "claims": claims,
        "files": files or [],
    }
    return io.BytesIO(json.dumps(data).encode())


def claim(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "warranty_id": WARRANTY, "opened_on": "2025-01-02"} | fields


def test_claims_import_under_their_warranty_with_their_values():
    written = claim(
        number="RMA-123",
        status="RESOLVED",
        closed_on="2025-01-09",
        cost="12.5",
        currency_code="chf",
        follow_up_on="2025-01-05",
        resolution="Replaced",
    )

    report = import_json(document([written]))

    assert report.errors == []
    assert report.counts["claims_added"] == 1
    stored = Claim.objects.get()
    assert str(stored.pk) == written["id"]
    assert str(stored.warranty_id) == WARRANTY
    assert (stored.status, str(stored.closed_on), str(stored.cost)) == (
        ClaimStatus.RESOLVED,
        "2025-01-09",
        "12.50",
    )
    assert stored.currency_code == "CHF"


def test_bad_claim_rows_are_named_and_skipped_and_the_rest_commits_once():
    good = claim(number="RMA-1")
    rows = [
        good,
        claim(status="LOST"),
        claim(opened_on=None),
        claim(cost="-3"),
        claim(status="REJECTED", closed_on="2024-12-31"),
        claim(warranty_id=str(uuid.uuid4())),
        "not an object",
    ]

    report = import_json(document(rows))

    assert [str(c.pk) for c in Claim.objects.all()] == [good["id"]]
    assert report.counts["claims_added"] == 1 and report.counts["purchases_added"] == 1
    assert len(report.errors) == 6
    assert report.errors[0].startswith(f"claim 2 (id {rows[1]['id']}): status:")
    assert report.errors[1] == f"claim 3 (id {rows[2]['id']}): opened_on: is missing; skipped"
    assert "cost" in report.errors[2]
    assert "closed_on: 2024-12-31 is before opened_on 2025-01-02" in report.errors[3]
    assert report.errors[4] == "claim 7: is not an object; skipped"
    # The warranty is looked for when the batch is written, after the rows are read.
    assert report.errors[5] == (
        f"claim 6 (id {rows[5]['id']}): its warranty {rows[5]['warranty_id']} was not imported "
        "and is not in the database; skipped"
    )


def test_a_claim_may_name_a_warranty_already_in_the_database():
    warranty = WarrantyFactory()

    report = import_json(document([claim(warranty_id=str(warranty.pk))]))

    assert report.errors == []
    assert Claim.objects.get().warranty == warranty


def test_files_link_to_claims_of_their_purchase_only():
    mine = claim()
    elsewhere = WarrantyFactory()
    theirs = Claim.objects.create(warranty=elsewhere)
    files = [
        {
            "id": str(uuid.uuid4()),
            "purchase_id": PURCHASE,
            "filename": "letter.pdf",
            "file_hash": HASH,
            "claim_id": mine["id"],
        },
        {
            "id": str(uuid.uuid4()),
            "purchase_id": PURCHASE,
            "filename": "other.pdf",
            "file_hash": "cd" * 32,
            "claim_id": str(theirs.pk),
        },
    ]

    report = import_json(document([mine], files))

    linked = dict(Attachment.objects.values_list("filename", "claim_id"))
    assert linked == {"letter.pdf": uuid.UUID(mine["id"]), "other.pdf": None}
    assert any(
        "is not a claim of its purchase; imported without the link" in w for w in report.warnings
    )


def test_a_version_3_file_has_no_claims_and_still_imports():
    report = import_json(document([], version=3))

    assert report.errors == [] and report.counts["purchases_added"] == 1
    assert not Claim.objects.exists()


def test_a_second_import_skips_the_claims_or_updates_them():
    written = claim(number="RMA-1")
    import_json(document([written]))

    skipped = import_json(document([written | {"number": "RMA-2"}]))
    updated = import_json(document([written | {"number": "RMA-2"}]), mode="update")

    assert skipped.counts["claims_skipped_existing"] == 1
    assert updated.counts["claims_updated"] == 1
    assert Claim.objects.get().number == "RMA-2"
