"""Thumbnails of image attachments: made once per content and size, turned by EXIF, refused for
what Pillow cannot or should not read, served to members with long cache headers, and gone with
their blob (purchases/thumbnails.py, docs/purchases.md §2)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Membership, Role
from purchases.models import Attachment, Blob, FileType
from purchases.services import attachment_add, attachments_delete, purchase_delete
from purchases.tests.factories import PurchaseFactory
from purchases.tests.images import image_bytes
from purchases.thumbnails import render_thumbnail, thumbnail_get, thumbnail_name

pytestmark = pytest.mark.django_db


def attach(purchase, content: bytes, name: str, file_type=FileType.PHOTO) -> Attachment:
    attachment, _ = attach_both(purchase, content, name, file_type)
    return attachment


def attach_both(purchase, content, name, file_type=FileType.PHOTO):
    return attachment_add(
        purchase=purchase, upload=SimpleUploadedFile(name, content), file_type=file_type
    )


def opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def test_a_png_is_shrunk_within_the_size_keeping_its_shape():
    content = render_thumbnail(io.BytesIO(image_bytes(640, 400)), 96)

    image = opened(content)
    assert image.format == "WEBP"
    assert image.size == (96, 60)


def test_a_small_image_is_not_enlarged():
    assert opened(render_thumbnail(io.BytesIO(image_bytes(40, 30)), 320)).size == (40, 30)


def test_a_jpeg_is_turned_the_way_its_exif_orientation_says():
    # Stored 80 wide and 40 high with "turn a quarter clockwise": shown 40 wide and 80 high,
    # the white quarter (stored top left) now top right.
    content = image_bytes(80, 40, fmt="JPEG", orientation=6)

    image = opened(render_thumbnail(io.BytesIO(content), 320)).convert("RGB")

    assert image.size == (40, 80)
    assert min(image.getpixel((35, 5))) > 200  # white
    assert image.getpixel((5, 5))[1] < 100  # red


def test_a_transparent_png_keeps_its_transparency():
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")

    assert opened(render_thumbnail(io.BytesIO(out.getvalue()), 96)).mode == "RGBA"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 not an image",
        image_bytes(fmt="PNG")[:60],  # cut short: the header reads, the pixels do not
        b"\x89PNG\r\n\x1a\n" + bytes(40),  # a PNG signature and nothing behind it
        b"",
    ],
    ids=["pdf", "truncated-png", "corrupt-png", "empty"],
)
def test_what_pillow_cannot_read_has_no_thumbnail(content):
    assert render_thumbnail(io.BytesIO(content), 96) is None


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    assert render_thumbnail(io.BytesIO(image_bytes(40, 30)), 96) is None  # 1,200 pixels
    assert render_thumbnail(io.BytesIO(image_bytes(30, 30)), 96) is not None  # 900 pixels


def test_a_thumbnail_is_made_once_per_content_and_size_and_shared():
    content = image_bytes(300, 200)
    first = attach(PurchaseFactory(), content, "a.png")
    second = attach(PurchaseFactory(), content, "b.png")
    assert first.blob_id == second.blob_id

    name = thumbnail_get(first.blob, 96)
    assert name == thumbnail_name(first.blob.sha256, 96)
    made = default_storage.get_modified_time(name)

    assert thumbnail_get(second.blob, 96) == name
    assert default_storage.get_modified_time(name) == made
    assert thumbnail_get(second.blob, 320) != name
    assert opened(default_storage.open(name).read()).size == (96, 64)


def test_content_without_a_thumbnail_is_decoded_once(monkeypatch):
    attachment = attach(PurchaseFactory(), b"\x89PNG\r\n\x1a\n" + bytes(40), "broken.png")
    calls = []
    from purchases import thumbnails

    real = thumbnails.render_thumbnail
    monkeypatch.setattr(thumbnails, "render_thumbnail", lambda *a: calls.append(a) or real(*a))

    assert thumbnail_get(attachment.blob, 96) is None
    assert thumbnail_get(attachment.blob, 96) is None
    assert len(calls) == 1


def test_a_blob_without_its_file_has_no_thumbnail_and_nothing_is_remembered():
    attachment = attach(PurchaseFactory(), image_bytes(), "lost.png")
    default_storage.delete(attachment.blob.name)

    assert thumbnail_get(attachment.blob, 96) is None
    assert not default_storage.exists(thumbnail_name(attachment.blob.sha256, 96, marker=True))


def test_thumbnails_go_with_their_blob(django_capture_on_commit_callbacks):
    content = image_bytes()
    purchase, other = PurchaseFactory(), PurchaseFactory()
    kept = attach(purchase, content, "a.png")
    attach(other, content, "b.png")
    broken = attach(purchase, b"\x89PNG\r\n\x1a\n" + bytes(40), "broken.png")
    names = [thumbnail_get(kept.blob, 96), thumbnail_get(kept.blob, 320)]
    thumbnail_get(broken.blob, 96)
    marker = thumbnail_name(broken.blob.sha256, 96, marker=True)
    assert default_storage.exists(marker)

    with django_capture_on_commit_callbacks(execute=True):
        purchase_delete(purchase=purchase)
    # The content is still another purchase's: its thumbnails stay; the broken file's go.
    assert all(default_storage.exists(name) for name in names)
    assert not default_storage.exists(marker)

    with django_capture_on_commit_callbacks(execute=True):
        attachments_delete(attachments=Attachment.objects.all())
    assert not any(default_storage.exists(name) for name in names)
    assert not Blob.objects.exists()


# --- The route ----------------------------------------------------------------------------------

URL = "/api/files/file/{}/thumbnail"


def test_members_get_the_thumbnail_with_long_cache_headers(client, django_user_model):
    attachment = attach(PurchaseFactory(), image_bytes(500, 500), "big.png")
    viewer = django_user_model.objects.create_user(username="viewer")
    Membership.objects.create(user=viewer, role=Role.VIEWER)
    client.force_login(viewer)

    response = client.get(URL.format(attachment.pk), {"size": 320})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert opened(b"".join(response.streaming_content)).size == (320, 320)


def test_the_route_needs_a_member(client, django_user_model):
    attachment = attach(PurchaseFactory(), image_bytes(), "a.png")

    assert client.get(URL.format(attachment.pk)).status_code == 401
    client.force_login(django_user_model.objects.create_user(username="nobody"))
    assert client.get(URL.format(attachment.pk)).status_code == 403


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"%PDF-1.4 receipt", "receipt.pdf"), (b"\x89PNG\r\n\x1a\n" + bytes(40), "broken.png")],
)
def test_a_file_without_a_thumbnail_answers_404_with_a_sentence(owner_client, content, name):
    attachment = attach(PurchaseFactory(), content, name, FileType.RECEIPT)

    response = owner_client.get(URL.format(attachment.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "This file has no thumbnail"}


def test_an_unknown_size_or_file_is_refused(owner_client):
    attachment = attach(PurchaseFactory(), image_bytes(), "a.png")

    response = owner_client.get(URL.format(attachment.pk), {"size": 1000})
    assert response.status_code == 400
    assert response.json() == {"detail": "size must be one of: 96, 320"}
    missing = "0b9f2a4e-5c1d-4e8a-9f3b-6d7c8e9fa0b1"
    assert owner_client.get(URL.format(missing)).json() == {"detail": "File not found"}
