from typing import get_args

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from purchases.models import PurchaseStatus
from purchases.schemas import SortKey
from purchases.search import search_words
from purchases.selectors import DEFAULT_SORT, RELEVANCE, WARRANTY_STATE_NONE
from warranties.models import WARRANTY_STATES

PURCHASE_WARRANTY_STATES = [*WARRANTY_STATES, (WARRANTY_STATE_NONE, _("No warranty"))]
PAGE_SIZES = [10, 20, 50, 100]


class PurchaseFilterForm(forms.Form):
    """The inventory's query string: the API's filter names, read leniently.

    A value that does not parse is dropped (the list shows as if it were not given), so a
    hand-edited or outdated link still shows a page; the page names it (kernel/filters.py).
    """

    search = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(
        choices=[("", pgettext_lazy("filter", "Any")), *PurchaseStatus.choices], required=False
    )
    retailer_id = forms.UUIDField(required=False)
    brand_id = forms.UUIDField(required=False)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    warranty_status = forms.ChoiceField(
        choices=[("", pgettext_lazy("filter", "Any")), *PURCHASE_WARRANTY_STATES], required=False
    )
    tag = forms.CharField(max_length=255, required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in get_args(SortKey)], required=False)
    per_page = forms.TypedChoiceField(
        choices=[(size, size) for size in PAGE_SIZES], coerce=int, required=False
    )

    # The filters proper, as opposed to how the list is ordered and cut into pages.
    FILTERS = [
        "search",
        "status",
        "retailer_id",
        "brand_id",
        "date_from",
        "date_to",
        "warranty_status",
        "tag",
    ]

    def selector_arguments(self) -> dict:
        """Return the valid filters and the sort order, as `purchase_list` takes them."""
        self.is_valid()
        arguments = {name: self.cleaned_data.get(name) or None for name in self.FILTERS}
        default = RELEVANCE if search_words(arguments["search"]) else DEFAULT_SORT
        arguments["sort"] = self.cleaned_data.get("sort") or default
        return arguments

    def active_filter_count(self) -> int:
        self.is_valid()
        return sum(1 for name in self.FILTERS if name != "search" and self.cleaned_data.get(name))
