"""Login is required on every page (Django's LoginRequiredMiddleware), except the API.

The API authenticates by token as well as session and answers 401/403 itself (DRF); redirecting
a token client to a login page would confuse it. Public pages use ``@login_not_required``.
"""

from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
