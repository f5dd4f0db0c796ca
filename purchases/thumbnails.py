"""Thumbnails of image attachments, made once per content and size (docs/purchases.md §2).

A thumbnail is named after its blob's SHA-256 and its size (`thumbnails/<h[0:2]>/<h>-<size>.webp`)
in the same `default` storage as the blobs, so every attachment of the same content, on any
purchase, reads the one file, and a thumbnail never changes once made: it is served with long
cache headers. Content Pillow cannot read (not an image, a damaged file, a format it does not
know, or one over `Image.MAX_IMAGE_PIXELS`) gets an empty marker file beside it instead, so that
it is not decoded again on every page; it has no thumbnail and the pages show a type icon.

Thumbnails leave with their blob: `purchases.services.attachments_delete`, the one place blobs
are released, deletes `thumbnail_names(sha256)` with the blob's file.
"""

import io
import logging
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from purchases.blobs import store_file
from purchases.models import Blob

logger = logging.getLogger(__name__)

# The inventory's rows and the item page's attachments (96), and the item page's gallery (320).
SIZES = (96, 320)
# Types Pillow decodes that browsers also show; anything else gets the type icon at once.
THUMBNAIL_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
CONTENT_TYPE = "image/webp"
_NO_THUMBNAIL = ".none"
_QUALITY = 80


def thumbnail_name(sha256: str, size: int, *, marker: bool = False) -> str:
    suffix = _NO_THUMBNAIL if marker else ".webp"
    return f"thumbnails/{sha256[:2]}/{sha256}-{size}{suffix}"


def thumbnail_names(sha256: str) -> list[str]:
    """Every file the thumbnails of content SHA256 may have left, markers included."""
    return [
        thumbnail_name(sha256, size, marker=marker) for size in SIZES for marker in (False, True)
    ]


def has_thumbnail(mime_type: str) -> bool:
    """Whether an attachment of MIME_TYPE is worth asking a thumbnail of (the pages' test)."""
    return mime_type in THUMBNAIL_TYPES


def thumbnail_get(blob: Blob, size: int) -> str | None:
    """Return the storage name of BLOB's thumbnail SIZE pixels wide and high at most, making it
    the first time; None when the content has no thumbnail.

    Making one reads the blob's file (a missing file is None, and nothing is remembered, so
    that a file put back is thumbnailed later).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    name = thumbnail_name(blob.sha256, size)
    if default_storage.exists(name):
        return name
    marker = thumbnail_name(blob.sha256, size, marker=True)
    if default_storage.exists(marker):
        return None
    try:
        with default_storage.open(blob.name, "rb") as source:
            content = render_thumbnail(source, size)
    except (FileNotFoundError, OSError):
        logger.warning("No file for blob %s: no thumbnail", blob.name)
        return None
    if content is None:
        store_file(marker, ContentFile(b""))
        return None
    store_file(name, ContentFile(content))
    return name


def render_thumbnail(source, size: int) -> bytes | None:
    """Return SOURCE (a binary file) as a WebP image within SIZE x SIZE pixels, turned the way
    its EXIF orientation says; None when Pillow cannot read it or it is too large to decode.
    """
    try:
        with warnings.catch_warnings():
            # Over MAX_IMAGE_PIXELS Pillow only warns, up to twice that; refuse it at once.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                image.draft("RGB", (size, size))  # JPEG decodes at a smaller scale: much faster
                image = ImageOps.exif_transpose(image)
                image.thumbnail((size, size), Image.Resampling.LANCZOS)
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA" if image.has_transparency_data else "RGB")
                out = io.BytesIO()
                image.save(out, "WEBP", quality=_QUALITY, method=4)
                return out.getvalue()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        # Damaged and truncated files raise OSError (or SyntaxError from some decoders).
        logger.info("No thumbnail: %s", error)
        return None
