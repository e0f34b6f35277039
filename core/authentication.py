"""API token authentication without a query on every request.

DRF's ``TokenAuthentication`` reads the token and its user (one query) on every request. Here a
token that was found, with an active user, is remembered by this process for
``API_TOKEN_CACHE_SECONDS`` (5 by default; 0 turns the cache off), keyed on the SHA-256 digest of
the key, so the raw keys are not what the process keeps. Unknown keys and inactive users are never
remembered: they cost their query every time, as before.

Revocation is honoured within that bound: in the process where a token is deleted (rotated,
revoked, its login deactivated or deleted) or a user is saved, every remembered token is forgotten
at once (signals); the other web processes forget it when its entry expires, at most
``API_TOKEN_CACHE_SECONDS`` later. A change made with ``QuerySet.update()`` (no signal) waits for
the same expiry everywhere. Each request gets its own copies of the token and the user, so
per-request state (permission caches) never passes from one request to another.
"""

import copy
import hashlib
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

MAX_ENTRIES = 10_000  # one per live token; beyond this (never on this product's scale) start afresh

_remembered: dict[str, tuple[float, Token]] = {}
_lock = threading.Lock()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def forget_all(**_kwargs) -> None:
    """Forget every remembered token of this process (a token deleted or a user saved)."""
    with _lock:
        _remembered.clear()


post_delete.connect(forget_all, sender=Token, dispatch_uid="core.authentication.token_deleted")
post_save.connect(forget_all, sender=Token, dispatch_uid="core.authentication.token_saved")
post_save.connect(forget_all, sender=get_user_model(), dispatch_uid="core.authentication.user_saved")
post_delete.connect(forget_all, sender=get_user_model(), dispatch_uid="core.authentication.user_deleted")


class CachedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` as DRF reads it, the lookup remembered for a few seconds."""

    def authenticate_credentials(self, key):
        seconds = settings.API_TOKEN_CACHE_SECONDS
        if seconds <= 0:
            return super().authenticate_credentials(key)
        digest = _digest(key)
        now = time.monotonic()
        entry = _remembered.get(digest)
        if entry is None or entry[0] <= now:
            _user, token = super().authenticate_credentials(key)  # raises for an unknown key or inactive user
            with _lock:
                if len(_remembered) >= MAX_ENTRIES:
                    _remembered.clear()
                _remembered[digest] = (now + seconds, token)
        else:
            token = entry[1]
        token = copy.copy(token)
        user = copy.copy(token.user)
        token.user = user
        return user, token
