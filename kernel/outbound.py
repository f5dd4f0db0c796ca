"""Where the app may send requests of its own (webhooks, Apprise notifications): never to this
machine or a private network unless the operator allows it.

A person can type any address into their reminder settings; without this check the server
would make requests on their behalf to its own loopback interface or to the household's LAN
(the database, a router's admin page), and the error messages would tell which ports answer.
SPENDS_ALLOW_PRIVATE_TARGETS=true allows private targets for a household that runs, say, ntfy on
its own network. A name is resolved and every address it gives is checked; the check runs when
the address is saved and again before each send.
"""

import ipaddress
import socket

from django.conf import settings


class TargetRefused(ValueError):
    """The target is on a network this server may not send to; the message says so plainly."""


REFUSED_MESSAGE = (
    "{what} points to this server or a private network, where this server does not send. "
    "(An operator can allow it with SPENDS_ALLOW_PRIVATE_TARGETS.)"
)


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def target_check(host: str, *, what: str = "The address") -> None:
    """Raise TargetRefused when HOST is, or resolves to, a non-public address.

    A name that does not resolve passes: nothing can be sent to it anyway, and the send fails
    with its own message.
    """
    if settings.SPENDS_ALLOW_PRIVATE_TARGETS:
        return
    host = (host or "").strip().strip("[]").rstrip(".").lower()
    if not host:
        return
    if host == "localhost" or host.endswith(".localhost"):
        raise TargetRefused(REFUSED_MESSAGE.format(what=what))
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return
        addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not all(_public(address) for address in addresses):
        raise TargetRefused(REFUSED_MESSAGE.format(what=what))
