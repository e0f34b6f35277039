"""API endpoints that belong to no domain app: token login."""

from django.conf import settings
from django.core.cache import caches
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.auth import LIMITS_CACHE, client_address, record_failure, throttled_message, too_many_failures


class ClientAddressThrottle(ScopedRateThrottle):
    """DRF's scoped rate, counted per client address as the login limits see it (trusted proxies
    only) in the cache every web process shares."""

    def __init__(self):
        self.cache = caches[LIMITS_CACHE]
        super().__init__()

    def get_ident(self, request):
        return client_address(request)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password, get a token. Throttled against password guessing: a rate per client
    address, and the login page's failure limit per address and per username."""

    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        if too_many_failures(request, _username(request)):
            # Refused before the password is checked, right or wrong, until the window ends.
            response = Response({"detail": throttled_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_400_BAD_REQUEST:  # wrong credentials (or no usable body)
            record_failure(self.request, _username(self.request))
        return response


def _username(request) -> str:
    try:
        data = request.data
    except APIException:  # an unparsable body has no username; DRF answers it itself
        return ""
    username = data.get("username", "") if hasattr(data, "get") else ""  # a JSON body may be a list or `true`
    return username if isinstance(username, str) else ""
