"""Login is required on every page (Django's LoginRequiredMiddleware), except the API.

The API authenticates by token as well as session and answers 401/403 itself (DRF); redirecting
a token client to a login page would confuse it. Public pages use ``@login_not_required``.
"""

from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponseBadRequest, JsonResponse


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of ``settings.CONTENT_SECURITY_POLICY`` on every response.

    Scripts, styles, images, fonts and connections come from this site only; no inline script runs.
    Inline ``style`` attributes stay allowed because the SVG charts drawn by the project's code use them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RefuseNullCharactersMiddleware:
    """A NUL character in the query string answers 400: PostgreSQL text cannot hold one, so a filter
    or lookup with it would fail in the database (500). Bodies are checked by the API's parsers and
    by Django's form fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            message = "Null characters are not allowed."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
