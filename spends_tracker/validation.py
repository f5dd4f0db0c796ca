"""Validation messages in the user's words: the one table of wording (docs/forms.md §1).

The API's 422 answers keep their shape, a list of `{type, loc, msg}` (docs/api.md §2.6); `msg`
is written here from the field (the last part of `loc`) and the error's type, so that the
pages show it under the field as it is, and API clients read the same sentence.

The sentences are in the request's language (docs/i18n.md §3). How a field's name goes into a
sentence, decided once for every language:

- A field with sentences of its own (the price, the product name, the quantity…) has whole
  sentences, one per kind of error, translated as they are.
- Every other field shares one sentence per kind of error, with the field's name as the named
  placeholder `%(label)s`. English keeps its sentences ("Enter the %(label)s as YYYY-MM-DD.");
  the other languages lead with the name and a colon ("%(label)s: Datum im Format JJJJ-MM-TT
  eingeben."), so that no article or case has to agree with the noun (German's genders,
  French's and Spanish's articles, Dutch's de/het).
- A label is translated on its own (context "field"), as it reads inside a sentence: lower case
  in English, French, Spanish and Dutch, a capital in German, where nouns have one. The
  finished sentence gets a capital first letter, so a label may start it in any language.
- The lists pydantic names ("Choose one of 'a', 'b' or 'c'.") are joined again with the
  language's "or".
- An error type this table does not know keeps pydantic's own sentence in English, which names
  the problem precisely; in the other languages it becomes `_NOT_VALID` with the field's name,
  since pydantic speaks only English. The validators' own sentences (type "value_error") are
  already in the request's language.
"""

import re

from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

# (field, error type) → the sentence. Looked up first; "*" stands for any field.
_PRODUCT_NAME_REQUIRED = gettext_lazy("A product name is required.")
_PRICE_EXAMPLE = gettext_lazy("Enter a price, e.g. 12.99.")
_QUANTITY_WHOLE = gettext_lazy("Enter a quantity as a whole number, e.g. 1.")
_RETAILER_CHOICE = gettext_lazy("Choose a retailer or type a new one.")
_BRAND_CHOICE = gettext_lazy("Choose a brand or type a new one.")
_FLAG = gettext_lazy("Send 0 or 1 (or false or true).")
_REQUIRED = gettext_lazy("%(label)s is required.")
_DATE_FORMAT = gettext_lazy("Enter the %(label)s as YYYY-MM-DD.")
_WHOLE_NUMBER = gettext_lazy("Enter the %(label)s as a whole number.")
_CHOOSE_ONE = gettext_lazy("Choose one of %(expected)s.")
_NOT_VALID = gettext_lazy("%(label)s: this value is not valid.")
# The validators' own sentences, written in the request's language where they are raised.
_OWN_SENTENCES = {"value_error", "assertion_error"}

FIELD_MESSAGES = {
    ("product_name", "missing"): _PRODUCT_NAME_REQUIRED,
    ("product_name", "string_too_short"): _PRODUCT_NAME_REQUIRED,
    ("product_name", "empty"): _PRODUCT_NAME_REQUIRED,
    ("product_name", "string_type"): _PRODUCT_NAME_REQUIRED,
    ("price", "missing"): _PRICE_EXAMPLE,
    ("price", "decimal_parsing"): _PRICE_EXAMPLE,
    ("price", "decimal_type"): _PRICE_EXAMPLE,
    ("price", "not_positive"): gettext_lazy("Enter a price above 0, e.g. 12.99."),
    ("price", "money_too_large"): gettext_lazy("Enter a price of at most 99999999.99."),
    ("quantity", "greater_than_equal"): gettext_lazy("Enter a quantity of 1 or more."),
    ("quantity", "int_parsing"): _QUANTITY_WHOLE,
    ("quantity", "int_from_float"): _QUANTITY_WHOLE,
    ("retailer_id", "uuid_parsing"): _RETAILER_CHOICE,
    ("retailer_id", "uuid_type"): _RETAILER_CHOICE,
    ("brand_id", "uuid_parsing"): _BRAND_CHOICE,
    ("brand_id", "uuid_type"): _BRAND_CHOICE,
    ("currency_code", "string_too_long"): gettext_lazy("Choose a currency from the list."),
    ("status", "enum"): gettext_lazy("Choose a status from the list."),
    ("duration_months", "greater_than_equal"): gettext_lazy(
        "Enter a number of months of 1 or more."
    ),
    ("duration_months", "less_than_equal"): gettext_lazy(
        "Enter a number of months of at most 1200."
    ),
    ("duration_months", "int_parsing"): gettext_lazy(
        "Enter the number of months as a whole number."
    ),
    ("tax_deductible", "less_than_equal"): _FLAG,
    ("tax_deductible", "greater_than_equal"): _FLAG,
    ("tax_deductible", "int_parsing"): _FLAG,
    ("*", "missing"): _REQUIRED,
    ("*", "empty"): _REQUIRED,
    ("*", "string_too_short"): _REQUIRED,
    ("*", "string_too_long"): gettext_lazy(
        "Keep the %(label)s to %(max_length)s characters or fewer."
    ),
    ("*", "date_missing"): gettext_lazy("Enter the %(label)s."),
    ("*", "date_format"): _DATE_FORMAT,
    ("*", "date_parsing"): _DATE_FORMAT,
    ("*", "date_from_datetime_parsing"): _DATE_FORMAT,
    ("*", "uuid_parsing"): gettext_lazy("Choose a %(label)s from the list."),
    ("*", "int_parsing"): _WHOLE_NUMBER,
    ("*", "int_type"): _WHOLE_NUMBER,
    ("*", "greater_than_equal"): gettext_lazy("Enter a %(label)s of at least %(ge)s."),
    ("*", "less_than_equal"): gettext_lazy("Enter a %(label)s of at most %(le)s."),
    ("*", "enum"): _CHOOSE_ONE,
    ("*", "literal_error"): _CHOOSE_ONE,
    ("*", "not_positive"): gettext_lazy("Enter a %(label)s above 0."),
    ("*", "not_negative"): gettext_lazy("Enter a %(label)s of 0 or more."),
    ("*", "money_too_large"): gettext_lazy("Enter a %(label)s of at most 99999999.99."),
    ("*", "bool_parsing"): gettext_lazy("Answer with true or false."),
    ("*", "end_and_duration"): gettext_lazy(
        "Give either an end date or a number of months, not both."
    ),
    ("*", "end_missing"): gettext_lazy("Enter an end date or a number of months."),
}


