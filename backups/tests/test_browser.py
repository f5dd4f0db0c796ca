"""The data management page in a real browser: export, import, backups, reset."""

import re

from playwright.sync_api import expect

from backups.models import BackupConfig, BackupRecord, BackupStatus
from purchases.models import Purchase


def _backup_now(page):
    page.get_by_role("button", name="Back up now").click()
    expect(page.get_by_role("status").filter(has_text="Backup done")).to_be_visible()


def test_backing_up_now_lists_the_backup_with_its_size(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/data/")
    expect(page.get_by_test_id("last-backup")).to_contain_text("No backup yet")

    _backup_now(page)

    record = BackupRecord.objects.get()
    assert record.status == BackupStatus.COMPLETED
    item = page.get_by_test_id("backup-item")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("backup-size")).to_have_text(
        re.compile(r"\d+(\.\d)?\s(KB|MB|bytes)")
    )
    expect(item).to_contain_text("24 purchases")
    expect(page.get_by_test_id("last-backup")).to_contain_text("Last backup: just now")
    screenshot(page, "data-backups")


def test_exports_download_as_json_csv_and_zip(signed_in_page, demo_data, tmp_path):
    page = signed_in_page
    page.goto("/data/")

    for label, suffix in [("JSON", ".json"), ("CSV", ".csv"), ("ZIP", ".zip")]:
        with page.expect_download() as download_info:
            page.get_by_role("link", name=re.compile(f"^{label}")).click()
        download = download_info.value
        assert download.suggested_filename.endswith(suffix)
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.stat().st_size > 0
    assert saved.read_bytes().startswith(b"PK")


def test_an_export_comes_back_after_a_reset_through_the_import_preview(
    signed_in_page, demo_data, tmp_path, screenshot
):
    page = signed_in_page
    page.goto("/data/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^ZIP")).click()
    archive = tmp_path / "spends.zip"
    download_info.value.save_as(archive)

    reset_button = page.get_by_role("button", name="Delete all data")
    expect(reset_button).to_be_disabled()
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    with page.expect_request(re.compile(r"/api/data/reset-all$")) as reset_request:
        reset_button.click()
    assert reset_request.value.post_data is None  # docs/api.md §5.8: no body
    expect(page.get_by_test_id("reset-result")).to_be_visible()
    assert Purchase.objects.count() == 0
    restore_point = BackupRecord.objects.get(kind="restore_point")
    expect(page.get_by_test_id("reset-result")).to_contain_text(restore_point.id)
    expect(page.get_by_test_id("backup-item")).to_have_count(1)

    page.get_by_label("File to import").set_input_files(archive)
    page.get_by_role("button", name="Preview import").click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("Nothing has been written yet")
    expect(report).to_contain_text("24 purchases added")
    assert Purchase.objects.count() == 0
    screenshot(page, "data-import-preview")

    report.get_by_role("button", name="Import for real").click()
    expect(report).to_contain_text("Imported. This is what changed")
    expect(report).to_contain_text("24 purchases added")
    assert Purchase.objects.count() == 24


def test_a_backup_is_verified_and_restored_after_typing_restore(signed_in_page, demo_data):
    page = signed_in_page
    page.goto("/data/")
    _backup_now(page)
    backup = BackupRecord.objects.get()

    page.get_by_role("button", name=f"Verify backup {backup.id}").click()
    expect(page.get_by_role("status").filter(has_text="is sound")).to_be_visible()
    expect(page.get_by_test_id("backup-item").get_by_text("verified")).to_be_visible()

    Purchase.objects.filter(pk__in=Purchase.objects.values("pk")[:5]).delete()
    assert Purchase.objects.count() == 19

    page.get_by_role("button", name=f"Restore backup {backup.id}").click()
    dialog = page.get_by_role("dialog", name=re.compile("Restore the backup"))
    expect(dialog).to_contain_text("Everything you have now is replaced")
    expect(dialog).to_contain_text("A restore point")
    confirm = dialog.get_by_role("button", name="Replace my data with this backup")
    dialog.get_by_label("Type RESTORE to confirm").fill("restore")
    expect(confirm).to_be_disabled()
    dialog.get_by_label("Type RESTORE to confirm").fill("RESTORE")
    confirm.click()

    expect(page.get_by_role("status").filter(has_text="Restored.")).to_be_visible()
    assert Purchase.objects.count() == 24
    # The restore point taken first is listed next to the backup.
    expect(page.get_by_test_id("backup-item")).to_have_count(2)
    expect(page.get_by_test_id("backup-item").first).to_contain_text("restore point")


def test_deleting_a_backup_removes_it_from_the_list(signed_in_page, page_problems, demo_data):
    page = signed_in_page
    page.goto("/data/")
    _backup_now(page)
    backup = BackupRecord.objects.get()

    page.get_by_role("button", name=f"Delete backup {backup.id}").click()
    # The only backup is the last completed one: the dialog asks a second time, saying why.
    page_problems.expect_status(409)
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete backup").click()
    expect(dialog.get_by_test_id("delete-protection")).to_contain_text(
        "This is the last completed backup"
    )
    assert BackupRecord.objects.exists()
    dialog.get_by_role("button", name="Yes, delete it anyway").click()

    expect(page.get_by_test_id("backup-item")).to_have_count(0)
    expect(page.get_by_text("No backups stored yet.")).to_be_visible()
    assert not BackupRecord.objects.exists()


def test_the_schedule_is_saved(signed_in_page):
    page = signed_in_page
    page.goto("/data/")
    expect(page.get_by_test_id("next-backup")).to_have_text("Automatic backups are off.")

    page.get_by_label("Back up automatically").check()
    page.get_by_label("How often").select_option("weekly")
    page.get_by_label("Backups to keep").fill("12")
    page.get_by_role("button", name="Save schedule").click()

    expect(page.get_by_role("status").filter(has_text="Backup schedule saved")).to_be_visible()
    expect(page.get_by_test_id("next-backup")).to_contain_text("due now")
    config = BackupConfig.current()
    assert (config.enabled, config.frequency, config.retention) == (True, "weekly", 12)
    page.reload()
    expect(page.get_by_label("How often")).to_have_value("weekly")
    expect(page.get_by_label("Backups to keep")).to_have_value("12")


def test_the_data_page_on_a_phone(phone_page, demo_data, screenshot):
    page = phone_page
    page.goto("/data/")
    _backup_now(page)

    item = page.get_by_test_id("backup-item")
    expect(item).to_have_count(1)
    restore = item.get_by_role("button", name=re.compile("^Restore backup"))
    restore.scroll_into_view_if_needed()
    expect(restore).to_be_in_viewport(ratio=1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(page, "data-phone")


def test_the_restore_dialog_in_the_dark_theme(signed_in_page, demo_data, screenshot):
    page = signed_in_page
    page.goto("/data/")
    page.evaluate("window.spendsTheme.set('dark')")
    _backup_now(page)

    opener = page.get_by_role("button", name=re.compile("^Restore backup"))
    opener.click()
    dialog = page.get_by_role("dialog", name=re.compile("Restore the backup"))
    expect(dialog.get_by_label("Type RESTORE to confirm")).to_be_focused()
    screenshot(page, "data-restore-dark")
    for _ in range(6):  # keyboard focus goes round the dialog, never to the page behind it
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert BackupRecord.objects.count() == 1
