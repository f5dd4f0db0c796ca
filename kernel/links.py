"""Links people store (a purchase's product page, a retailer's or brand's site) are web
addresses: http or https only. Anything else, `javascript:` above all, would run in the
browser of whoever clicks it on the pages."""

import urllib.parse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

WEB_SCHEMES = ("http", "https")
# The English fragment, for messages that name the field themselves ("link: must be…").
NOT_A_WEB_LINK = "must be an http:// or https:// address"


def not_a_web_link() -> str:
    """The sentence a refused link gets, in the request's language."""
    return gettext("The link must be an http:// or https:// address.")


def is_web_link(value) -> bool:
    """Whether VALUE is an http or https address with a host."""
    if not isinstance(value, str) or any(character.isspace() for character in value.strip()):
        return False
    try:
        parts = urllib.parse.urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def web_link_check(value: str | None) -> str | None:
    """Return VALUE, or raise ValueError when it is text but not a web link (None and blank text
    are no link at all, and are returned as they are)."""
    if value is None or not value.strip():
        return value
    if not is_web_link(value):
        raise ValueError(not_a_web_link())
    return value


def validate_web_link(value) -> None:
    """The model fields' validator (the admin's forms): a ValidationError in plain words."""
    if value and not is_web_link(value):
        raise ValidationError(not_a_web_link(), code="invalid")
