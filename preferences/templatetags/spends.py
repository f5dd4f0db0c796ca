"""Template filters of the pages: money and dates in the household's formats."""

from django import template
from django.utils.html import json_script

from kernel.links import is_web_link
from preferences.formats import format_day, format_money

register = template.Library()


@register.filter
def money(amount, currency_code):
    """`{{ purchase.price|money:purchase.currency_code }}` → "$1,249.50"."""
    return format_money(amount, currency_code)


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
    """The household's formats as a JSON script element, for static/js/format.js."""
    return json_script(dict(context.get("household") or {}), "household-data")


@register.filter
def form_control(bound_field):
    """Render a form field's widget with Bootstrap's classes (allauth's forms, which the site's
    templates draw field by field)."""
    classes = "form-check-input" if bound_field.widget_type == "checkbox" else "form-control"
    if bound_field.errors:
        classes += " is-invalid"
    return bound_field.as_widget(attrs={"class": classes})