# How a field is named inside a sentence (see the module's docstring); a field not listed is
# named after itself, in English.
FIELD_LABELS = {
    "product_name": pgettext_lazy("field", "product name"),
    "purchase_date": pgettext_lazy("field", "purchase date"),
    "return_deadline": pgettext_lazy("field", "return date"),
    "warranty_expiry": pgettext_lazy("field", "warranty end date"),
    "warranty_start": pgettext_lazy("field", "start date"),
    "warranty_end": pgettext_lazy("field", "end date"),
    "retailer_id": pgettext_lazy("field", "retailer"),
    "brand_id": pgettext_lazy("field", "brand"),
    "currency_code": pgettext_lazy("field", "currency"),
    "model_number": pgettext_lazy("field", "model number"),
    "serial_number": pgettext_lazy("field", "serial number"),
    "retailer_order_number": pgettext_lazy("field", "order number"),
    "return_policy": pgettext_lazy("field", "return policy"),
    "warranty_type": pgettext_lazy("field", "warranty type"),
    "duration_months": pgettext_lazy("field", "number of months"),
    "tax_deductible": pgettext_lazy("field", "tax deductible flag"),
    "name": pgettext_lazy("field", "name"),
    "url": pgettext_lazy("field", "web address"),
    "link": pgettext_lazy("field", "link"),
    "notes": pgettext_lazy("field", "notes"),
    "tags": pgettext_lazy("field", "tags"),
    "tag": pgettext_lazy("field", "tag"),
    "price": pgettext_lazy("field", "price"),
    "quantity": pgettext_lazy("field", "quantity"),
    "status": pgettext_lazy("field", "status"),
    "provider": pgettext_lazy("field", "provider"),
    "number": pgettext_lazy("field", "claim number"),
    "resolution": pgettext_lazy("field", "resolution"),
    "cost": pgettext_lazy("field", "cost"),
    "opened_on": pgettext_lazy("field", "opening day"),
    "closed_on": pgettext_lazy("field", "closing day"),
    "follow_up_on": pgettext_lazy("field", "follow-up day"),
    "purchase_id": pgettext_lazy("field", "purchase"),
    "warranty_id": pgettext_lazy("field", "warranty"),
    "email": pgettext_lazy("field", "e-mail address"),
    "role": pgettext_lazy("field", "role"),
    "date_from": pgettext_lazy("field", "first date"),
    "date_to": pgettext_lazy("field", "last date"),
    "start_date": pgettext_lazy("field", "start date"),
    "end_date": pgettext_lazy("field", "end date"),
    "months": pgettext_lazy("field", "number of months"),
    "days": pgettext_lazy("field", "number of days"),
    "limit": pgettext_lazy("field", "page size"),
    "skip": pgettext_lazy("field", "offset"),
    "number_style": pgettext_lazy("field", "number style"),
    "date_format": pgettext_lazy("field", "date format"),
}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field.replace("_", " "))) or str(
        pgettext_lazy("field", "value")
    )


def _choices(expected) -> str:
    """Pydantic's "'a', 'b' or 'c'" joined again with the language's "or"."""
    items = re.findall(r"'[^']*'", str(expected))
    return get_text_list(items) if len(items) > 1 else str(expected)


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
    if template is None and (kind in _OWN_SENTENCES or get_language().startswith("en")):
        return _sentence(item.get("msg", ""))
    template = template or _NOT_VALID
    values = {**(item.get("ctx") or {}), "label": field_label(field)}
    if "expected" in values:
        values["expected"] = _choices(values["expected"])
    try:
        text = str(template) % values
    except (KeyError, IndexError, ValueError, TypeError):
        return _sentence(item.get("msg", ""))
    return text[:1].upper() + text[1:]


def readable_errors(errors: list[dict]) -> list[dict]:
    """Return ERRORS with each `msg` replaced by its sentence (the rest kept as it was)."""
    return [{**item, "msg": readable_message(item)} for item in errors]
