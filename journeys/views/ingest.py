"""Pages of ingested data: CSV imports (upload, progress, report) and the instances CSV export."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import ApplicationError
from core.rules import can_ingest
from core.web import csv_response

from ..choices import ImportStatus
from ..filters import ImportFilter
from ..forms import ImportUploadForm
from ..models import Journey
from ..records import CSV_COLUMNS, REQUIRED_COLUMNS
from ..selectors import ingest as selectors
from ..services import imports

IMPORTS_PER_PAGE = 25


def _imports_crumb():
    return {"label": "Imports", "url": reverse("journeys:import-list")}


@require_GET
def import_list(request):
    """Every CSV import, newest first, with status, progress and counts."""
    queryset = selectors.import_list().order_by("-created_at", "-id")
    filterset = ImportFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "journeys/import_list.html",
        {
            "page": page,
            "imports": page.object_list,
            "filter": filterset,
            "can_ingest": can_ingest(request.user),
            "export_journeys": Journey.objects.order_by("name").only("slug", "name"),
            "status_choices": ImportStatus.choices,
            "breadcrumbs": [{"label": "Imports", "url": None}],
        },
    )


@require_http_methods(["GET", "POST"])
def import_create(request):
    """Upload a CSV file; it is checked and loaded in the background."""
    if not can_ingest(request.user):
        raise PermissionDenied("Importing data needs the ingest permission.")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = imports.import_create(
                file=form.cleaned_data["file"], journey=form.cleaned_data["journey"], user=request.user
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, f"'{record.original_name}' is queued; this page follows its progress.")
            return redirect("journeys:import-detail", pk=record.pk)
    too_large = form.is_bound and form.has_error("file", code="too_large")
    return render(
        request,
        "journeys/import_form.html",
        {
            "form": form,
            "columns": CSV_COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "max_megabytes": imports.megabytes(settings.IMPORT_MAX_BYTES),
            "breadcrumbs": [_imports_crumb(), {"label": "New import", "url": None}],
        },
        status=413 if too_large else 200,
    )


@require_GET
def import_detail(request, pk):
    """One import: live progress while it runs, then its counts or its error report."""
    record = get_object_or_404(selectors.import_list(with_errors=True), pk=pk)
    return render(
        request,
        "journeys/import_detail.html",
        {
            "record": record,
            "progress": record.progress(),
            "breadcrumbs": [_imports_crumb(), {"label": f"Import {record.pk}", "url": None}],
        },
    )


@require_GET
def import_progress(request, pk):
    """The small JSON document the progress bar polls."""
    record = get_object_or_404(selectors.import_list(), pk=pk)
    return JsonResponse(record.progress())


@require_GET
def instances_csv(request, slug):
    """The journey's instances and interactions as CSV, in the import format, streamed (formulas escaped)."""
    journey = get_object_or_404(Journey, slug=slug)
    return csv_response(
        f"{journey.slug}-instances.csv",
        CSV_COLUMNS,
        selectors.instance_export_rows(journey),
    )
