"""The API's validation messages in the user's words.

spends_tracker/validation.py; docs/forms.md §1.
"""

import pytest

from kernel.testing import assert_validation_error
from purchases.tests.factories import PurchaseFactory
from spends_tracker.validation import readable_message


def messages(response) -> dict[str, str]:
    assert_validation_error(response)
    return {str(item["loc"][-1]): item["msg"] for item in response.json()["detail"]}


@pytest.mark.django_db
def test_an_empty_purchase_is_refused_field_by_field_in_words(api_client):
    body = {"product_name": "", "price": "", "purchase_date": None, "retailer_id": "abc"}

    response = api_client.post("/api/purchases", body, content_type="application/json")

    assert messages(response) == {
        "product_name": "A product name is required.",
        "price": "Enter a price, e.g. 12.99.",
        "purchase_date": "Enter the purchase date.",
        "retailer_id": "Choose a retailer or type a new one.",
    }
    # The shape stays the one of docs/api.md §2.6: type and loc as pydantic gives them.
    first = response.json()["detail"][0]
    assert first["type"] == "string_too_short"
    assert first["loc"][0] == "body"


@pytest.mark.django_db
def test_bad_values_are_told_in_words(api_client):
    body = {
        "product_name": "  ",
        "price": "-1",
        "purchase_date": "12/01/2020",
        "quantity": 0,
        "tags": "x" * 300,
        "link": "ftp://example.com",
    }

    response = api_client.post("/api/purchases", body, content_type="application/json")

    assert messages(response) == {
        "product_name": "A product name is required.",
        "price": "Enter a price above 0, e.g. 12.99.",
        "purchase_date": "Enter the purchase date as YYYY-MM-DD.",
        "quantity": "Enter a quantity of 1 or more.",
        "tags": "Keep the tags to 255 characters or fewer.",
        # A validator's own sentence, without pydantic's "Value error, ".
        "link": "The link must be an http:// or https:// address.",
    }


@pytest.mark.django_db
def test_a_warranty_without_an_end_is_told_what_to_give(api_client):
    purchase = PurchaseFactory()
    body = {"purchase_id": str(purchase.id), "warranty_start": "2024-01-01"}

    response = api_client.post("/api/warranties", body, content_type="application/json")

    assert_validation_error(response)
    [error] = response.json()["detail"]
    assert error["msg"] == "Enter an end date or a number of months."


@pytest.mark.django_db
def test_a_service_refusal_keeps_its_sentence(api_client):
    body = {"product_name": "Kettle", "price": "10", "purchase_date": "2999-01-01"}

    response = api_client.post("/api/purchases", body, content_type="application/json")

    assert messages(response)["purchase_date"].endswith(".")
    assert "Value error" not in response.content.decode()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            {"type": "missing", "loc": ["body", "payload", "model_number"]},
            "Model number is required.",
        ),
        (
            {"type": "string_too_long", "loc": ["body", "notes"], "ctx": {"max_length": 9}},
            "Keep the notes to 9 characters or fewer.",
        ),
        # A type the table does not know keeps pydantic's sentence, with a full stop.
        ({"type": "novel", "loc": ["body", "x"], "msg": "Something odd"}, "Something odd."),
        # A placeholder the context cannot fill: pydantic's own sentence.
        (
            {"type": "greater_than_equal", "loc": ["query", "skip"], "msg": "Too small"},
            "Too small.",
        ),
        ({"type": "value_error", "loc": ["body"], "msg": "Value error, usx is odd"}, "usx is odd."),
    ],
)
def test_the_wording_table_and_its_fallbacks(item, expected):
    assert readable_message(item) == expected
