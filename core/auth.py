"""Logging in: Django's login page and the API's token endpoint, with failed attempts limited per
client address and per username.

The client address is the connecting peer (REMOTE_ADDR) unless that peer is one of the proxies named
in ``settings.TRUSTED_PROXIES``: then it is the nearest address in X-Forwarded-For that is not a
trusted proxy. A header any client can write is never believed from anyone else, so rotating it does
not make a new client. Failure counts live in the ``limits`` cache, which every web process shares
(a file cache under var/ by default, CACHE_URL's server when one is set).
"""

import hashlib
import ipaddress
from functools import cache as memoize

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import caches

CACHE_PREFIX = "login-failures"
LIMITS_CACHE = "limits"


def _key(kind: str, value: str) -> str:
    # Hashed so that any username (spaces, unicode, 10,000 characters) makes a valid cache key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"{CACHE_PREFIX}:{kind}:{digest}"


@memoize
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _is_trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The address the limits count against (see the module docstring)."""
    peer = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # The right-most hops were added by our own proxies; the first one that is not ours is the client.
    for hop in reversed(forwarded):
        if not _is_trusted(hop, networks):
            return hop
    return forwarded[0] if forwarded else peer


def failure_keys(request, username: str) -> list[str]:
    return [_key("address", client_address(request)), _key("username", username)]


def too_many_failures(request, username: str) -> bool:
    counts = caches[LIMITS_CACHE].get_many(failure_keys(request, username))
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(request, username: str) -> None:
    limits = caches[LIMITS_CACHE]
    for key in failure_keys(request, username):
        # add() starts the window at the first failure; incr() keeps it (the key's timeout is not reset).
        if not limits.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
            try:
                limits.incr(key)
            except ValueError:  # expired between add() and incr()
                limits.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def throttled_message() -> str:
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    return (
        f"Too many failed logins. Wait {minutes} minutes and try again, or ask an administrator to reset your password."
    )


class ThrottledLoginView(auth_views.LoginView):
    """After LOGIN_FAILURE_LIMIT failed logins from one address or for one username within
    LOGIN_FAILURE_WINDOW_SECONDS, every attempt is refused (429) until the window ends, right
    password or not: guessing stays slow."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if too_many_failures(request, username):
            # An unbound form: the password is not even checked while the limit holds.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled_message=throttled_message())
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
