"""Who may do what: the one table of access for the API, the pages and their forms.

Every request names a route (its pattern in the URL configuration, e.g. "api/backup/<backup_id>")
and a method. `required_access` answers what that pair needs, from `RULES`:

- reading (GET, HEAD, OPTIONS) needs a viewer, unless the route says otherwise;
- any other method needs what the route's rule names for it, and an owner when it names nothing:
  a write added without a rule is refused to everyone but owners until someone decides.

The API applies it in its authentication (`accounts.api_auth`), the pages in
`accounts.middleware.AccessMiddleware`; both answer 403 with the sentence `denial_reason` gives.
The Django admin keeps its own rule (staff only). docs/access.md has the table in words.
"""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import Membership, Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class Access(enum.Enum):
    """What a request needs besides its route existing."""

    PUBLIC = "anyone, signed in or not"
    SIGNED_IN = "any signed-in account, even one without a role"
    VIEWER = Role.VIEWER
    EDITOR = Role.EDITOR
    OWNER = Role.OWNER
    STAFF = "the Django admin's staff accounts"


VIEWER, EDITOR, OWNER = Access.VIEWER, Access.EDITOR, Access.OWNER


def _all(access: Access) -> dict[str, Access]:
    return dict.fromkeys(("GET", *WRITES), access)


