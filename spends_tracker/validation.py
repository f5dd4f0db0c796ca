"""Validation messages in the user's words: the one table of wording (docs/forms.md §1).

The API's 422 answers keep their shape, a list of `{type, loc, msg}` (docs/api.md §2.6); `msg`
is written here from the field (the last part of `loc`) and the error's type, so that the
pages show it under the field as it is, and API clients read the same sentence.
"""

# (field, error type) → the sentence. Looked up first; "*" stands for any field.
FIELD_MESSAGES = {
    ("product_name", "missing"): "A product name is required.",
    ("product_name", "string_too_short"): "A product name is required.",
    ("product_name", "empty"): "A product name is required.",
    ("product_name", "string_type"): "A product name is required.",
    ("price", "missing"): "Enter a price, e.g. 12.99.",
    ("price", "decimal_parsing"): "Enter a price, e.g. 12.99.",
    ("price", "decimal_type"): "Enter a price, e.g. 12.99.",
    ("price", "not_positive"): "Enter a price above 0, e.g. 12.99.",
    ("price", "money_too_large"): "Enter a price of at most 99999999.99.",
    ("quantity", "greater_than_equal"): "Enter a quantity of 1 or more.",
    ("quantity", "int_parsing"): "Enter a quantity as a whole number, e.g. 1.",
    ("quantity", "int_from_float"): "Enter a quantity as a whole number, e.g. 1.",
    ("retailer_id", "uuid_parsing"): "Choose a retailer or type a new one.",
    ("retailer_id", "uuid_type"): "Choose a retailer or type a new one.",
    ("brand_id", "uuid_parsing"): "Choose a brand or type a new one.",
    ("brand_id", "uuid_type"): "Choose a brand or type a new one.",
    ("currency_code", "string_too_long"): "Choose a currency from the list.",
    ("status", "enum"): "Choose a status from the list.",
    ("duration_months", "greater_than_equal"): "Enter a number of months of 1 or more.",
    ("duration_months", "less_than_equal"): "Enter a number of months of at most 1200.",
    ("duration_months", "int_parsing"): "Enter the number of months as a whole number.",
    ("tax_deductible", "less_than_equal"): "Send 0 or 1 (or false or true).",
    ("tax_deductible", "greater_than_equal"): "Send 0 or 1 (or false or true).",
    ("tax_deductible", "int_parsing"): "Send 0 or 1 (or false or true).",
    ("*", "missing"): "{Label} is required.",
    ("*", "empty"): "{Label} is required.",
    ("*", "string_too_short"): "{Label} is required.",
    ("*", "string_too_long"): "Keep the {label} to {max_length} characters or fewer.",
    ("*", "date_missing"): "Enter the {label}.",
    ("*", "date_format"): "Enter the {label} as YYYY-MM-DD.",
    ("*", "date_parsing"): "Enter the {label} as YYYY-MM-DD.",
    ("*", "date_from_datetime_parsing"): "Enter the {label} as YYYY-MM-DD.",
    ("*", "uuid_parsing"): "Choose a {label} from the list.",
    ("*", "int_parsing"): "Enter the {label} as a whole number.",
    ("*", "int_type"): "Enter the {label} as a whole number.",
    ("*", "greater_than_equal"): "Enter a {label} of at least {ge}.",
    ("*", "less_than_equal"): "Enter a {label} of at most {le}.",
    ("*", "enum"): "Choose one of {expected}.",
    ("*", "literal_error"): "Choose one of {expected}.",
    ("*", "bool_parsing"): "Answer with true or false.",
    ("*", "end_and_duration"): "Give either an end date or a number of months, not both.",
    ("*", "end_missing"): "Enter an end date or a number of months.",
}

# How a field is named inside a sentence; a field not listed is named after itself.
FIELD_LABELS = {
    "product_name": "product name",
    "purchase_date": "purchase date",
    "return_deadline": "return date",
    "warranty_expiry": "warranty end date",
    "warranty_start": "start date",
    "warranty_end": "end date",
    "retailer_id": "retailer",
    "brand_id": "brand",
    "currency_code": "currency",
    "model_number": "model number",
    "serial_number": "serial number",
    "retailer_order_number": "order number",
    "return_policy": "return policy",
    "warranty_type": "warranty type",
    "duration_months": "number of months",
    "tax_deductible": "tax deductible flag",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ")) or "value"


def _sentence(text: str) -> str:
    """A validator's own sentence, without pydantic's "Value error, " and with a full stop.

    Not capitalised here: such a sentence may start with what was sent ("usx is not a currency
    code…"); the validators write their own capitals.
    """
    text = str(text or "").removeprefix("Value error, ").strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def readable_message(item: dict) -> str:
    """Return the sentence for one validation ITEM (`{type, loc, msg, ctx?}`)."""
    loc = item.get("loc") or []
    field = str(loc[-1]) if loc else ""
    kind = item.get("type", "")
    if field in {"", "body", "payload"}:
        field = ""  # the whole body: a rule between fields, like a warranty's end or length
    template = FIELD_MESSAGES.get((field, kind)) or FIELD_MESSAGES.get(("*", kind))
    if template is None:
        return _sentence(item.get("msg", ""))
    label = field_label(field)
    values = dict(item.get("ctx") or {})
    try:
        return template.format(label=label, Label=label[0].upper() + label[1:], **values)
    except (KeyError, IndexError, ValueError):
        return _sentence(item.get("msg", ""))


def readable_errors(errors: list[dict]) -> list[dict]:
    """Return ERRORS with each `msg` replaced by its sentence (the rest kept as it was)."""
    return [{**item, "msg": readable_message(item)} for item in errors]
