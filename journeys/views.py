"""Pages of the journeys app.

One block per part of the app (maps, data ingest, health); keep additions inside their block.
"""

# --- maps: journeys, stages, touchpoints -------------------------------------------------------

from django.contrib import messages  # noqa: E402 (imports of each part stay in its block)
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import get_object_or_404, redirect, render  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.views.decorators.http import require_GET, require_http_methods, require_POST  # noqa: E402

from core.errors import ApplicationError, StaleObjectError  # noqa: E402

from . import panels, selectors, services  # noqa: E402
from .choices import JourneyStatus, ServicePosition, Tier  # noqa: E402
from .filters import JourneyFilterSet  # noqa: E402
from .forms import JourneyCreateForm, JourneyForm, StageForm, TouchpointForm, add_service_errors  # noqa: E402
from .models import Journey, Stage, Touchpoint  # noqa: E402

JOURNEYS_PER_PAGE = 50


def _journey_crumbs(journey: Journey | None = None, *, last: str | None = None) -> list[dict]:
    crumbs = [{"label": "Journeys", "url": reverse("journeys:list")}]
    if journey is not None:
        crumbs.append({"label": journey.name, "url": journey.get_absolute_url() if last else None})
    if last:
        crumbs.append({"label": last, "url": None})
    return crumbs


def _issue_create_url() -> str | None:
    """The improvements app's "log an issue" page, once it exists."""
    try:
        return reverse("improvements:issue-create")
    except NoReverseMatch:
        return None


@require_GET
def journey_list(request):
    """Every journey with its owner; filters by status, tier, service position and owner."""
    filterset = JourneyFilterSet(request.GET or None, queryset=selectors.journey_list().order_by("name"))
    page = Paginator(filterset.qs, JOURNEYS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "journeys": page.object_list,
        "query": query.urlencode(),
        "owner_choices": selectors.current_owner_choices(),
        "status_choices": JourneyStatus.choices,
        "tier_choices": Tier.choices,
        "position_choices": ServicePosition.choices,
        "selected": {name: request.GET.get(name, "") for name in ("status", "tier", "service_position", "owner")},
        "can_create": request.user.has_perm("journeys.create_journey"),
        "breadcrumbs": [{"label": "Journeys", "url": None}],
    }
    return render(request, "journeys/journey_list.html", context)


