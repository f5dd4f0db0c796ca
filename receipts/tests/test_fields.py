"""read_fields on receipts' text: the rules, one at a time, on snippets (no files, no OCR)."""

import datetime
from decimal import Decimal

import pytest

from receipts.extraction import ReceiptText, read_fields

TODAY = datetime.date(2026, 6, 1)

TILL_DE = """
ELEKTRO HOFMANN GMBH
Bahnhofstr. 12, 80335 München
Kassenbon
Datum: 04.03.2026 12:34
2 x Akku-Bohrschrauber 251,76
Batterien AAA 10er 8,99
SUMME 260,75 €
BAR 270,00
RÜCKGELD 9,25
enthaltene MwSt. 19% 41,63
Vielen Dank für Ihren Einkauf!
"""

INVOICE_EN = """
Walmart
2100 Main St, Austin TX 78701
INVOICE
Invoice no. 2024-91519
Order no. 4040680638
Date: 07/09/2024
Due date: 07/23/2024
Qty Description Amount
1 Sony WH-1000XM5 Headphones $310.67
1 Bosch Cordless Drill $101.43
Subtotal $354.51
Sales tax $57.59
Total $412.10
"""


def read(text, **options):
    return read_fields(text, today=TODAY, **options)


def test_a_till_roll_gives_its_total_date_merchant_and_currency_with_their_lines():
    fields = read(TILL_DE)

    assert fields.total.value == Decimal("260.75")
    assert fields.total.line == "SUMME 260,75 €"
    assert fields.purchase_date.value == datetime.date(2026, 3, 4)
    assert fields.merchant.value == "ELEKTRO HOFMANN GMBH"
    assert fields.currency.value == "EUR"
    assert fields.currency.confidence > 0.9
    assert fields.order_number is None


def test_the_items_above_the_total_are_read_and_add_up_to_it():
    fields = read(TILL_DE, known_brands=["Bosch"])

    assert [(item.name, item.amount, item.quantity) for item in fields.items] == [
        ("Akku-Bohrschrauber", Decimal("251.76"), 2),
        ("Batterien AAA 10er", Decimal("8.99"), 1),
    ]
    assert fields.items_confidence == 0.9


def test_an_invoice_in_dollars_reads_its_dates_month_first_and_prefers_the_invoice_date():
    fields = read(INVOICE_EN, known_brands=["Bosch", "Sony"])

    assert fields.purchase_date.value == datetime.date(2024, 7, 9)
    assert fields.total.value == Decimal("412.10")
    assert fields.currency.value == "USD"
    assert fields.order_number.value == "4040680638"
    assert [item.brand for item in fields.items] == ["Sony", "Bosch"]


def test_subtotals_taxes_and_the_cash_given_are_not_the_total():
    text = "Shop\nSubtotal 100,00 €\nMwSt. 19,00 €\nGesamtbetrag 119,00 €\nBar 150,00\nRückgeld 31"

    assert read(text).total.value == Decimal("119.00")


@pytest.mark.parametrize(
    "line, amount, currency",
    [
        ("Total TTC 1 249,50 €", "1249.50", "EUR"),
        ("Montant total : 1\u202f249,50 €", "1249.50", "EUR"),
        ("Gesamt EUR 1.249,50", "1249.50", "EUR"),
        ("Grand Total $1,249.50", "1249.50", "USD"),
        ("TOTAL £12.99", "12.99", "GBP"),
        ("Total CHF 1'249.50", "1249.50", "CHF"),
        ("Importe total 89,90€", "89.90", "EUR"),
        ("Total incl. VAT 24.00 EUR", "24.00", "EUR"),
    ],
)
def test_totals_are_read_in_each_language_and_number_style(line, amount, currency):
    fields = read(f"Shop\n{line}")

    assert fields.total.value == Decimal(amount)
    assert fields.currency.value == currency


@pytest.mark.parametrize(
    "line, day",
    [
        ("Datum: 14.03.2025", datetime.date(2025, 3, 14)),
        ("Date : 14 mars 2025", datetime.date(2025, 3, 14)),
        ("Fecha: 14 de marzo de 2025", datetime.date(2025, 3, 14)),
        ("Bestelldatum: 3. Februar 2025", datetime.date(2025, 2, 3)),
        ("Order date: March 14, 2025", datetime.date(2025, 3, 14)),
        ("Fecha del pedido: 05/04/2025", datetime.date(2025, 4, 5)),
        ("2025-03-14 10:12", datetime.date(2025, 3, 14)),
    ],
)
def test_dates_are_read_in_four_languages(line, day):
    assert read(f"Shop\n{line}\nTotal 10,00 €").purchase_date.value == day


