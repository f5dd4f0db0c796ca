"""Telling people which filters of a page's query string were ignored, and why.

A page reads its query string leniently (a hand-edited or outdated link still shows a page), but
never silently: each value that does not parse, and each name the page does not know, is named
in a message above the list (templates/partials/ignored_filters.html).
"""

from django import forms
from django.utils.translation import gettext as _

# Names every list page reads besides its form's: the page number and the purchase form's openers.
PAGE_NAMES = {"page", "new", "edit"}


def ignored_filters(form: forms.Form, query, known=PAGE_NAMES) -> list[str]:
    """Sentences naming each parameter of QUERY that FORM could not use, and why."""
    form.is_valid()
    notes = []
    for name in query:
        raw = query.get(name, "")
        if name in form.fields:
            if name in form.errors and raw.strip():
                reason = " ".join(form.errors[name])
                notes.append(
                    _("The filter %(filter)s was ignored: %(reason)s")
                    % {"filter": f"{name}={raw!r}", "reason": reason}
                )
        elif name not in known:
            notes.append(
                _("%(filter)s was ignored: this page has no such filter.")
                % {"filter": f"{name}={raw!r}"}
            )
    return notes
