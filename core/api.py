"""API endpoints that belong to no domain app: token login."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password, get a token. Throttled against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
