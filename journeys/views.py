"""Pages of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------


# --- data ingest: instances, interactions, imports ---------------------------------------------

import csv as _csv  # noqa: E402

from django.conf import settings as _settings  # noqa: E402
from django.contrib import messages as _messages  # noqa: E402
from django.core.exceptions import PermissionDenied as _PermissionDenied  # noqa: E402
from django.core.paginator import Paginator as _Paginator  # noqa: E402
from django.http import JsonResponse as _JsonResponse  # noqa: E402
from django.http import StreamingHttpResponse as _StreamingHttpResponse  # noqa: E402
from django.shortcuts import get_object_or_404 as _get_object_or_404  # noqa: E402
from django.shortcuts import redirect as _redirect  # noqa: E402
from django.shortcuts import render as _render  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402
from django.views.decorators.http import require_GET as _require_GET  # noqa: E402
from django.views.decorators.http import require_http_methods as _require_http_methods  # noqa: E402

from core.errors import ApplicationError as _ApplicationError  # noqa: E402
from core.rules import can_ingest as _can_ingest  # noqa: E402

from . import ingest as _ingest  # noqa: E402
from .choices import ImportStatus as _ImportStatus  # noqa: E402
from .filters import ImportFilter as _ImportFilter  # noqa: E402
from .forms import ImportUploadForm as _ImportUploadForm  # noqa: E402
from .models import Import as _Import  # noqa: E402
from .models import Journey as _Journey  # noqa: E402
from .models import JourneyInstance as _JourneyInstance  # noqa: E402

IMPORTS_PER_PAGE = 25


def _imports_crumb():
    return {"label": "Imports", "url": _reverse("journeys:import-list")}


@_require_GET
def import_list(request):
    """Every CSV import, newest first, with status, progress and counts."""
    queryset = _Import.objects.select_related("journey", "created_by").defer("errors").order_by("-created_at", "-id")
    filterset = _ImportFilter(request.GET or None, queryset=queryset)
    page = _Paginator(filterset.qs, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "journeys/import_list.html",
        {
            "page": page,
            "imports": page.object_list,
            "filter": filterset,
            "can_ingest": _can_ingest(request.user),
            "status_choices": _ImportStatus.choices,
            "breadcrumbs": [{"label": "Imports", "url": None}],
        },
    )


@_require_http_methods(["GET", "POST"])
def import_create(request):
    """Upload a CSV file; it is checked and loaded in the background."""
    if not _can_ingest(request.user):
        raise _PermissionDenied("Importing data needs the ingest permission.")
    form = _ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = _ingest.import_create(
                file=form.cleaned_data["file"], journey=form.cleaned_data["journey"], user=request.user
            )
        except _ApplicationError as error:
            form.add_error("file", error.message)
        else:
            _messages.success(request, f"'{record.original_name}' is queued; this page follows its progress.")
            return _redirect("journeys:import-detail", pk=record.pk)
    return _render(
        request,
        "journeys/import_form.html",
        {
            "form": form,
            "columns": _ingest.CSV_COLUMNS,
            "required_columns": _ingest.REQUIRED_COLUMNS,
            "max_megabytes": _ingest.megabytes(_settings.IMPORT_MAX_BYTES),
            "breadcrumbs": [_imports_crumb(), {"label": "New import", "url": None}],
        },
    )


def _progress(record) -> dict:
    finished = record.status in (_ImportStatus.SUCCEEDED, _ImportStatus.FAILED)
    if record.status == _ImportStatus.RUNNING and record.total_rows and record.processed_rows >= record.total_rows:
        phase = "loading"
    elif record.status == _ImportStatus.RUNNING:
        phase = "checking"
    else:
        phase = record.status
    return {
        "id": record.pk,
        "status": record.status,
        "status_display": record.get_status_display(),
        "phase": phase,
        "finished": finished,
        "total_rows": record.total_rows,
        "processed_rows": record.processed_rows,
        "percent": record.progress_percent,
        "created": record.instances_created + record.interactions_created,
        "updated": record.instances_updated + record.interactions_updated,
        "error_count": record.error_count,
    }


@_require_GET
def import_detail(request, pk):
    """One import: live progress while it runs, then its counts or its error report."""
    record = _get_object_or_404(_Import.objects.select_related("journey", "created_by"), pk=pk)
    progress = _progress(record)
    return _render(
        request,
        "journeys/import_detail.html",
        {
            "record": record,
            "progress": progress,
            "errors_not_listed": max(0, record.error_count - len(record.errors or [])),
            "breadcrumbs": [_imports_crumb(), {"label": f"Import {record.pk}", "url": None}],
        },
    )


@_require_GET
def import_progress(request, pk):
    """The small JSON document the progress bar polls."""
    record = _get_object_or_404(_Import.objects.defer("errors"), pk=pk)
    return _JsonResponse(_progress(record))


class _Echo:
    def write(self, value):
        return value


EXPORT_CHUNK_SIZE = 2000


def _instance_rows(journey):
    """Every instance of the journey with its interactions, one CSV row per interaction (the import format).

    An instance without interactions gets one row with the interaction columns empty.
    """
    columns = (
        "external_id",
        "customer_ref",
        "segment",
        "started_at",
        "ended_at",
        "outcome",
        "satisfaction",
        "interactions__external_id",
        "interactions__touchpoint__key",
        "interactions__channel",
        "interactions__occurred_at",
        "interactions__satisfaction",
        "interactions__resolved",
        "interactions__repeat",
        "interactions__reidentified",
    )
    rows = (
        _JourneyInstance.objects.filter(journey=journey)
        .order_by("started_at", "id", "interactions__occurred_at", "interactions__id")
        .values_list(*columns)
    )
    writer = _csv.writer(_Echo())
    yield writer.writerow(list(_ingest.CSV_COLUMNS))
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        values = [_ingest.csv_value(value) for value in row]
        if row[7] is None:  # no interaction: leave the interaction flags empty too
            values[7:] = [""] * 8
        yield writer.writerow([journey.slug, *values])


@_require_GET
def instances_csv(request, slug):
    """The journey's instances and interactions as CSV, in exactly the import format, streamed."""
    journey = _get_object_or_404(_Journey, slug=slug)
    response = _StreamingHttpResponse(_instance_rows(journey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{journey.slug}-instances.csv"'
    return response


# --- health --------------------------------------------------------------------------------------
