import re

from allauth.account import views as allauth_views
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from axes.decorators import axes_dispatch, axes_form_invalid
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.middleware import remember_language
from accounts.models import ApiToken
from accounts.selectors import (
    api_token_list,
    audit_event_list,
    profile_language,
    two_factor_enabled,
)
from accounts.services import (
    COMMAND_LINE,
    api_token_create,
    api_token_revoke,
    profile_language_set,
)
from kernel.heartbeats import background_context


@method_decorator(axes_dispatch, name="dispatch")
@method_decorator(axes_form_invalid, name="form_invalid")
class LoginView(allauth_views.LoginView):
    """allauth's sign-in, with django-axes's lockout: a locked-out user name and client get the
    429 page before the form is even looked at (django-axes's documented allauth integration)."""


def profile(request):
    """The signed-in person's page: their API tokens, created here and shown once, and whether
    two-factor authentication is on."""
    raw_token = None
    error = None
    if request.method == "POST":
        try:
            _, raw_token = api_token_create(
                user=request.user, name=request.POST.get("name", ""), actor=request.user
            )
        except ValueError as exc:
            error = str(exc)
    tokens = api_token_list(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "raw_token": raw_token,
            "error": error,
            "two_factor_enabled": two_factor_enabled(user=request.user),
            "languages": settings.LANGUAGES,
            "language": profile_language(user=request.user),
            "sso_configured": bool(get_social_adapter().list_apps(request)),
            **background_context(),
        },
        status=400 if error else 200,
    )


@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:profile")


@require_POST
def language_set(request):
    """The profile's language select: kept on the profile and in the session (docs/i18n.md §2)."""
    try:
        language = profile_language_set(
            user=request.user, language=request.POST.get("language", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:profile")
    remember_language(request, language)
    return redirect("accounts:profile")


# --- The audit trail ----------------------------------------------------------------------------

ACTIVITY_PAGE_SIZE = 50

# The trail keeps its words in English: the API, the exports and the page's filters read them as
# they were written. The page shows the fixed ones, and those made from a pattern, in the
# reader's language; anything else (a file name, a user name) is shown as it is.
AUDIT_WORDS = {
    COMMAND_LINE: pgettext_lazy("audit", "command line"),
    "link": pgettext_lazy("audit", "link"),
    "household settings": pgettext_lazy("audit", "household settings"),
    "all data": pgettext_lazy("audit", "all data"),
    "backup schedule": pgettext_lazy("audit", "backup schedule"),
    "an uploaded file": pgettext_lazy("audit", "an uploaded file"),
}
AUDIT_PATTERNS = [
    (
        re.compile(r'token "(?P<name>.*)" \((?P<prefix>[^()]*)…\) of (?P<user>.+)', re.DOTALL),
        gettext_lazy('token "%(name)s" (%(prefix)s…) of %(user)s'),
    ),
    (
        re.compile(r"purchases in (?P<currency>[A-Z]{3})"),
        gettext_lazy("purchases in %(currency)s"),
    ),
]


def audit_words(text: str) -> str:
    """TEXT, a target or the command line's name as the trail stores it, in the page's language."""
    if text in AUDIT_WORDS:
        return str(AUDIT_WORDS[text])
    for pattern, sentence in AUDIT_PATTERNS:
        if match := pattern.fullmatch(text):
            return str(sentence) % match.groupdict()
    return text


def activity(request):
    """The audit trail for owners (the access table refuses everyone else), newest first.

    `?action=` and `?actor=` filter it as the API does; two queries per page whatever its size.
    """
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    events = audit_event_list(action=action or None, actor=actor or None)
    page = Paginator(events, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for event in page.object_list:  # shown only: the rows are not saved
        event.target = audit_words(event.target)
        if event.actor_id is None:
            event.actor_name = audit_words(event.actor_name)
    return render(
        request,
        "accounts/activity.html",
        {
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "query": request.GET,
            "action": action,
            "actor": actor,
            "filtered": bool(action or actor),
        },
    )
