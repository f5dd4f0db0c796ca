from io import StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from purchases.models import Blob
from purchases.services import attachment_add
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def check(*args):
    out = StringIO()
    call_command("purchases_check_storage", *args, stdout=out)
    return out.getvalue()


def attach(content: bytes, name="receipt.pdf"):
    attachment, _ = attach_to(PurchaseFactory(), content, name)
    return attachment


def attach_to(purchase, content, name):
    return attachment_add(
        purchase=purchase, upload=SimpleUploadedFile(name, content), file_type="receipt"
    )


def test_an_intact_store_passes():
    attach(b"%PDF-1.4 one")
    attach(b"%PDF-1.4 two")
    assert "The attachment store is intact." in check()


def test_a_damaged_store_is_reported_and_fails(api_client):
    lost = attach(b"%PDF-1.4 the receipt that got lost")
    kept = attach(b"%PDF-1.4 still here")
    (settings.MEDIA_ROOT / lost.blob.name).unlink()
    orphan = settings.MEDIA_ROOT / "ab" / "cd" / ("ab" * 32 + ".jpg")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"nobody's photo")
    (settings.MEDIA_ROOT / "notes.txt").write_text("not a blob: ignored")

    with pytest.raises(CommandError) as failure:
        check()

    assert failure.value.returncode == 1
    assert Blob.objects.get(pk=lost.blob.pk).missing
    assert not Blob.objects.get(pk=kept.blob.pk).missing
    assert orphan.exists(), "orphans are removed only when asked"
    listed = api_client.get(f"/api/files/{lost.purchase_id}/").json()
    assert [item["available"] for item in listed] == [False]


def test_the_report_names_what_is_wrong():
    lost = attach(b"%PDF-1.4 gone")
    (settings.MEDIA_ROOT / lost.blob.name).unlink()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("purchases_check_storage", stdout=out)
    assert f"missing file: {lost.blob.name}" in out.getvalue()
    assert "1 missing (1 attachments unavailable)" in out.getvalue()


def test_orphans_are_removed_with_the_flag_and_a_dry_run_changes_nothing():
    attach(b"%PDF-1.4 fine")
    orphan = settings.MEDIA_ROOT / "ef" / "01" / ("ef01" + "0" * 60)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"stray")

    with pytest.raises(CommandError):
        check("--dry-run", "--delete-orphans")
    assert orphan.exists()

    assert "1 orphan files (1 removed)" in check("--delete-orphans")
    assert not orphan.exists()
    assert "The attachment store is intact." in check()


def test_a_file_put_back_makes_its_attachments_available_again():
    attachment = attach(b"%PDF-1.4 restored from a backup")
    path = settings.MEDIA_ROOT / attachment.blob.name
    content = path.read_bytes()
    path.unlink()
    with pytest.raises(CommandError):
        check()
    path.write_bytes(content)
    check()
    assert not Blob.objects.get().missing