# Route pattern -> {method: access}. A method a rule leaves out: reading needs a viewer, writing
# an owner. Prefix rules (ending in "*") cover whole URL trees that other code guards itself.
RULES: dict[str, dict[str, Access]] = {
    # --- Sign-in, sign-out, invitations, the calendar feed (its secret URL is its credential).
    # django-allauth's pages (docs/accounts.md) guard themselves: the steps of signing in are
    # public, a person's own security settings need only an account, even one without a role.
    "accounts/login/": _all(Access.PUBLIC),
    "accounts/login/code/confirm/": _all(Access.PUBLIC),
    "accounts/2fa/authenticate/": _all(Access.PUBLIC),
    "accounts/signup/": _all(Access.PUBLIC),
    "accounts/inactive/": _all(Access.PUBLIC),
    "accounts/password/reset/*": _all(Access.PUBLIC),
    "accounts/^password/reset/key/*": _all(Access.PUBLIC),
    "accounts/confirm-email/": _all(Access.PUBLIC),
    "accounts/^confirm-email/*": _all(Access.PUBLIC),
    "accounts/3rdparty/login/*": _all(Access.PUBLIC),
    "accounts/3rdparty/signup/": _all(Access.PUBLIC),
    "accounts/social/login/*": _all(Access.PUBLIC),
    "accounts/social/signup/": _all(Access.PUBLIC),
    "accounts/oidc/*": _all(Access.PUBLIC),
    "accounts/logout/": _all(Access.SIGNED_IN),
    "accounts/reauthenticate/*": _all(Access.SIGNED_IN),
    "accounts/email/": _all(Access.SIGNED_IN),
    "accounts/password/change/": _all(Access.SIGNED_IN),
    "accounts/password/set/": _all(Access.SIGNED_IN),
    "accounts/2fa/*": _all(Access.SIGNED_IN),
    "accounts/3rdparty/": _all(Access.SIGNED_IN),
    "accounts/social/connections/": _all(Access.SIGNED_IN),
    "accounts/invitation/<str:key>/": _all(Access.PUBLIC),
    "calendar/<str:token>.ics": _all(Access.PUBLIC),
    # The JavaScript translations: the sign-in page needs them too (docs/i18n.md §3).
    "jsi18n/<slug:language>/<slug:version>.js": {"GET": Access.PUBLIC},
    "admin/*": _all(Access.STAFF),
    # --- The API's own public documents.
    "api/": {"GET": Access.PUBLIC},
    "api/health": {"GET": Access.PUBLIC},
    "api/openapi.json": {"GET": VIEWER},
    "api/docs": {"GET": VIEWER},
    # --- A person's own things: any member, whatever the role.
    "accounts/profile/": {"GET": VIEWER, "POST": VIEWER},
    "accounts/profile/tokens/<uuid:token_id>/revoke/": {"POST": VIEWER},
    "accounts/profile/language/": {"POST": VIEWER},
    "api/reminders/preferences": {"PUT": VIEWER, "PATCH": VIEWER},
    "api/reminders/test": {"POST": VIEWER},
    "api/reminders/feed": {"POST": VIEWER, "DELETE": VIEWER},
    # --- Recording purchases, warranties, files, retailers and brands.
    "api/retailers": {"POST": EDITOR},
    "api/retailers/<entry_id>": {"PUT": EDITOR, "PATCH": EDITOR, "DELETE": EDITOR},
    "api/brands": {"POST": EDITOR},
    "api/brands/<entry_id>": {"PUT": EDITOR, "PATCH": EDITOR, "DELETE": EDITOR},
    "api/purchases": {"POST": EDITOR},
    "api/purchases/<purchase_id>": {"PUT": EDITOR, "PATCH": EDITOR, "DELETE": EDITOR},
    "api/purchases/bulk": {"POST": EDITOR},
    "api/files/<purchase_id>": {"POST": EDITOR},
    "api/files/<purchase_id>/<file_id>": {"DELETE": EDITOR},
    # Pages and thumbnails of one purchase: read like the attachments they show.
    "inventory/<uuid:purchase_id>/": {"GET": VIEWER},
    "api/files/file/<file_id>/thumbnail": {"GET": VIEWER},
    "api/warranties": {"POST": EDITOR},
    "api/warranties/<warranty_id>": {"PUT": EDITOR, "PATCH": EDITOR, "DELETE": EDITOR},
    "api/warranties/<warranty_id>/claims": {"POST": EDITOR},
    "api/claims/<claim_id>": {"PUT": EDITOR, "PATCH": EDITOR, "DELETE": EDITOR},
    "demo-data/": {"POST": EDITOR},
    # Warranty claims on the pages (docs/claims.md §4): everyone reads them, editors write.
    "warranties/<uuid:warranty_id>/claims/": {"POST": EDITOR},
    "warranties/claims/<uuid:claim_id>/": {"POST": EDITOR},
    "warranties/claims/<uuid:claim_id>/status/": {"POST": EDITOR},
    "warranties/claims/<uuid:claim_id>/delete/": {"POST": EDITOR},
    "catalog/defaults/": {"POST": EDITOR},
    # --- Imports that add or update; a backup taken now, and checking one.
    "api/import/json": {"POST": EDITOR},
    "api/import/csv": {"POST": EDITOR},
    "api/import/zip": {"POST": EDITOR},
    # Receipts waiting to become purchases (docs/receipts.md §3): read by all, kept by editors.
    "api/receipts/drafts": {"POST": EDITOR},
    "api/receipts/drafts/<draft_id>": {"DELETE": EDITOR},
    "api/receipts/drafts/<draft_id>/confirm": {"POST": EDITOR},
    "inventory/receipts/": {"GET": VIEWER},
    "api/import/spreadsheet": {"POST": EDITOR},
    "api/import/spreadsheet/columns": {"POST": EDITOR},
    "api/import/mappings": {"POST": EDITOR},
    "api/import/mappings/<mapping_id>": {"DELETE": EDITOR},
    "api/backup/create": {"POST": EDITOR},
    "api/backup/<backup_id>/verify": {"POST": EDITOR},
    # --- The household's own: owners only (writes fall to OWNER by default; these say so, and
    # the reads among them are owner-only too).
    "api/data/reset-all": {"POST": OWNER},
    "api/backup/restore": {"POST": OWNER},
    "api/backup/<backup_id>": {"DELETE": OWNER},
    # A backup archive carries the members and the audit trail, which only owners read.
    "api/backup/<backup_id>/download": {"GET": OWNER},
    "api/backup/config": {"PUT": OWNER, "PATCH": OWNER},
    "api/settings": {"PUT": OWNER, "PATCH": OWNER},
    "api/settings/reset": {"POST": OWNER},
    # Converting every purchase again moves past totals: the household's decision.
    "api/purchases/reconvert": {"POST": OWNER},
    # Manual exchange rates: read by every member (the conversion preview too), set by owners.
    "api/rates": {"GET": VIEWER, "POST": OWNER},
    "api/rates/convert": {"GET": VIEWER},
    # Completing the search box: what every member may read.
    "api/search/suggestions": {"GET": VIEWER},
    "api/rates/<rate_id>": {"PUT": OWNER, "PATCH": OWNER, "DELETE": OWNER},
    "accounts/members/": _all(OWNER),
    "accounts/members/invitations/<uuid:invitation_id>/revoke/": _all(OWNER),
    "accounts/members/<int:user_id>/": _all(OWNER),
    "accounts/activity/": _all(OWNER),
    "api/members": _all(OWNER),
    "api/members/<user_id>": _all(OWNER),
    "api/invitations": _all(OWNER),
    "api/invitations/<invitation_id>": _all(OWNER),
    "api/audit": _all(OWNER),
}


