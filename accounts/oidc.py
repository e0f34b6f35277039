"""Single sign-on with the organisation's OpenID Connect provider (mozilla-django-oidc).

Off unless ``OIDC_ENABLED``; then ``config.settings`` adds ``OrganisationOIDCBackend`` to the
authentication backends. The provider's claims are mapped to a login and a person by
``services.sso_user_for_claims``; the views answer on every configuration (the login page when single
sign-on is off) and are open to anonymous visitors, like the login page.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import services

logger = logging.getLogger(__name__)

SSO_OFF = "Single sign-on is not set up here; log in with your username and password."
SSO_FAILED = (
    "Single sign-on did not log you in. If your login was deactivated, or your organisation's account has no "
    "verified e-mail address, ask a manager."
)


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow (state, nonce, PKCE, signature checked against the provider's
    keys); who the claims are is decided by ``services.sso_user_for_claims``."""

    def verify_claims(self, claims):
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            logger.warning("accounts: single sign-on claims without a verified e-mail")
            return None
        return services.sso_user_for_claims(claims=claims)

    def get_user(self, user_id):
        # A deactivated login's session ends at its next request, as with Django's ModelBackend.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _login_page(request, message: str):
    messages.warning(request, message)
    return HttpResponseRedirect(reverse("login"))


@method_decorator(login_not_required, name="dispatch")
class SSOLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's login page (``?next=`` is kept for the way back)."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            return _login_page(request, SSO_OFF)
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class SSOCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code; the backend turns it into a login."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            return _login_page(request, SSO_OFF)
        return super().get(request)

    def login_failure(self):
        return _login_page(self.request, SSO_FAILED)
