"""What reading a receipt can fail with: all are ValueErrors or RuntimeErrors with a sentence."""


class UnsupportedReceipt(ValueError):
    """The file's type is not one receipts are read from."""


class ReceiptUnreadable(ValueError):
    """The file claims a supported type but cannot be opened or read as one (a damaged file, a
    picture Tesseract gave up on within its time)."""


class OcrUnavailable(RuntimeError):
    """Tesseract, or the data of one of its four languages, is not installed: a setup problem,
    not the file's (text-layer PDFs, HTML and e-mails are still read)."""
