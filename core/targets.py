"""Where a webhook may be sent: http(s) only, and not into the server's own network unless allowed.

Checked when a subscription is saved and again before every attempt (a name can point elsewhere
later). Link-local addresses (169.254.0.0/16, where clouds serve instance credentials), multicast,
reserved and unspecified ones are always refused; loopback and private networks only when
``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` is on (docs/webhooks.md says why).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED_SCHEMES = ("http", "https")


class TargetRefused(ValueError):
    """The URL may not be used as a webhook target; the message says why, for a manager to read."""


def _address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    never = f"{address} is a link-local, multicast or reserved address: webhooks are never sent there."
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        return never
    if address.is_loopback or address.is_private:  # checked before is_reserved: ::1 is in a reserved block
        if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
            return None
        return (
            f"{address} is on a private network or this machine; webhooks go to public addresses only "
            "unless the administrator sets WEBHOOKS_ALLOW_PRIVATE_TARGETS."
        )
    return never if address.is_reserved else None


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable URL, or TargetRefused."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise TargetRefused("Use an http:// or https:// address.")
    if parts.username or parts.password:
        raise TargetRefused("Leave user names and passwords out of the address: the signature proves who sends.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise TargetRefused("The port of this address is not a number between 0 and 65535.") from None
    if not host:
        raise TargetRefused("The address has no host name.")
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def check(url: str) -> tuple[str, str, int, str]:
    """Parse ``url`` and check every address its host resolves to; TargetRefused if one is not allowed."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host “{host}” could not be found.") from None
    for info in infos:
        problem = _address_problem(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        if problem:
            raise TargetRefused(problem)
    return scheme, host, port, path


def check_field(url: str, field: str = "url") -> str:
    """``url`` if ``check`` accepts it, else ``ValidationError`` on ``field`` saying why (for a form or an API)."""
    try:
        check(url)
    except TargetRefused as refusal:
        raise ValidationError({field: str(refusal)}) from None
    return url