@require_http_methods(["GET", "POST"])
def journey_create(request):
    if not request.user.has_perm("journeys.create_journey"):
        raise PermissionDenied("Only managers create journeys.")
    form = JourneyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            journey = services.journey_create(**form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Journey \u201c{journey.name}\u201d created. Now draw its map.")
            return redirect("journeys:edit", slug=journey.slug)
    context = {"form": form, "breadcrumbs": _journey_crumbs(last="New journey")}
    return render(request, "journeys/journey_form.html", context)


@require_GET
def journey_detail(request, slug):
    """The journey page: header, the panels placed before the blueprint, the blueprint, the other panels."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    user = request.user
    context = {
        "journey": journey,
        "blueprint": selectors.journey_blueprint(journey),
        "map_is_stale": selectors.map_is_stale(journey),
        "stale_days": selectors.STALE_MAP_DAYS,
        "can_change": user.has_perm("journeys.change_journey", journey),
        "can_review_map": user.has_perm("journeys.review_map", journey),
        "can_see_history": user.has_perm("core.view_history", journey),
        "issue_create_url": _issue_create_url() if user.has_perm("improvements.log_issue", journey) else None,
        "breadcrumbs": _journey_crumbs(journey),
    }
    rendered = panels.render_context(request, journey)
    context["panels_before_blueprint"] = [item for item in rendered if item["panel"].order < panels.BLUEPRINT_ORDER]
    context["panels"] = [item for item in rendered if item["panel"].order >= panels.BLUEPRINT_ORDER]
    return render(request, "journeys/journey_detail.html", context)


@require_GET
def journey_mermaid(request, slug):
    """The journey as Mermaid ``journey`` text, for docs and wikis."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    response = HttpResponse(selectors.journey_mermaid(journey), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{journey.slug}.mmd"'
    return response


def _journey_to_change(request, slug: str) -> Journey:
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    if not request.user.has_perm("journeys.change_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can change it.")
    return journey


def _map_entries(journey: Journey, bound: dict) -> list[dict]:
    """Per stage: its rename form and, per touchpoint, its edit form (the bound one when it failed)."""
    stages = list(journey.stages.all())
    entries = []
    for index, stage in enumerate(stages):
        touchpoints = list(stage.touchpoints.all())
        entries.append(
            {
                "stage": stage,
                "is_first": index == 0,
                "is_last": index == len(stages) - 1,
                "form": bound.get(f"stage-{stage.pk}")
                or StageForm(prefix=f"stage-{stage.pk}", initial={"name": stage.name}),
                "add_form": bound.get(f"touchpoint-add-{stage.pk}")
                or TouchpointForm(prefix=f"touchpoint-add-{stage.pk}", stages=stages, initial={"stage": stage.pk}),
                "touchpoints": [
                    {
                        "touchpoint": touchpoint,
                        "is_first": position == 0,
                        "is_last": position == len(touchpoints) - 1,
                        "form": bound.get(f"touchpoint-{touchpoint.pk}")
                        or TouchpointForm(
                            prefix=f"touchpoint-{touchpoint.pk}",
                            stages=stages,
                            initial={
                                "name": touchpoint.name,
                                "key": touchpoint.key,
                                "channel": touchpoint.channel,
                                "is_moment_of_truth": touchpoint.is_moment_of_truth,
                                "description": touchpoint.description,
                                "stage": stage.pk,
                            },
                        ),
                    }
                    for position, touchpoint in enumerate(touchpoints)
                ],
            }
        )
    return entries


def _render_edit(request, journey: Journey, *, form: JourneyForm | None = None, bound: dict | None = None):
    bound = bound or {}
    context = {
        "journey": journey,
        "form": form or JourneyForm(instance=journey),
        "map_entries": _map_entries(journey, bound),
        "stage_add_form": bound.get("stage-add") or StageForm(prefix="stage-add"),
        "breadcrumbs": _journey_crumbs(journey, last="Edit"),
    }
    return render(request, "journeys/journey_edit.html", context)


def _stale_message(form: JourneyForm, current: Journey) -> str:
    changed = [
        form.fields[name].label or name.replace("_", " ")
        for name, value in form.service_fields().items()
        if getattr(current, name) != value
    ]
    return (
        "Someone else changed this journey while you were editing it. The form below still shows your "
        "values; check them against the current journey"
        + (f" (your values differ in: {', '.join(str(label) for label in changed)})" if changed else "")
        + " and save again to apply them."
    )


@require_http_methods(["GET", "POST"])
def journey_edit(request, slug):
    """Edit a journey's details and targets (top form) and its map (stage and touchpoint forms)."""
    journey = _journey_to_change(request, slug)
    if request.method == "GET":
        return _render_edit(request, journey)
    form = JourneyForm(request.POST, instance=Journey.objects.get(pk=journey.pk))
    if form.is_valid():
        try:
            services.journey_update(journey=journey, version=form.cleaned_data["version"], **form.service_fields())
        except StaleObjectError:
            current = Journey.objects.get(pk=journey.pk)
            form.add_error(None, _stale_message(form, current))
            # The next save is a deliberate overwrite: the editor has been told.
            data = form.data.copy()
            data["version"] = current.version
            form.data = data
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Journey details saved.")
            return redirect("journeys:edit", slug=journey.slug)
    return _render_edit(request, journey, form=form)


@require_POST
def journey_review_map(request, slug):
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("journeys.review_map", journey):
        raise PermissionDenied("Only the journey's owner or a manager can confirm its map.")
    services.journey_review_map(journey=journey)
    messages.success(request, "Map confirmed as current today.")
    return redirect(journey.get_absolute_url())


def _back_to_map(journey: Journey, anchor: str = "map"):
    return redirect(f"{reverse('journeys:edit', kwargs={'slug': journey.slug})}#{anchor}")


def _offset(request) -> int:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise BadRequest("The direction must be up or down.")
    return -1 if direction == "up" else 1


@require_POST
def stage_add(request, slug):
    journey = _journey_to_change(request, slug)
    form = StageForm(request.POST, prefix="stage-add")
    if form.is_valid():
        try:
            stage = services.stage_create(journey=journey, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Stage \u201c{stage.name}\u201d added.")
            return _back_to_map(journey, f"stage-{stage.pk}")
    return _render_edit(request, journey, bound={"stage-add": form})


def _stage_of(journey: Journey, stage_id: int) -> Stage:
    return get_object_or_404(Stage, pk=stage_id, journey=journey)


@require_POST
def stage_edit(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            services.stage_update(stage=stage, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Stage renamed.")
            return _back_to_map(journey, f"stage-{stage.pk}")
    return _render_edit(request, journey, bound={f"stage-{stage.pk}": form})


@require_POST
def stage_move(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    services.stage_move(stage=stage, offset=_offset(request))
    return _back_to_map(journey, f"stage-{stage.pk}")


@require_POST
def stage_delete(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    try:
        services.stage_delete(stage=stage)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_map(journey, f"stage-{stage.pk}")
    messages.success(request, f"Stage \u201c{stage.name}\u201d deleted with its touchpoints.")
    return _back_to_map(journey)


@require_POST
def touchpoint_add(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    prefix = f"touchpoint-add-{stage.pk}"
    form = TouchpointForm(request.POST, prefix=prefix, stages=list(journey.stages.all()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            touchpoint = services.touchpoint_create(
                stage=data["stage"],
                key=data["key"],
                name=data["name"],
                channel=data["channel"],
                is_moment_of_truth=data["is_moment_of_truth"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Touchpoint \u201c{touchpoint.name}\u201d added.")
            return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")
    return _render_edit(request, journey, bound={prefix: form})


def _touchpoint_of(journey: Journey, touchpoint_id: int) -> Touchpoint:
    return get_object_or_404(Touchpoint.objects.select_related("stage"), pk=touchpoint_id, journey=journey)


@require_POST
def touchpoint_edit(request, slug, touchpoint_id):
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    prefix = f"touchpoint-{touchpoint.pk}"
    form = TouchpointForm(request.POST, prefix=prefix, stages=list(journey.stages.all()))
    if form.is_valid():
        try:
            services.touchpoint_update(touchpoint=touchpoint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Touchpoint saved.")
            return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")
    return _render_edit(request, journey, bound={prefix: form})


@require_POST
def touchpoint_move(request, slug, touchpoint_id):
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    services.touchpoint_shift(touchpoint=touchpoint, offset=_offset(request))
    return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")


@require_POST
def touchpoint_delete(request, slug, touchpoint_id):
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    try:
        services.touchpoint_delete(touchpoint=touchpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")
    messages.success(request, f"Touchpoint \u201c{touchpoint.name}\u201d deleted.")
    return _back_to_map(journey, f"stage-{touchpoint.stage_id}")


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

from django.utils.http import url_has_allowed_host_and_scheme  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from core.queue import enqueue_on_commit  # noqa: E402

from .models import Journey  # noqa: E402
from .tasks import recompute_journey_health  # noqa: E402


@require_POST
def health_recompute(request, slug):
    """ "Recompute now" on the journey page: owners and managers queue a recompute, then go back."""
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("journeys.recompute_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can recompute its health.")
    if enqueue_on_commit(recompute_journey_health, args=[journey.pk]):
        messages.success(
            request,
            f"Health of {journey.name} is being recomputed; refresh the page in a moment to see the new figures.",
        )
    else:
        messages.error(request, "The task queue is unavailable right now, so nothing was queued. Try again shortly.")
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    try:
        return redirect(journey.get_absolute_url())
    except NoReverseMatch:  # the journey page belongs to the maps part
        return redirect("home")


# --- audit history: every change to the journey and what hangs off it ----------------------------

from django.db.models import Q as _Q  # noqa: E402

from core import history as _history  # noqa: E402


def journey_history_sources(journey: Journey) -> list[_history.HistorySource]:
    """The journey and its map, then what the apps above journeys register for the journey feed.

    owners (ownerships, team, incentive reviews) and improvements (issues, initiatives) register
    their sources with ``core.history.register_sources`` from their ``AppConfig.ready()``.
    """
    on_journey = _Q(journey_id=journey.pk)
    return [
        _history.HistorySource("Journey", Journey, _Q(id=journey.pk), "name"),
        _history.HistorySource("Stage", Stage, on_journey, "name"),
        _history.HistorySource("Touchpoint", Touchpoint, on_journey, "name"),
        *_history.feed_sources(_history.JOURNEY_FEED, journey),
    ]


@require_GET
def journey_history(request, slug):
    """Who changed what and when on this journey, newest first: its owner and managers only."""
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("core.view_history", journey):
        raise PermissionDenied("The change history is visible to the journey's owner and to managers.")
    page = _history.history_page(journey_history_sources(journey), page_number=request.GET.get("page"))
    context = {
        "journey": journey,
        "page": page,
        "breadcrumbs": _journey_crumbs(journey, last="History"),
    }
    return render(request, "journeys/journey_history.html", context)
