from django.conf import settings
from django.urls import reverse


def sso(request):
    """``sso``: what the login page offers besides the password form (single sign-on, password reset)."""
    return {
        "sso": {
            "enabled": settings.OIDC_ENABLED,
            "provider_name": settings.OIDC_PROVIDER_NAME,
            "login_url": reverse("accounts:sso-login"),
            "password_reset_url": reverse("accounts:password-reset"),
        }
    }
