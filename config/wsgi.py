"""WSGI entry point for gunicorn."""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()


def freeze_what_the_process_keeps() -> None:
    """Import every view (the URLconf), then move every object alive to the collector's permanent generation.

    A web process holds about 150,000 objects that live as long as it does (modules, classes, URL patterns,
    fields). Python's full collection walked all of them whenever the objects a request made added up to
    a quarter of them: on the portfolio page, one request in ten, about 120 ms each, 12 ms a request on
    average (gc callbacks, scale 1). Frozen, they are never walked again; a request's own objects are
    collected as before. Objects that are frozen are never freed by the collector (only by their
    reference counts): nothing a request makes is alive here, so nothing of a request is kept.
    ``GC_FREEZE_AT_STARTUP=false`` turns it off.
    """
    if not settings.GC_FREEZE_AT_STARTUP:
        return
    get_resolver().url_patterns  # noqa: B018 - imports every app's views and the API's viewsets
    gc.collect()
    gc.freeze()


freeze_what_the_process_keeps()
