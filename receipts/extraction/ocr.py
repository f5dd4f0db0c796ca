"""Text from a picture of a receipt: light clean-up with Pillow, then Tesseract.

The clean-up does what a phone's picture of a receipt needs and nothing costly: turn it upright
(EXIF orientation), greyscale, even out light that falls unevenly across the page (the
background, estimated on a small copy, is taken away), stretch the contrast, and straighten a
page taken a few degrees askew. Tesseract reads lines badly once they slope: a receipt's label
and its amount, far apart on one row, end up on different lines.
"""

import os
import statistics
from dataclasses import dataclass

import pytesseract
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from receipts.extraction.errors import OcrUnavailable, ReceiptUnreadable

# The four languages of the receipts Tesseract is given (their data must be installed).
LANGUAGES = "eng+deu+fra+spa"
# Tesseract reads best when a line of text is about 30 pixels high (ascenders to descenders):
# a receipt is scaled to that, from a small scan's tiny print as from a phone's close-up. Huge
# photos are first made smaller, so that the clean-up stays quick.
LINE_HEIGHT = 30
MAX_SIDE = 2500
# Straightening: the angles tried (degrees either way), coarse then fine.
SKEW_LIMIT = 6.0
SKEW_STEP = 0.5
# Page segmentation "a single uniform block of text": a receipt's rows are read as whole lines,
# a label with its amount at the other end of the row (the automatic segmentation splits them
# into columns, and reads a till roll's rows between dashed rules less well).
TESSERACT_CONFIG = "--oem 1 --psm 6"
# A page Tesseract has not read in this many seconds is given up on (a normal one takes one
# to three): a background worker must not hang on one picture.
OCR_SECONDS = 60
# Tesseract's confidence in a word (0-100) below which it is left out.
MIN_CONFIDENCE = 30
# The same for the lines read again at the top and the bottom of the page (below): a shop's
# name or a total in large print is read surely, the shadows and edges of a photo are not.
EDGE_CONFIDENCE = 75
EDGE_SCALE = 0.6
# ...and in English alone: loading a language's models takes a tenth of a second each time,
# and a shop's name or a total's line are read as well without the others.
EDGE_LANGUAGES = "eng"


def prepared(picture: Image.Image) -> Image.Image:
    """PICTURE ready for Tesseract: upright, grey, evenly lit, contrasted, straight."""
    picture = ImageOps.exif_transpose(picture).convert("L")
    if max(picture.size) > MAX_SIDE:
        picture = _scaled(picture, MAX_SIDE / max(picture.size))
    picture = _evenly_lit(picture)
    picture = ImageOps.autocontrast(picture, cutoff=1)
    angle = skew_angle(picture)
    if angle:
        picture = picture.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    height = line_height(picture)
    if height:
        picture = _without_rules(picture, height)
        picture = _scaled(picture, min(3.0, max(0.4, LINE_HEIGHT / height)))
    return picture


def _scaled(picture: Image.Image, factor: float) -> Image.Image:
    if abs(factor - 1) < 0.1:
        return picture
    size = (round(picture.width * factor), round(picture.height * factor))
    return picture.resize(size, Image.LANCZOS)


