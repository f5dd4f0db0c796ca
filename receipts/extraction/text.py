"""A receipt's text, line by line, whatever the file: `receipt_text(path_or_file, mime_type)`.

- PDF: each page's text layer (pdfplumber); a page without one (a scan) is drawn as a picture
  (pypdfium2) and read by Tesseract (`ocr.py`).
- PNG, JPEG, WebP (and other pictures Pillow opens): Tesseract, after the clean-up of `ocr.py`.
- HTML: the text of the page, a line per block (paragraph, row, list item, line break).
- E-mail (`message/rfc822`, an .eml file): its From, Subject and Date headers as the first
  lines ("From: Shop <orders@shop.example>"), then the text of its HTML body (or its plain
  text). A forwarded order keeps the original's headers in its body, and they are read there.

The answer, `ReceiptText`, keeps the lines in reading order (blank ones dropped), how they were
read (`method`: "pdf-text", "ocr", "html", "email"), the number of pages and the seconds spent.
"""

import email
import email.policy
import io
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

import pdfplumber
import pypdfium2
from PIL import Image, UnidentifiedImageError

from receipts.extraction.errors import ReceiptUnreadable, UnsupportedReceipt
from receipts.extraction.ocr import ocr_lines

PDF = "application/pdf"
HTML = "text/html"
EMAIL = "message/rfc822"
IMAGES = ("image/png", "image/jpeg", "image/webp", "image/tiff", "image/bmp", "image/gif")
SUPPORTED_TYPES = (PDF, HTML, EMAIL, *IMAGES)
# Pages read at most: a receipt or an invoice is one or two pages; the rest of a long document
# (terms and conditions) costs OCR time and adds nothing.
MAX_PAGES = 3
# A page whose text layer has fewer characters than this is a scan (some scanners add a few
# characters of their own, such as a page number).
MIN_TEXT_LAYER_CHARACTERS = 20
# Pages without a text layer are drawn at this many pixels per point (72 points an inch), about
# 220 dots an inch: enough for Tesseract on a receipt's small print, quick to read.
PDF_RENDER_SCALE = 3.0


@dataclass(frozen=True)
class ReceiptText:
    """The lines of a receipt, in reading order, and how they were read."""

    lines: tuple[str, ...]
    method: str
    pages: int = 1
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def receipt_text(path_or_file: str | Path | BinaryIO, mime_type: str) -> ReceiptText:
    """The text of the receipt in PATH_OR_FILE (a path, or a binary file open for reading) whose
    type is MIME_TYPE. Raises UnsupportedReceipt, ReceiptUnreadable, or OcrUnavailable when
    a picture or a scan needs Tesseract and it is not installed."""
    mime_type = mime_type.split(";")[0].strip().lower()
    if mime_type not in SUPPORTED_TYPES:
        raise UnsupportedReceipt(f"Receipts are not read from {mime_type or 'unknown'} files.")
    data = _data(path_or_file)
    started = time.perf_counter()
    if mime_type == PDF:
        lines, method, pages = _pdf_lines(data)
    elif mime_type == HTML:
        lines, method, pages = html_lines(data.decode("utf-8", "replace")), "html", 1
    elif mime_type == EMAIL:
        lines, method, pages = email_lines(data), "email", 1
    else:
        lines, method, pages = ocr_lines(_picture(data)), "ocr", 1
    kept = tuple(" ".join(line.split()) for line in lines if line.strip())
    return ReceiptText(kept, method, pages, time.perf_counter() - started)


def _data(path_or_file) -> bytes:
    if isinstance(path_or_file, str | Path):
        return Path(path_or_file).read_bytes()
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    return path_or_file.read()


def _picture(data: bytes) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (UnidentifiedImageError, OSError) as error:
        raise ReceiptUnreadable("The picture cannot be opened.") from error
    return picture


def _pdf_lines(data: bytes) -> tuple[list[str], str, int]:
    """Each page's text layer, or its OCR when it has none; "ocr" if any page needed it."""
    lines, method = [], "pdf-text"
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds of errors for a damaged file
        raise ReceiptUnreadable("The PDF cannot be opened.") from error
    with document:
        pages = document.pages[:MAX_PAGES]
        for number, page in enumerate(pages):
            text = page.extract_text() or ""
            if len(text.strip()) >= MIN_TEXT_LAYER_CHARACTERS:
                lines += text.splitlines()
            else:
                lines += ocr_lines(_pdf_page_picture(data, number))
                method = "ocr"
        return lines, method, len(pages)


def _pdf_page_picture(data: bytes, number: int) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[number].render(scale=PDF_RENDER_SCALE, grayscale=True).to_pil()
    finally:
        document.close()


class _TextOfHtml(HTMLParser):
    """The text of an HTML page, a line per block; scripts and styles left out."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    CELLS = {"td", "th"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in self.CELLS:
            self.parts.append("  ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in self.CELLS or tag == "span":
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_lines(markup: str) -> list[str]:
    """The lines of text of the HTML page MARKUP."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts).splitlines()


def email_lines(data: bytes) -> list[str]:
    """An e-mail's From, Subject and Date, then the text of its body (HTML preferred)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    lines = [f"{name}: {message[name]}" for name in ("From", "Subject", "Date") if message[name]]
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        return lines
    content = body.get_content()
    if body.get_content_subtype() == "html":
        return lines + html_lines(content)
    return lines + content.splitlines()