def test_a_date_after_today_is_no_purchase_date():
    fields = read("Shop\nValid until 01.01.2030\nDate: 02.02.2026\nTotal 5,00 €")

    assert fields.purchase_date.value == datetime.date(2026, 2, 2)


def test_the_order_date_wins_over_a_due_date_and_an_unlabelled_one():
    text = "Shop\n12.05.2026\nDue date: 20.05.2026\nOrder date: 10.05.2026\nTotal 5,00 €"

    assert read(text).purchase_date.value == datetime.date(2026, 5, 10)


def test_a_known_retailer_is_matched_despite_ocr_mistakes_and_written_the_catalogue_s_way():
    fields = read(
        "MEDIA MARKT Berlin\nKassenbon\nSUMME 10,00 €", known_retailers=["MediaMarkt", "Fnac"]
    )

    assert fields.merchant.value == "MediaMarkt"
    assert fields.merchant.line_number == 0

    misread = read("Welcome to WALMAPT\nTotal $3.00", known_retailers=["Walmart", "Target"])
    assert misread.merchant.value == "Walmart"


def test_without_a_known_retailer_the_first_line_that_reads_as_a_name_is_the_merchant():
    text = "| ~~ .\n2100 Main St\nHarbor Hardware Co.\nRECEIPT\nTotal $3.00"

    fields = read(text, known_retailers=["Walmart"])

    assert fields.merchant.value == "Harbor Hardware Co"
    assert fields.merchant.confidence < 0.7


def test_a_forwarded_order_e_mail_names_the_shop_that_sent_it_not_the_person_who_forwarded_it():
    text = """From: Alex Martin <alex@household.example>
Subject: Fwd: your order
Date: Wed, 03 Sep 2025 13:51:00 +0000
---------- Forwarded message ---------
From: Maison Lefèvre SARL <orders@maisonlefevre.example>
Date: Mon, 01 Sep 2025 13:51:00 +0000
Merci pour votre commande
Commande n° A58252509
Date de commande : 1 septembre 2025
TOTAL 19,90 €"""

    fields = read(text)

    assert fields.merchant.value == "Maison Lefèvre SARL"
    assert fields.purchase_date.value == datetime.date(2025, 9, 1)
    assert fields.order_number.value == "A58252509"


@pytest.mark.parametrize(
    "line, number",
    [
        ("Order #112-4839201-5567312", "112-4839201-5567312"),
        ("Bestellnummer: WEB-92434803", "WEB-92434803"),
        ("Commande n° 4022513397", "4022513397"),
        ("N° de commande : FR88412", "FR88412"),
        ("Número de pedido: A19730570", "A19730570"),
        ("Invoice no. 2024-91519", "2024-91519"),
    ],
)
def test_order_numbers_are_read_after_their_label(line, number):
    assert read(f"Shop\n{line}").order_number.value == number


def test_an_order_number_wins_over_an_invoice_number_and_a_date_is_never_one():
    text = "Shop\nFactura nº 2024-66082\nFecha del pedido: 08/02/2025\nPedido nº A9498821"

    assert read(text).order_number.value == "A9498821"


def test_a_receipt_text_and_a_string_are_read_alike_and_money_is_never_a_float():
    lines = tuple(line for line in TILL_DE.splitlines() if line)

    from_text = read(ReceiptText(lines, "pdf-text"))

    assert from_text == read(TILL_DE)
    assert isinstance(from_text.total.value, Decimal)
    assert all(isinstance(item.amount, Decimal) for item in from_text.items)


def test_text_without_a_receipt_gives_no_fields():
    fields = read("hello\nworld")

    assert (fields.total, fields.purchase_date, fields.currency, fields.order_number) == (None,) * 4
    assert fields.items == []


def test_when_ocr_lost_the_total_s_words_an_amount_written_twice_is_an_unsure_total():
    text = "Shop\n2 Tablette Samsung CHF 481.84\nous-tal CHF 404.91\nTO CHF 481.84"

    fields = read(text)

    assert fields.total.value == Decimal("481.84")
    assert fields.total.confidence < 0.5


def test_the_marks_ocr_leaves_around_a_name_are_trimmed():
    assert read("¿Manor\nTotal CHF 3.00").merchant.value == "Manor"
    assert read("AAA — —\nOBI BAUMARKT\nTotal 3,00 €").merchant.value == "OBI BAUMARKT"
    assert read("Ferretería Solano de\nTotal 3,00 €").merchant.value == "Ferretería Solano"
