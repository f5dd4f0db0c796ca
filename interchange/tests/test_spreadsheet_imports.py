"""Any spreadsheet through a column mapping (docs/importing.md): service, API and command."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from interchange.documents import ImportRejected
from interchange.imports import import_spreadsheet, inspect_spreadsheet
from interchange.mapping import (
    LIFETIME_END,
    Mapping,
    detect_date_format,
    detect_decimal_separator,
    guess_mapping,
    mapping_from_dict,
)
from interchange.models import SavedMapping
from purchases.models import Purchase

pytestmark = pytest.mark.django_db

# A household's own spreadsheet, saved by an office program set to German: semicolons, Windows
# characters, day-first dates and decimal commas, and a column no field holds.
GERMAN = (
    "Artikel;Preis;Kaufdatum;Händler;Marke;Garantie;Zimmer\n"
    "Waschmaschine;1.249,50 €;14.03.2025;MediaMarkt;Bosch;24;Keller\n"
    "Kaffeemühle;89,90 €;02.01.2024;Amazon;Graef;;Küche\n"
).encode("cp1252")


def imported(data: bytes, name: str = "haushalt.csv", **options):
    return import_spreadsheet(io.BytesIO(data), filename=name, **options)


def by_name() -> dict[str, Purchase]:
    return {
        purchase.product_name: purchase
        for purchase in Purchase.objects.select_related("retailer", "brand").prefetch_related(
            "warranties"
        )
    }


def test_a_german_spreadsheet_is_read_through_the_guessed_mapping():
    report = imported(GERMAN)

    assert report.counts["purchases_added"] == 2
    assert report.errors == []
    washer = by_name()["Waschmaschine"]
    assert washer.price == Decimal("1249.50")
    assert washer.currency_code == "EUR"  # from the € the price is written with
    assert washer.purchase_date == datetime.date(2025, 3, 14)
    assert washer.retailer.name == "MediaMarkt"
    assert washer.brand.name == "Bosch"
    assert [w.warranty_end for w in washer.warranties.all()] == [datetime.date(2027, 3, 14)]
    assert washer.notes == "Zimmer: Keller"


def test_the_preview_shows_each_column_its_field_and_the_formats_found():
    sheet = inspect_spreadsheet(io.BytesIO(GERMAN), filename="haushalt.csv")

    fields = {column["header"]: column["field"] for column in sheet["columns"]}
    assert fields == {
        "Artikel": "product_name",
        "Preis": "price",
        "Kaufdatum": "purchase_date",
        "Händler": "retailer_name",
        "Marke": "brand_name",
        "Garantie": "warranty_months",
        "Zimmer": "",
    }
    assert sheet["columns"][1]["samples"] == ["1.249,50 €", "89,90 €"]
    assert (sheet["date_format"], sheet["decimal_separator"], sheet["delimiter"]) == (
        "DD.MM.YYYY",
        ",",
        ";",
    )
    assert not Purchase.objects.exists()


def test_a_second_import_of_the_same_file_adds_nothing():
    imported(GERMAN)
    again = imported(GERMAN)

    assert again.counts["purchases_added"] == 0
    assert again.counts["purchases_skipped_existing"] == 2
    assert Purchase.objects.count() == 2


def test_two_identical_rows_are_two_purchases_and_stay_two():
    data = b"Name,Price,Date\nCable,9.99,2024-05-01\nCable,9.99,2024-05-01\n"
    imported(data)
    imported(data)

    assert Purchase.objects.filter(product_name="Cable").count() == 2


def test_a_row_that_cannot_be_read_is_skipped_with_its_reason_and_the_others_imported():
    data = b"Name,Price,Date\nLamp,25.00,2024-05-01\nChair,lots,2024-05-02\nDesk,120,2024-02-30\n"
    report = imported(data)

    assert report.counts["purchases_added"] == 1
    assert report.counts["rows_skipped"] == 2
    assert report.errors == [
        "line 3: Price “lots” is not an amount; skipped",
        "line 4: Date “2024-02-30” is not a date in the format YYYY-MM-DD; skipped",
    ]


def test_an_edited_mapping_chooses_the_fields_the_formats_and_the_currency():
    data = b"Was,Wann,Wieviel,Laden,Egal\nRadio,03/04/2024,12.50,Corner shop,x\n"
    mapping = Mapping(
        columns={
            "Was": "product_name",
            "Wann": "purchase_date",
            "Wieviel": "price",
            "Laden": "retailer_name",
            "Egal": "discard",
        },
        date_format="MM/DD/YYYY",
        currency="CHF",
    )
    imported(data, mapping=mapping)

    radio = by_name()["Radio"]
    assert (radio.purchase_date, radio.price, radio.currency_code) == (
        datetime.date(2024, 3, 4),
        Decimal("12.50"),
        "CHF",
    )
    assert radio.retailer.name == "Corner shop"
    assert radio.notes is None  # "Egal" was left out on purpose


def test_warranty_years_months_days_and_lifetime_give_the_warranty_its_end():
    data = (
        b"Name,Price,Date,Years,Months,Lifetime,Provider\n"
        b"Pan,40,2024-01-31,,1,,\n"
        b"Knife,80,2024-01-31,2,,,\n"
        b"Pot,60,2024-01-31,,,yes,Le Creuset\n"
    )
    mapping = Mapping(
        columns={
            "Name": "product_name",
            "Price": "price",
            "Date": "purchase_date",
            "Years": "warranty_years",
            "Months": "warranty_months",
            "Lifetime": "warranty_lifetime",
            "Provider": "warranty_provider",
        }
    )
    imported(data, mapping=mapping)

    ends = {name: [w.warranty_end for w in p.warranties.all()] for name, p in by_name().items()}
    # 31 January and a month: the end of February (2024 is a leap year).
    assert ends == {
        "Pan": [datetime.date(2024, 2, 29)],
        "Knife": [datetime.date(2026, 1, 31)],
        "Pot": [LIFETIME_END],
    }
    pot = by_name()["Pot"].warranties.get()
    assert pot.provider == "Le Creuset"
    assert pot.notes.startswith("Lifetime warranty")


def test_a_workbook_s_typed_cells_need_no_format():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Item", "Cost", "Bought", "Tags", "Room"])
    # A workbook's dates and times have no time zone (as Excel writes them).
    bought = datetime.datetime(2024, 6, 1, 10, 30)  # noqa: DTZ001
    sheet.append(["Blender", 79.9, bought, "kitchen; small", "Kitchen"])
    sheet.append(["Vacuum", 349, datetime.date(2023, 11, 20), None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = imported(buffer.getvalue(), name="stuff.xlsx", mapping=None)

    assert report.counts["purchases_added"] == 2
    blender, vacuum = by_name()["Blender"], by_name()["Vacuum"]
    assert (blender.price, blender.purchase_date) == (Decimal("79.90"), datetime.date(2024, 6, 1))
    assert blender.tags == "kitchen, small"
    assert blender.notes == "Room: Kitchen"
    assert vacuum.price == Decimal("349.00")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty"),
        (b"Colour,Size\nred,L\n", "x.csv", "No column is mapped to Product name, Price"),
        (b"Name,Price,Date\n", "x.ods", "Choose a .csv or .xlsx file"),
        (b"not a workbook", "x.xlsx", "The workbook cannot be opened"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_its_reason(data, name, message):
    with pytest.raises(ImportRejected, match=message):
        imported(data, name=name)
    assert not Purchase.objects.exists()


def test_a_mapping_with_two_columns_for_one_field_is_refused():
    mapping = Mapping(
        columns={"A": "product_name", "B": "product_name", "C": "price", "D": "purchase_date"}
    )
    with pytest.raises(ImportRejected, match=r"Two columns are mapped to Product name \(A, B\)"):
        imported(b"A,B,C,D\nx,y,1,2024-01-01\n", mapping=mapping)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "A mapping is a JSON object"),
        ({"columns": {"A": "colour"}}, "fields this application does not have: colour"),
        ({"columns": {}, "date_format": "YY"}, "Unknown date format 'YY'"),
        ({"columns": {}, "currency": "XYZ"}, "'XYZ' is not a currency code"),
    ],
)
def test_a_mapping_that_is_not_one_says_what_is_wrong(data, message):
    with pytest.raises(ImportRejected, match=message):
        mapping_from_dict(data)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-03-14", "2023-12-01"], "YYYY-MM-DD"),
        (["14.03.2024"], "DD.MM.YYYY"),
        (["03/04/2024", "25/12/2023"], "DD/MM/YYYY"),
        (["03/04/2024", "12/25/2023"], "MM/DD/YYYY"),
        (["2024-03-14T10:22:00Z"], "YYYY-MM-DD"),
        (["yesterday"], None),
    ],
)
def test_the_date_format_is_the_one_every_value_reads_in(values, expected):
    assert detect_date_format(values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.249,50 €", "89,90"], ","),
        (["$1,249.50", "89.90"], "."),
        (["1.249"], ","),
        (["12"], "."),
    ],
)
def test_the_decimal_separator_is_read_from_the_amounts(values, expected):
    assert detect_decimal_separator(values) == expected


def test_a_header_is_guessed_in_several_languages():
    guessed = guess_mapping(["Bezeichnung", "Kaufpreis", "Datum", "Hersteller", "Seriennummer"])
    assert guessed.columns == {
        "Bezeichnung": "product_name",
        "Kaufpreis": "price",
        "Datum": "purchase_date",
        "Hersteller": "brand_name",
        "Seriennummer": "serial_number",
    }


# -- The API and the command -----------------------------------------------------------------------


def upload(data: bytes, name: str):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_api_previews_then_imports_with_the_mapping_sent(api_client):
    mapping = json.dumps(
        {
            "columns": {
                "Artikel": "product_name",
                "Preis": "price",
                "Kaufdatum": "purchase_date",
                "Zimmer": "discard",
            },
            "currency": "EUR",
        }
    )
    columns = api_client.post(
        "/api/import/spreadsheet/columns", {"file": upload(GERMAN, "h.csv"), "mapping": mapping}
    )
    assert columns.status_code == 200, columns.content
    assert columns.json()["columns"][6] == {
        "header": "Zimmer",
        "field": "discard",
        "samples": ["Keller", "Küche"],
    }

    preview = api_client.post(
        "/api/import/spreadsheet?dry_run=true",
        {"file": upload(GERMAN, "h.csv"), "mapping": mapping},
    )
    assert preview.status_code == 200, preview.content
    assert (preview.json()["purchases_added"], preview.json()["dry_run"]) == (2, True)
    assert not Purchase.objects.exists()

    done = api_client.post(
        "/api/import/spreadsheet", {"file": upload(GERMAN, "h.csv"), "mapping": mapping}
    )
    assert done.json()["purchases_added"] == 2
    # Händler and Marke were not in the mapping sent: kept in the notes.
    assert by_name()["Kaffeemühle"].notes == "Händler: Amazon\nMarke: Graef"


@pytest.mark.parametrize(
    ("name", "mapping", "detail"),
    [
        ("h.txt", "", "Expected a .csv or .xlsx file"),
        ("h.csv", "{", "The mapping is not JSON."),
        ("h.csv", '{"columns": {"Artikel": "size"}}', "does not have: size"),
    ],
)
def test_the_api_refuses_a_bad_file_or_mapping_with_a_400(api_client, name, mapping, detail):
    answer = api_client.post(
        "/api/import/spreadsheet", {"file": upload(GERMAN, name), "mapping": mapping}
    )
    assert answer.status_code == 400
    assert detail in answer.json()["detail"]
    assert not Purchase.objects.exists()


def test_mappings_are_saved_listed_replaced_and_deleted(api_client):
    body = {"name": "My bank", "mapping": {"columns": {"Was": "product_name"}}}
    first = api_client.post("/api/import/mappings", body, content_type="application/json")
    assert first.status_code == 201
    body["mapping"]["date_format"] = "DD.MM.YYYY"
    again = api_client.post("/api/import/mappings", body, content_type="application/json")
    assert again.json()["id"] == first.json()["id"]

    listed = api_client.get("/api/import/mappings").json()
    saved = [choice for choice in listed if choice["kind"] == "saved"]
    assert [(c["name"], c["mapping"]["date_format"]) for c in saved] == [("My bank", "DD.MM.YYYY")]
    assert api_client.delete(f"/api/import/mappings/{first.json()['id']}").status_code == 204
    assert not SavedMapping.objects.exists()
    assert api_client.delete(f"/api/import/mappings/{first.json()['id']}").status_code == 404


def test_the_command_imports_through_a_mapping_file_and_reports_a_dry_run(tmp_path):
    data_file = tmp_path / "haushalt.csv"
    data_file.write_bytes(GERMAN)
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(
        json.dumps(
            {"columns": {"Artikel": "product_name", "Preis": "price", "Kaufdatum": "purchase_date"}}
        )
    )
    out = io.StringIO()
    call_command(
        "interchange_import",
        str(data_file),
        "--from",
        str(mapping_file),
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Would import haushalt.csv" in out.getvalue()
    assert not Purchase.objects.exists()

    call_command(
        "interchange_import",
        str(data_file),
        "--from",
        str(mapping_file),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Purchase.objects.count() == 2


def test_the_command_names_an_unknown_preset_in_one_line(tmp_path):
    data_file = tmp_path / "haushalt.csv"
    data_file.write_bytes(GERMAN)
    with pytest.raises(CommandError, match="No preset named 'nothing'"):
        call_command("interchange_import", str(data_file), "--from", "nothing")
