"""Template filters of the pages: money and dates in the household's formats."""

from django import template
from django.utils.html import json_script

from kernel.links import is_web_link
from preferences.formats import (
    CURRENCY_DIGITS,
    currency_choices,
    format_day,
    format_money,
    format_number,
    month_abbreviations,
)

register = template.Library()


@register.filter
def money(amount, currency_code):
    """`{{ purchase.price|money:purchase.currency_code }}` → "$1,249.50", "1.249,50 €"…

    In the household's number style, which the page's context processor activated.
    """
    return format_money(amount, currency_code)


@register.filter
def number(value):
    """`{{ summary.total_items|number }}` → "1,249", "1.249", "1 249"… in the number style."""
    return format_number(value)


@register.filter
def web_link(value) -> bool:
    """Whether VALUE may be a link's href: http or https only, even for links stored before
    the API refused anything else (kernel/links.py)."""
    return is_web_link(value)


@register.filter
def day(value, date_format):
    """`{{ purchase.purchase_date|day:household.date_format }}` → "03/14/2025"."""
    return format_day(value, date_format)


@register.simple_tag(takes_context=True)
def household_json(context):
    """The household's formats as a JSON script element, for static/js/format.js.

    With the places each currency is written with where they are not 2, so that the browser
    rounds as the server does (preferences/formats.py, CURRENCY_DIGITS), and the months' short
    names in the page's language, which the "short" date format writes ("Mär 14, 2025").
    """
    household = dict(context.get("household") or {})
    return json_script(
        {**household, "currency_digits": CURRENCY_DIGITS, "month_names": month_abbreviations()},
        "household-data",
    )


@register.inclusion_tag("partials/currency_options.html")
def currency_options(base_code="", selected="", withdrawn=False):
    """The `<optgroup>`s of a currency select: BASE_CODE first, the common ones, then the rest.

    `{% currency_options household.currency_code %}` in a `<select>`; SELECTED is marked
    selected for a select without Alpine's x-model; WITHDRAWN adds the old currencies.
    """
    return {"groups": currency_choices(base_code, withdrawn=withdrawn), "selected": selected}


@register.filter
def form_control(bound_field):
    """Render a form field's widget with Bootstrap's classes (allauth's forms, which the site's
    templates draw field by field)."""
    classes = "form-check-input" if bound_field.widget_type == "checkbox" else "form-control"
    if bound_field.errors:
        classes += " is-invalid"
    return bound_field.as_widget(attrs={"class": classes})
