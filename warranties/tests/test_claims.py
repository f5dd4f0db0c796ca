"""The claim services and selectors called directly: defaults, status transitions, closing
days, documents, authorship and the data version (docs/claims.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import MemberFactory
from kernel import clock
from kernel.versioning import data_version
from preferences.services import preferences_update
from purchases.models import Attachment
from warranties.models import Claim, ClaimStatus
from warranties.selectors import (
    claim_list,
    claims_follow_up_due,
    claims_of_purchase_for_page,
)
from warranties.services import (
    claim_create,
    claim_delete,
    claim_transition_refusal,
    claim_update,
    warranty_delete,
)
from warranties.tests.factories import ClaimFactory, WarrantyFactory, attachment_of

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS = ClaimStatus.OPEN, ClaimStatus.IN_PROGRESS
RESOLVED, REJECTED = ClaimStatus.RESOLVED, ClaimStatus.REJECTED


def days_ago(days: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=days)


def test_a_new_claim_opens_today_open_in_the_households_currency_by_whoever_opened_it():
    preferences_update(currency_code="EUR")
    person = MemberFactory()

    claim = claim_create(warranty=WarrantyFactory(), data={"number": "RMA-1"}, actor=person)

    claim.refresh_from_db()
    assert (claim.opened_on, claim.status, claim.currency_code) == (clock.today(), OPEN, "EUR")
    assert (claim.closed_on, claim.cost, claim.created_by, claim.updated_by) == (
        None,
        None,
        person,
        None,
    )


def test_every_write_replaces_the_data_version():
    warranty = WarrantyFactory()
    versions = [data_version()]
    claim = claim_create(warranty=warranty, data={})
    versions.append(data_version())
    claim_update(claim=claim, data={"notes": "Sent by post"})
    versions.append(data_version())
    claim_delete(claim=claim)
    versions.append(data_version())

    assert len(set(versions)) == 4


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        (OPEN, IN_PROGRESS, True),
        (IN_PROGRESS, OPEN, True),
        (OPEN, RESOLVED, True),
        (OPEN, REJECTED, True),
        (IN_PROGRESS, RESOLVED, True),
        (IN_PROGRESS, REJECTED, True),
        (RESOLVED, OPEN, True),
        (REJECTED, IN_PROGRESS, True),
        (RESOLVED, RESOLVED, True),
        (RESOLVED, REJECTED, False),
        (REJECTED, RESOLVED, False),
    ],
)
def test_open_claims_go_anywhere_and_closed_ones_only_reopen(current, wanted, allowed):
    assert (claim_transition_refusal(current, wanted) is None) is allowed


def test_a_refused_transition_says_why_in_words_and_changes_nothing():
    claim = ClaimFactory(status=RESOLVED, closed_on=clock.today())

    with pytest.raises(ValidationError) as refused:
        claim_update(claim=claim, data={"status": REJECTED, "notes": "changed"})

    assert refused.value.message_dict == {
        "status": ["A resolved claim cannot become rejected: reopen it first."]
    }
    claim.refresh_from_db()
    assert (claim.status, claim.notes) == (RESOLVED, None)


def test_closing_records_the_day_reopening_clears_it_and_a_given_day_is_kept():
    claim = ClaimFactory(opened_on=days_ago(20))

    claim_update(claim=claim, data={"status": IN_PROGRESS})
    assert claim.closed_on is None
    claim_update(claim=claim, data={"status": RESOLVED, "resolution": "Replaced"})
    assert claim.closed_on == clock.today()
    claim_update(claim=claim, data={"notes": "Keeps its day"})
    assert claim.closed_on == clock.today()
    claim_update(claim=claim, data={"status": OPEN})
    assert claim.closed_on is None
    claim_update(claim=claim, data={"status": REJECTED, "closed_on": days_ago(3)})
    claim.refresh_from_db()
    assert (claim.status, claim.closed_on) == (REJECTED, days_ago(3))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"opened_on": "FUTURE"}, "opened_on", "A claim cannot be opened after today."),
        (
            {"status": RESOLVED, "closed_on": "LONG_AGO"},
            "closed_on",
            "A claim cannot close before it was opened",
        ),
        ({"closed_on": "TODAY"}, "closed_on", "An open claim has no closing day."),
        ({"cost": Decimal("-1.00")}, "cost", "Ensure this value is greater than or equal to 0."),
        ({"currency_code": "eur"}, "currency_code", "Use a three-letter code"),
    ],
)
def test_bad_values_are_refused_at_their_field(data, field, message):
    days = {"FUTURE": days_ago(-1), "LONG_AGO": days_ago(400), "TODAY": clock.today()}
    data = {
        key: days.get(value, value) if isinstance(value, str) else value
        for key, value in data.items()
    }
    with pytest.raises(ValidationError) as refused:
        claim_create(warranty=WarrantyFactory(), data={"opened_on": days_ago(10), **data})

    assert message in " ".join(refused.value.message_dict[field])
    assert not Claim.objects.exists()


def test_documents_are_attachments_of_the_claims_purchase_and_are_replaced_as_a_set():
    warranty = WarrantyFactory()
    receipt = attachment_of(warranty.purchase, b"receipt")
    letter = attachment_of(warranty.purchase, b"letter", "letter.pdf")
    elsewhere = attachment_of(WarrantyFactory().purchase, b"other")

    claim = claim_create(warranty=warranty, data={"document_ids": [receipt.pk, letter.pk]})
    assert set(claim.documents.all()) == {receipt, letter}
    claim_update(claim=claim, data={"document_ids": [letter.pk]})
    assert list(claim.documents.all()) == [letter]

    with pytest.raises(ValidationError) as refused:
        claim_update(claim=claim, data={"document_ids": [elsewhere.pk]})
    assert str(elsewhere.pk) in refused.value.message_dict["document_ids"][0]
    assert list(claim.documents.all()) == [letter]


def test_deleting_a_claim_keeps_its_files_with_the_purchase_unlinked():
    warranty = WarrantyFactory()
    receipt = attachment_of(warranty.purchase)
    claim = claim_create(warranty=warranty, data={"document_ids": [receipt.pk]})

    claim_delete(claim=claim)

    receipt.refresh_from_db()
    assert receipt.claim_id is None
    assert receipt.purchase_id == warranty.purchase_id
    assert receipt.blob.reference_count == 1


def test_deleting_a_warranty_deletes_its_claims_and_keeps_their_files():
    warranty = WarrantyFactory()
    receipt = attachment_of(warranty.purchase)
    claim_create(warranty=warranty, data={"document_ids": [receipt.pk]})

    warranty_delete(warranty=warranty)

    assert not Claim.objects.exists()
    assert Attachment.objects.get().claim_id is None


def test_the_selectors_give_claims_of_a_warranty_or_a_purchase_in_three_queries(
    django_assert_num_queries,
):
    warranty = WarrantyFactory()
    second = WarrantyFactory(purchase=warranty.purchase)
    receipt = attachment_of(warranty.purchase)
    older = ClaimFactory(warranty=warranty, opened_on=days_ago(30))
    newer = claim_create(
        warranty=second, data={"opened_on": days_ago(2), "document_ids": [receipt.pk]}
    )
    ClaimFactory()  # another purchase's

    assert list(claim_list(warranty_id=warranty.pk)) == [older]
    # the claims (warranty, purchase, people joined in), their documents
    with django_assert_num_queries(2):
        claims = claims_of_purchase_for_page(warranty.purchase_id)
        shown = [
            (c.number, c.warranty.purchase.product_name, [d.filename for d in c.document_list])
            for c in claims
        ]
    assert [claim.pk for claim in claims] == [newer.pk, older.pk]
    assert shown[0][2] == ["receipt.pdf"]


def test_follow_ups_due_are_the_open_claims_whose_day_has_come():
    due = ClaimFactory(follow_up_on=clock.today())
    overdue = ClaimFactory(follow_up_on=days_ago(5), status=IN_PROGRESS)
    ClaimFactory(follow_up_on=days_ago(-1))  # not yet
    ClaimFactory(follow_up_on=days_ago(5), status=RESOLVED, closed_on=clock.today())
    ClaimFactory(follow_up_on=None)

    assert list(claims_follow_up_due()) == [overdue, due]
