"""receipt_text on real files of the sample set (receipts/tests/samples/, written by
bench/make_receipt_samples.py), then read_fields on what it read. Reading a picture takes
Tesseract seconds: those tests are slow."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from receipts.extraction import (
    OcrUnavailable,
    ReceiptUnreadable,
    UnsupportedReceipt,
    read_fields,
    receipt_text,
)
from receipts.extraction.ocr import tesseract_available

SAMPLES = Path(__file__).parent / "samples"
EXPECTED = {
    sample["file"]: sample
    for sample in json.loads((SAMPLES / "expected.json").read_text())["samples"]
}
RETAILERS = ["Amazon", "Best Buy", "Target", "Walmart", "MediaMarkt", "Fnac", "Galaxus"]

needs_tesseract = pytest.mark.skipif(not tesseract_available(), reason="Tesseract is not installed")


def assert_read_as_expected(name, text):
    expected = EXPECTED[name]
    fields = read_fields(text, known_retailers=RETAILERS)
    assert fields.total.value == Decimal(expected["total"])
    assert fields.purchase_date.value == datetime.date.fromisoformat(expected["date"])
    assert fields.currency.value == expected["currency"]
    assert fields.merchant.value.casefold() == expected["merchant"].casefold()
    if expected["order_number"]:
        assert fields.order_number.value == expected["order_number"]


def test_the_sample_set_has_forty_receipts_or_more_of_every_kind():
    assert len(EXPECTED) >= 40
    assert {sample["kind"] for sample in EXPECTED.values()} == {
        "pdf-text",
        "pdf-scan",
        "photo",
        "email",
    }
    assert {sample["language"] for sample in EXPECTED.values()} == {"en", "de", "fr", "es"}
    assert all((SAMPLES / name).is_file() for name in EXPECTED)


def test_a_pdf_with_a_text_layer_is_read_from_it_without_ocr():
    name = "10-pdf-text-invoice-de-eur.pdf"

    text = receipt_text(SAMPLES / name, "application/pdf")

    assert text.method == "pdf-text"
    assert text.pages == 1
    assert_read_as_expected(name, text)


def test_an_open_file_is_read_like_a_path():
    name = "22-pdf-text-till-en-usd.pdf"
    data = (SAMPLES / name).read_bytes()

    from_file = receipt_text(io.BytesIO(data), "application/pdf; charset=binary")

    assert from_file.lines == receipt_text(SAMPLES / name, "application/pdf").lines
    assert_read_as_expected(name, from_file)


def test_an_order_e_mail_is_read_from_its_headers_and_html_body():
    name = "08-email-email-de-eur.eml"

    text = receipt_text(SAMPLES / name, "message/rfc822")

    assert text.method == "email"
    assert text.lines[0].startswith("From: ")
    assert not any("<" in line and "class=" in line for line in text.lines)
    assert_read_as_expected(name, text)


def test_an_html_page_is_read_a_line_per_block_without_its_styles():
    page = (
        "<html><head><style>p{color:red}</style></head>"
        "<body><p>Shop</p><div>Total <b>9,99 €</b></div></body></html>"
    ).encode()

    text = receipt_text(io.BytesIO(page), "text/html")

    assert text.lines == ("Shop", "Total 9,99 €")


def test_other_types_are_refused_and_a_broken_file_is_unreadable():
    with pytest.raises(UnsupportedReceipt):
        receipt_text(io.BytesIO(b"PK..."), "application/zip")
    with pytest.raises(ReceiptUnreadable):
        receipt_text(io.BytesIO(b"not a picture"), "image/png")
    with pytest.raises(ReceiptUnreadable):
        receipt_text(io.BytesIO(b"not a pdf"), "application/pdf")


@pytest.mark.slow
@needs_tesseract
def test_a_photographed_receipt_is_straightened_and_read_by_ocr():
    name = "09-photo-till-de-eur.png"

    text = receipt_text(SAMPLES / name, "image/png")

    assert text.method == "ocr"
    assert_read_as_expected(name, text)


@pytest.mark.slow
@needs_tesseract
def test_a_scanned_pdf_without_a_text_layer_is_read_by_ocr():
    name = "37-pdf-scan-invoice-en-usd.pdf"

    text = receipt_text(SAMPLES / name, "application/pdf")

    assert text.method == "ocr"
    assert_read_as_expected(name, text)


def test_without_tesseract_a_picture_says_so_and_a_text_pdf_is_still_read(monkeypatch):
    monkeypatch.setattr("pytesseract.pytesseract.tesseract_cmd", "/nonexistent/tesseract")

    with pytest.raises(OcrUnavailable):
        receipt_text(SAMPLES / "09-photo-till-de-eur.png", "image/png")
    assert receipt_text(SAMPLES / "10-pdf-text-invoice-de-eur.pdf", "application/pdf").lines
