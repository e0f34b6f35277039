"""The project's URLs and error handlers, plus pages that fail on purpose (tests of the 500 answers)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("a bug the test put here")


urlpatterns = [
    path("broken/", fail),
    path("api/v1/broken/", fail),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
