"""Reading receipts: a receipt's text, then the purchase's fields in that text (docs/receipts.md).

Two calls, used in this order by whatever holds the file (a job, an e-mail poller, a test):

    text = receipt_text(path_or_file, mime_type)           # ReceiptText: lines, how they were read
    fields = read_fields(text, known_retailers=names,      # ExtractedFields: each field with its
                         known_brands=brands)              # confidence (0-1) and source line

`receipt_text` raises `UnsupportedReceipt` for a type it cannot read, `ReceiptUnreadable` for a
file it cannot open or read, and `OcrUnavailable` when a picture needs Tesseract and it is not
installed. Neither call touches the database: the caller passes the household's
retailer and brand names.
"""

from receipts.extraction.errors import OcrUnavailable, ReceiptUnreadable, UnsupportedReceipt
from receipts.extraction.fields import ExtractedFields, Field, LineItem, read_fields
from receipts.extraction.text import SUPPORTED_TYPES, ReceiptText, receipt_text

__all__ = [
    "SUPPORTED_TYPES",
    "ExtractedFields",
    "Field",
    "LineItem",
    "OcrUnavailable",
    "ReceiptText",
    "ReceiptUnreadable",
    "UnsupportedReceipt",
    "read_fields",
    "receipt_text",
]
