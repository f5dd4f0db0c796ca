"""Small real images made with Pillow, for the thumbnails' tests and the browser tests."""

import io

from PIL import Image


def image_bytes(
    width: int = 64, height: int = 48, fmt: str = "PNG", color=(208, 48, 48), orientation=None
) -> bytes:
    """An image WIDTH x HEIGHT of one colour with a white top-left quarter (to see turns).

    ORIENTATION (JPEG) is the EXIF orientation tag to write: 6 means "turn a quarter clockwise
    to show", as phones write for a picture taken upright.
    """
    image = Image.new("RGB", (width, height), color)
    image.paste((255, 255, 255), (0, 0, width // 2, height // 2))
    out = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, fmt, exif=exif.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()
