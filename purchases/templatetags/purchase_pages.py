"""Small helpers of the purchases' pages."""

from django import template

register = template.Library()


@register.filter
def tag_list(tags: str | None) -> list[str]:
    """`{% for tag in purchase.tags|tag_list %}`: the comma-separated tags, blanks left out."""
    return [tag.strip() for tag in (tags or "").split(",") if tag.strip()]
