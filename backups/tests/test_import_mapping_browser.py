"""The import's mapping step in a real browser (docs/importing.md, "The mapping step"): a
spreadsheet from elsewhere, its columns matched to fields in the preview, then imported."""

import datetime
import re
from decimal import Decimal

import openpyxl
from django.conf import settings
from playwright.sync_api import expect

from purchases.models import Purchase

# A household's own spreadsheet, the way a German office program writes it.
GERMAN_CSV = (
    "Artikel;Preis;Kaufdatum;Händler;Marke;Garantie (Monate);Zimmer\n"
    "Waschmaschine;1.249,50 €;14.03.2025;Elektro Müller;Miele;24;Keller\n"
    "Kaffeemühle;89,90 €;02.11.2024;Kaffeehaus Berg;Graef;12;Küche\n"
)


def _field(page, header: str):
    return page.get_by_label(f"Field for column “{header}”")


def _choose(page, path):
    page.goto("/data/")
    page.get_by_label("File to import").set_input_files(path)
    mapping = page.get_by_test_id("import-mapping")
    expect(mapping).to_be_visible()
    return mapping


def test_a_foreign_csv_is_mapped_in_the_preview_and_imported(signed_in_page, tmp_path, screenshot):
    page = signed_in_page
    path = tmp_path / "haushalt.csv"
    path.write_text(GERMAN_CSV, encoding="utf-8")
    mapping = _choose(page, path)

    expect(mapping.get_by_test_id("import-column")).to_have_count(7)
    expect(mapping).to_contain_text("separated by semicolons")
    # Guessed from the column names and the values.
    expect(_field(page, "Artikel")).to_have_value("product_name")
    expect(_field(page, "Preis")).to_have_value("price")
    expect(_field(page, "Kaufdatum")).to_have_value("purchase_date")
    expect(_field(page, "Händler")).to_have_value("retailer_name")
    expect(_field(page, "Marke")).to_have_value("brand_name")
    expect(_field(page, "Garantie (Monate)")).to_have_value("")
    expect(_field(page, "Zimmer")).to_have_value("")
    expect(page.get_by_label("Dates written as")).to_have_value("DD.MM.YYYY")
    expect(page.get_by_label("Amounts written as")).to_have_value(",")
    expect(mapping.get_by_role("table")).to_contain_text("1.249,50 €")

    # A required field without a column: said in plain words, and no preview.
    _field(page, "Preis").select_option(label="Keep in notes")
    problem = page.get_by_test_id("import-mapping-problem")
    expect(problem).to_contain_text("Choose the column that holds the price")
    preview = page.get_by_role("button", name="Preview import")
    expect(preview).to_be_disabled()
    _field(page, "Preis").select_option(label="Price")
    expect(problem).to_be_hidden()

    # The person's own choice: the warranty's length, in months.
    _field(page, "Garantie (Monate)").select_option(label="Warranty (months)")
    screenshot(page, "data-import-mapping")

    preview.click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("Nothing has been written yet")
    expect(report).to_contain_text("2 purchases added")
    expect(report).to_contain_text("2 rows in the file")
    assert Purchase.objects.count() == 0
    screenshot(page, "data-import-mapping-preview")

    report.get_by_role("button", name="Import for real").click()
    expect(report).to_contain_text("Imported. This is what changed")
    expect(report).to_contain_text("2 purchases added")

    washer = Purchase.objects.select_related("retailer", "brand").get(product_name="Waschmaschine")
    assert washer.price == Decimal("1249.50")
    assert washer.currency_code == "EUR"
    assert washer.purchase_date == datetime.date(2025, 3, 14)
    assert washer.retailer.name == "Elektro Müller"
    assert washer.brand.name == "Miele"
    assert washer.warranties.get().warranty_end == datetime.date(2027, 3, 14)
    assert "Zimmer: Keller" in washer.notes
    grinder = Purchase.objects.get(product_name="Kaffeemühle")
    assert grinder.price == Decimal("89.90")
    assert grinder.purchase_date == datetime.date(2024, 11, 2)
    assert grinder.retailer.name == "Kaffeehaus Berg"


def test_an_xlsx_workbook_is_mapped_and_imported(signed_in_page, tmp_path, screenshot):
    page = signed_in_page
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Item", "Cost", "Bought", "Store", "Serial", "Shelf"])
    sheet.append(["Cordless drill", 129.99, datetime.date(2024, 6, 1), "Tool Barn", "SN-77", "B2"])
    sheet.append(["Ladder", 89, datetime.date(2023, 9, 15), "Tool Barn", "", "Garage"])
    path = tmp_path / "inventory.xlsx"
    workbook.save(path)
    mapping = _choose(page, path)

    expect(mapping).to_contain_text("the first sheet of the workbook")
    expect(_field(page, "Item")).to_have_value("product_name")
    expect(_field(page, "Cost")).to_have_value("price")
    expect(_field(page, "Bought")).to_have_value("purchase_date")
    expect(_field(page, "Store")).to_have_value("retailer_name")
    expect(_field(page, "Serial")).to_have_value("serial_number")
    # The person leaves a column out: it is not kept anywhere.
    _field(page, "Shelf").select_option(label="Leave out")
    page.get_by_label("Currency of prices that do not say").select_option("GBP")

    page.get_by_role("button", name="Preview import").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("2 purchases added")
    report.get_by_role("button", name="Import for real").click()
    expect(report).to_contain_text(re.compile("Imported"))

    drill = Purchase.objects.select_related("retailer").get(product_name="Cordless drill")
    assert drill.price == Decimal("129.99")
    assert drill.currency_code == "GBP"
    assert drill.purchase_date == datetime.date(2024, 6, 1)
    assert drill.retailer.name == "Tool Barn"
    assert drill.serial_number == "SN-77"
    assert not drill.notes
    ladder = Purchase.objects.get(product_name="Ladder")
    assert ladder.price == Decimal("89")
    screenshot(page, "data-import-xlsx-imported")