def _ink_runs(picture: Image.Image) -> list[tuple[int, int]]:
    """(first row, height, peak) of each run of rows that hold ink in PICTURE's middle (its edges
    may show the table it lay on): one per line of text once the lines are level, and one per
    rule. The peak is the most ink of its rows (255: all ink)."""
    middle = picture.crop((picture.width // 6, 0, picture.width * 5 // 6, picture.height))
    ink = middle.point(lambda value: 255 if value < 128 else 0)
    profile = list(ink.resize((1, ink.height), Image.BOX).tobytes())
    runs, start = [], None
    for row, value in enumerate([*profile, 0]):
        if value > 1 and start is None:
            start = row
        elif value <= 1 and start is not None:
            runs.append((start, row - start, max(profile[start:row])))
            start = None
    return runs


def line_height(picture: Image.Image) -> int | None:
    """The usual height in pixels of PICTURE's lines of text (level ones), or None; rules and
    specks make runs of ink too thin to count."""
    heights = [height for _, height, _ in _ink_runs(picture) if height >= 5]
    return round(statistics.median(heights)) if len(heights) >= 3 else None


def _without_rules(picture: Image.Image, height: int) -> Image.Image:
    """PICTURE with its horizontal rules (runs of ink far thinner than a line of text and as
    long as a good part of it, with blank rows around them) painted white: Tesseract takes a
    rule for a line of text and loses the rows next to it."""
    # A rule is thin and crosses much of the page: a third of a dashed one's row is ink, where
    # the thin slice of a line of text (a comma, an accent) has little.
    runs = _ink_runs(picture)
    most = max(2, height // 4)
    thin = [(start, rows) for start, rows, peak in runs if rows <= most and peak >= 70]
    if not thin:
        return picture
    picture = picture.copy()
    draw = ImageDraw.Draw(picture)
    for start, rows in thin:
        draw.rectangle((0, start - 1, picture.width, start + rows), fill=255)
    return picture


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
        profile = list(turned.resize((1, turned.height), Image.BOX).tobytes())
        return statistics.pvariance(profile)

    coarse = [
        step * SKEW_STEP
        for step in range(-int(SKEW_LIMIT / SKEW_STEP), int(SKEW_LIMIT / SKEW_STEP) + 1)
    ]
    best = max(coarse, key=spread)
    fine = [best + offset / 10 for offset in range(-4, 5)]
    best = max(fine, key=spread)
    return 0.0 if abs(best) < 0.2 else best


@dataclass(frozen=True)
class _Line:
    top: int
    bottom: int
    text: str


def ocr_lines(picture: Image.Image) -> list[str]:
    """The lines of text Tesseract reads in PICTURE (cleaned up first).

    Tesseract's single-block reading drops lines in much larger print than the rest, which on a
    receipt are the shop's name at the top and the total at the bottom: the top and the bottom
    quarters of the page are read again on their own, and the lines they find where the whole
    page's reading found none are added in their place."""
    page = prepared(picture)
    lines = _read(page, MIN_CONFIDENCE)
    for line in _edges_read(page):
        middle = (line.top + line.bottom) / 2
        if not any(other.top <= middle <= other.bottom for other in lines):
            lines.append(line)
    return [line.text for line in sorted(lines, key=lambda line: line.top)]


def _edges_read(page: Image.Image) -> list[_Line]:
    """The lines of PAGE's top and bottom quarters, each read on its own."""
    quarter = max(1, page.height // 4)
    lines = []
    for top in (0, page.height - quarter):
        # Large print is read as well smaller, and a smaller picture is read sooner.
        edge = _scaled(page.crop((0, top, page.width, top + quarter)), EDGE_SCALE)
        lines += _read(
            edge, EDGE_CONFIDENCE, offset=top, scale=edge.height / quarter, lang=EDGE_LANGUAGES
        )
    return lines


def _read(
    picture: Image.Image,
    min_confidence: float,
    offset: int = 0,
    scale: float = 1.0,
    lang: str = LANGUAGES,
) -> list[_Line]:
    """Tesseract's lines of PICTURE, a part of the page OFFSET pixels down it, SCALE times its
    size. Words it is unsure of (below MIN_CONFIDENCE) are left out: they are mostly what it
    makes of the table around a photographed receipt, of its shadows and its rules."""
    try:
        data = pytesseract.image_to_data(
            picture,
            lang=lang,
            config=TESSERACT_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=OCR_SECONDS,
        )
    except pytesseract.TesseractNotFoundError as error:
        raise OcrUnavailable("Tesseract is not installed: pictures cannot be read.") from error
    except pytesseract.TesseractError as error:
        # Tesseract says so when a language's data is missing.
        raise OcrUnavailable(f"Tesseract cannot read {LANGUAGES}: {error}") from error
    except RuntimeError as error:  # pytesseract's time limit
        raise ReceiptUnreadable("The picture took too long to read.") from error
    words: dict[tuple, list[int]] = {}
    for index, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][index]) >= min_confidence:
            key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
            words.setdefault(key, []).append(index)
    return [
        _Line(
            offset + round(min(data["top"][i] for i in indexes) / scale),
            offset + round(max(data["top"][i] + data["height"][i] for i in indexes) / scale),
            " ".join(data["text"][i] for i in indexes),
        )
        for indexes in words.values()
    ]


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
