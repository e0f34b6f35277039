"""Pages that belong to no domain app: the health check and the error answers (HTML, or JSON under /api/)."""

import logging

from celery import current_app as celery_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down" to a load balancer
        logger.warning("healthz: database unreachable: %s", error)
        return "down"
    return "ok"


def _broker_status() -> str:
    # The process's Celery app (config.celery, set as current when created): core does not import config.
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as error:  # kombu raises transport-specific errors
        logger.warning("healthz: broker unreachable: %s", error)
        return "down"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer, 503 when either does not."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


def bad_request(request, exception):
    """400, or 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE; JSON under /api/ like the rest of the API."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if too_big:
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = f"The request body is larger than the {limit} a request may carry."
    else:
        message = "The request could not be understood."
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "400.html", {"message": message}, status=status)


def page_not_found(request, exception):
    """An unknown URL under /api/ answers JSON like the rest of the API; pages get the HTML page."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """403 in the product's look with the rule's reason (core.web.require says why); JSON under /api/."""
    message = str(exception) or "You do not have permission to perform this action."
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """A form sent without its security token, or from another site (CSRF_FAILURE_VIEW)."""
    message = (
        "This form could not be accepted: it was open too long, or it was sent from another site. "
        "Go back, reload the page and send it again."
    )
    if _is_api(request):
        return JsonResponse({"detail": f"CSRF check failed: {reason}"}, status=403)
    return render(request, "403.html", {"exception": message}, status=403)


def server_error(request):
    """500: the static page (it renders without a database or a context), JSON under /api/."""
    if _is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side; the error has been logged."}, status=500)
    return defaults.server_error(request)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")