def required_access(route: str, method: str) -> Access:
    """What METHOD on the route pattern ROUTE needs (see the module's docstring)."""
    method = "GET" if method in SAFE_METHODS else method
    rule = RULES.get(route)
    if rule is None:
        prefixes = [
            pattern for pattern in RULES if pattern.endswith("*") and route.startswith(pattern[:-1])
        ]
        # The longest prefix is the most specific rule.
        rule = RULES[max(prefixes, key=len)] if prefixes else {}
    return rule.get(method, VIEWER if method == "GET" else OWNER)


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    """USER's role in the household, or None (signed out, deactivated, or never given one).

    Superusers are owners: the first administrator is one, and no setting can lock it out.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.OWNER
    try:
        return Role(user.membership.role)
    except Membership.DoesNotExist:
        return None


def may(user, needed: Access) -> bool:
    """Whether USER has what NEEDED asks for (STAFF is the admin's to judge: True here)."""
    if needed in (Access.PUBLIC, Access.STAFF):
        return True
    if needed is Access.SIGNED_IN:
        return bool(user is not None and user.is_authenticated and user.is_active)
    role = role_of(user)
    return role is not None and role.rank >= Role(needed.value).rank


# The roles as a sentence names them ("your role is viewer"): German keeps its capital.
ROLE_IN_A_SENTENCE = {
    Role.VIEWER: pgettext_lazy("role in a sentence", "viewer"),
    Role.EDITOR: pgettext_lazy("role in a sentence", "editor"),
    Role.OWNER: pgettext_lazy("role in a sentence", "owner"),
}


def denial_reason(user, needed: Access) -> str:
    """The sentence a refused person reads: what they lack, in their words."""
    role = role_of(user)
    if role is None:
        return gettext(
            "Your account has no role in this household yet: ask an owner to give you one on "
            "the Members page."
        )
    # One sentence per role needed: the article and the word differ in every language.
    needs = {
        Role.VIEWER: gettext(
            "This needs a viewer; your role is %(role)s. Ask an owner if you need it."
        ),
        Role.EDITOR: gettext(
            "This needs an editor; your role is %(role)s. Ask an owner if you need it."
        ),
        Role.OWNER: gettext(
            "This needs an owner; your role is %(role)s. Ask an owner if you need it."
        ),
    }
    return needs[Role(needed.value)] % {"role": ROLE_IN_A_SENTENCE[role]}


def capabilities(user) -> dict[str, bool]:
    """What the pages may offer USER: `can.record`, `can.manage` in templates."""
    return {
        "read": may(user, VIEWER),
        "record": may(user, EDITOR),
        "manage": may(user, OWNER),
    }