def test_a_mapping_is_saved_and_offered_again(signed_in_page, tmp_path):
    page = signed_in_page
    path = tmp_path / "haushalt.csv"
    path.write_text(GERMAN_CSV, encoding="utf-8")
    _choose(page, path)
    _field(page, "Garantie (Monate)").select_option(label="Warranty (months)")
    _field(page, "Zimmer").select_option(label="Leave out")
    page.get_by_label("Save this mapping as…").fill("Unsere Tabelle")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("status").filter(has_text="Unsere Tabelle")).to_be_visible()

    # Chosen again for the next file: the saved choices come back.
    _choose(page, path)
    expect(_field(page, "Garantie (Monate)")).to_have_value("")
    page.get_by_label("Columns as in").select_option(label="Unsere Tabelle")
    expect(_field(page, "Garantie (Monate)")).to_have_value("warranty_months")
    expect(_field(page, "Zimmer")).to_have_value("discard")
    expect(_field(page, "Händler")).to_have_value("retailer_name")
    expect(page.get_by_label("Save this mapping as…")).to_have_value("Unsere Tabelle")


def test_the_mapping_step_on_a_phone(phone_page, tmp_path, screenshot):
    page = phone_page
    path = tmp_path / "haushalt.csv"
    path.write_text(GERMAN_CSV, encoding="utf-8")
    _choose(page, path)
    _field(page, "Kaufdatum").select_option(label="Keep in notes")
    expect(page.get_by_test_id("import-mapping-problem")).to_contain_text("purchase date")
    screenshot(page, "data-import-mapping-phone-problem")
    _field(page, "Kaufdatum").select_option(label="Purchase date")
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_test_id("import-report")).to_contain_text("2 purchases added")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390
    screenshot(page, "data-import-mapping-phone-preview")


def test_the_applications_own_csv_export_skips_the_mapping_step(
    signed_in_page, demo_data, tmp_path
):
    page = signed_in_page
    page.goto("/data/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^CSV")).click()
    path = tmp_path / "spends.csv"
    download_info.value.save_as(path)

    page.get_by_label("File to import").set_input_files(path)
    expect(page.get_by_test_id("import-own-csv")).to_be_visible()
    expect(page.get_by_test_id("import-mapping")).to_be_hidden()
    page.get_by_role("button", name="Preview import").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("already here")


def test_our_columns_with_one_of_its_own_go_through_the_mapping_step(signed_in_page, tmp_path):
    """import/csv would ignore the extra column; the mapping keeps it in the notes."""
    page = signed_in_page
    path = tmp_path / "list.csv"
    path.write_text("product_name,price,purchase_date,room\nKettle,25.00,2025-01-05,Kitchen\n")
    _choose(page, path)
    expect(_field(page, "product_name")).to_have_value("product_name")
    expect(_field(page, "room")).to_have_value("")
    page.get_by_role("button", name="Preview import").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("1 purchase added")
    report.get_by_role("button", name="Import for real").click()
    expect(report).to_contain_text("Imported")
    assert Purchase.objects.get().notes == "room: Kitchen"


def test_another_trackers_export_is_recognised_and_its_preset_chosen(
    signed_in_page, tmp_path, screenshot
):
    page = signed_in_page
    sample = settings.BASE_DIR / "interchange" / "tests" / "samples" / "homebox.csv"
    _choose(page, sample)
    choice = page.get_by_label("Columns as in")
    expect(choice).to_have_value("homebox")
    expect(_field(page, "HB.name")).to_have_value("product_name")
    screenshot(page, "data-import-mapping-homebox")

    # Another tracker's preset, asked of the columns route anew: it does not fit this file.
    with page.expect_response(re.compile(r"/api/import/spreadsheet/columns\?preset=snipe-it")):
        choice.select_option(label="Snipe-IT")
    expect(page.get_by_test_id("import-mapping-problem")).to_be_visible()
    expect(page.get_by_role("button", name="Preview import")).to_be_disabled()
    choice.select_option(label="Homebox")
    expect(_field(page, "HB.name")).to_have_value("product_name")
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_test_id("import-report")).to_contain_text("purchases added")
