"""Who a sign-in attempt comes from and whom it is for: the keys of the login lockout
(django-axes) and of allauth's rate limits."""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request) -> str | None:
    """The address a sign-in comes from, for the login lockout (AXES_CLIENT_IP_CALLABLE) and for
    allauth's rate limits.

    Behind the reverse proxy (SECURE_PROXY_SSL_HEADER=true) every connection comes from the
    proxy, so the client is the last address of X-Forwarded-For: the one the proxy itself wrote
    (docs/deployment.md has it replace the header; one that appends writes it last too). Earlier
    entries come from the client and prove nothing. Without the proxy setting the header is
    ignored: anyone can send it.

    django-ipware reads and checks the chosen entry (ports, brackets, IPv6 forms); one that is no
    address at all falls back to the connection's own, so a malformed header never becomes a key.
    """
    meta = {"REMOTE_ADDR": request.META.get("REMOTE_ADDR", "")}
    order = ("REMOTE_ADDR",)
    if settings.BEHIND_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if last:
            meta["HTTP_X_FORWARDED_FOR"] = last
            order = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    trusted_hop = HttpRequest()
    trusted_hop.META = meta
    # proxy_count=0: the narrowed header holds exactly one address, the client's.
    address, _ = get_client_ip(trusted_hop, proxy_count=0, request_header_order=order)
    return address


def login_name(request, credentials: dict | None) -> str | None:
    """The user name a sign-in attempt is counted under (AXES_USERNAME_CALLABLE).

    The admin's form posts `username`; allauth's posts `login` (a user name or an e-mail address)
    and authenticates with `username` or `email`. Counting what was typed keeps one key per attempt
    whichever form it came through; spaces and case are dropped because "Owner " and "owner" reach
    the same account, and must not each get their own allowance of guesses.
    """
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for field in ("login", "username", "email"):
            value = source.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None
