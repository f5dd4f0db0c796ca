"""Text from a picture of a receipt: light clean-up with Pillow, then Tesseract.

The clean-up does what a phone's picture of a receipt needs and nothing costly: turn it upright
(EXIF orientation), greyscale, even out light that falls unevenly across the page (the
background, estimated on a small copy, is taken away), stretch the contrast, and straighten a
page taken a few degrees askew. Tesseract reads lines badly once they slope: a receipt's label
and its amount, far apart on one row, end up on different lines.
"""

import os
import statistics

import pytesseract
from PIL import Image, ImageChops, ImageFilter, ImageOps

# The four languages of the receipts Tesseract is given (their data must be installed).
LANGUAGES = "eng+deu+fra+spa"
# Tesseract reads text best when a capital letter is about 30 pixels high; receipts photographed
# or scanned at a low resolution are enlarged up to this width, and huge photos made smaller.
MIN_WIDTH = 1400
MAX_SIDE = 3000
# Straightening: the angles tried (degrees either way), coarse then fine.
SKEW_LIMIT = 6.0
SKEW_STEP = 0.5
# Page segmentation "single column of text of variable sizes": a receipt's rows are read as
# whole lines, a label with its amount at the other end of the row.
TESSERACT_CONFIG = "--oem 1 --psm 4"


def prepared(picture: Image.Image) -> Image.Image:
    """PICTURE ready for Tesseract: upright, grey, evenly lit, contrasted, straight."""
    picture = ImageOps.exif_transpose(picture).convert("L")
    picture = _resized(picture)
    picture = _evenly_lit(picture)
    picture = ImageOps.autocontrast(picture, cutoff=1)
    angle = skew_angle(picture)
    if angle:
        picture = picture.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return picture


def _resized(picture: Image.Image) -> Image.Image:
    width, height = picture.size
    if width < MIN_WIDTH and max(width, height) * MIN_WIDTH / width <= MAX_SIDE:
        factor = MIN_WIDTH / width
    elif max(width, height) > MAX_SIDE:
        factor = MAX_SIDE / max(width, height)
    else:
        return picture
    return picture.resize((round(width * factor), round(height * factor)), Image.LANCZOS)


def _evenly_lit(picture: Image.Image) -> Image.Image:
    """PICTURE with its background light made even: the background is the brightest of each
    neighbourhood on a small copy (ink is thinner than the neighbourhood), blurred and enlarged;
    what is darker than it is ink, set on white."""
    small = picture.resize((max(1, picture.width // 8), max(1, picture.height // 8)), Image.BOX)
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(4))
    background = background.resize(picture.size, Image.BILINEAR)
    return ImageOps.invert(ImageChops.subtract(background, picture))


def skew_angle(picture: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that makes PICTURE's lines of text level.

    Rows of text make the darkness of the picture's rows vary most when they are level: the
    angle whose row profile varies most wins (a projection profile, on a small copy)."""
    scale = 600 / max(picture.size)
    small = picture.resize((round(picture.width * scale), round(picture.height * scale)))
    ink = ImageOps.invert(small.point(lambda value: 0 if value < 160 else 255))

    def spread(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.BILINEAR, expand=False)
        profile = list(turned.resize((1, turned.height), Image.BOX).getdata())
        return statistics.pvariance(profile)

    coarse = [
        step * SKEW_STEP
        for step in range(-int(SKEW_LIMIT / SKEW_STEP), int(SKEW_LIMIT / SKEW_STEP) + 1)
    ]
    best = max(coarse, key=spread)
    fine = [best + offset / 10 for offset in range(-4, 5)]
    best = max(fine, key=spread)
    return 0.0 if abs(best) < 0.2 else best


def ocr_lines(picture: Image.Image) -> list[str]:
    """The lines of text Tesseract reads in PICTURE (cleaned up first)."""
    text = pytesseract.image_to_string(prepared(picture), lang=LANGUAGES, config=TESSERACT_CONFIG)
    return text.splitlines()


def tesseract_available() -> bool:
    """Whether the tesseract program and the four languages' data are installed."""
    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        return False
    return set(LANGUAGES.split("+")) <= installed


# Tesseract's own threads fight with each other and with the web server's for two cores: one
# page is read by one thread (several pages or receipts are read by several processes).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
