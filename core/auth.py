"""Logging in: Django's login page, with failed attempts limited per client address and per username."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache

CACHE_PREFIX = "login-failures"


def _key(kind: str, value: str) -> str:
    # Hashed so that any username (spaces, unicode, 10,000 characters) makes a valid cache key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"{CACHE_PREFIX}:{kind}:{digest}"


def _client_address(request) -> str:
    # REMOTE_ADDR is the connecting peer; behind a proxy, configure it to set REMOTE_ADDR (gunicorn
    # --forwarded-allow-ips) rather than trusting a header any client can write.
    return request.META.get("REMOTE_ADDR", "")


def failure_keys(request, username: str) -> list[str]:
    return [_key("address", _client_address(request)), _key("username", username)]


def too_many_failures(request, username: str) -> bool:
    counts = cache.get_many(failure_keys(request, username))
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def record_failure(request, username: str) -> None:
    for key in failure_keys(request, username):
        # add() starts the window at the first failure; incr() keeps it (the key's timeout is not reset).
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


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
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
            context = self.get_context_data(
                form=form,
                throttled_message=f"Too many failed logins. Wait {minutes} minutes and try again, "
                "or ask an administrator to reset your password.",
            )
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
