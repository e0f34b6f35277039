"""Pages of journey maps: the journey list, the journey page, the map editor, the Mermaid and CSV exports."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import web
from core.errors import ApplicationError, StaleObjectError
from core.web import add_service_error

from .. import map_templates, panels
from ..choices import JourneyStatus, ServicePosition, Tier
from ..filters import JourneyFilterSet
from ..forms import JourneyCreateForm, JourneyForm, MapCopyForm, StageForm, TouchpointForm
from ..layers import LAYER_FIELDS
from ..models import Journey, Stage, Touchpoint
from ..selectors import framework as framework_selectors
from ..selectors import maps as selectors
from ..selectors import where
from ..services import copies
from ..services import maps as services

JOURNEYS_PER_PAGE = 50


def journey_crumbs(
    journey: Journey | None = None, *, last: str | None = None, above: list[Journey] | None = None
) -> list[dict]:
    """Journeys > (the journeys ``above`` it in the framework, top first) > the journey > ``last``."""
    crumbs = [{"label": "Journeys", "url": reverse("journeys:list")}]
    crumbs += [{"label": ancestor.name, "url": ancestor.get_absolute_url()} for ancestor in above or []]
    if journey is not None:
        crumbs.append({"label": journey.name, "url": journey.get_absolute_url() if last else None})
    if last:
        crumbs.append({"label": last, "url": None})
    return crumbs


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
            add_service_error(form, error)
        else:
            messages.success(request, f"Journey \u201c{journey.name}\u201d created. Now draw its map.")
            return redirect("journeys:edit", slug=journey.slug)
    context = {"form": form, "breadcrumbs": journey_crumbs(last="New journey")}
    return render(request, "journeys/journey_form.html", context)


@require_GET
def journey_detail(request, slug):
    """The journey page: header, the panels placed before the blueprint, the blueprint, the other panels."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    user = request.user
    above = framework_selectors.ancestor_journeys(journey)
    where.remember_page_snapshot(journey)  # one read of the latest snapshot for the blueprint and the panels
    context = {
        "journey": journey,
        "above": above,
        "parts": list(journey.children.order_by("name")),
        "blueprint": selectors.journey_blueprint(journey),
        "map_is_stale": selectors.map_is_stale(journey),
        "stale_days": selectors.STALE_MAP_DAYS,
        "can_change": user.has_perm("journeys.change_journey", journey),
        "can_copy": user.has_perm("journeys.create_journey"),
        "can_review_map": user.has_perm("journeys.review_map", journey),
        "can_see_history": user.has_perm("core.view_history", journey),
        "touchpoint_actions": panels.touchpoint_actions(user, journey),
        "breadcrumbs": journey_crumbs(journey, above=above),
    }
    rendered = panels.render_context(request, journey)
    context["panels_before_blueprint"] = [item for item in rendered if item["panel"].order < panels.BLUEPRINT_ORDER]
    context["panels"] = [item for item in rendered if item["panel"].order >= panels.BLUEPRINT_ORDER]
    return render(request, "journeys/journey_detail.html", context)


@require_GET
def journey_mermaid(request, slug):
    """The journey as Mermaid ``journey`` text, for docs and wikis; ``?download=1`` saves it as a file."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    response = HttpResponse(selectors.journey_mermaid(journey), content_type="text/plain; charset=utf-8")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{journey.slug}.mmd"'
    return response


@require_GET
def journey_map_csv(request, slug):
    """The map as CSV, one row per touchpoint with its blueprint layers: for workshops and spreadsheets."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    return web.csv_response(
        f"{journey.slug}-map.csv", selectors.MAP_CSV_HEADER, selectors.journey_map_csv_rows(journey)
    )


@require_GET
def journey_mermaid_page(request, slug):
    """The Mermaid text on a page, with a download and a copy button, and what could not be scored."""
    journey = get_object_or_404(selectors.journey_map_queryset(), slug=slug)
    export = selectors.journey_mermaid_export(journey)
    context = {
        "journey": journey,
        "export": export,
        "breadcrumbs": journey_crumbs(journey, last="Mermaid export"),
    }
    return render(request, "journeys/journey_mermaid.html", context)


def _journey_to_change(request, slug: str) -> Journey:
    journey = get_object_or_404(selectors.journey_editor_queryset(), slug=slug)
    if not request.user.has_perm("journeys.change_journey", journey):
        raise PermissionDenied("Only the journey's owner or a manager can change it.")
    return journey


def _stages_in_use(journey: Journey) -> list[Stage]:
    """The stages a touchpoint may be placed in (from the editor's prefetch: no query)."""
    return [stage for stage in journey.stages.all() if not stage.is_retired]


def _map_entries(journey: Journey, bound: dict) -> list[dict]:
    """Per stage in use: its rename form and, per touchpoint in use, its edit form (the bound one when it failed)."""
    stages = _stages_in_use(journey)
    entries = []
    for index, stage in enumerate(stages):
        touchpoints = [touchpoint for touchpoint in stage.touchpoints.all() if not touchpoint.is_retired]
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
                                **{field: getattr(touchpoint, field) for field in LAYER_FIELDS},
                            },
                        ),
                    }
                    for position, touchpoint in enumerate(touchpoints)
                ],
            }
        )
    return entries


def _retired_entries(journey: Journey) -> dict:
    """Retired stages (with their touchpoints) and retired touchpoints of stages in use, from the prefetch."""
    stages = list(journey.stages.all())
    return {
        "stages": [
            {"stage": stage, "touchpoint_count": len(stage.touchpoints.all())} for stage in stages if stage.is_retired
        ],
        "touchpoints": [
            touchpoint
            for stage in stages
            if not stage.is_retired
            for touchpoint in stage.touchpoints.all()
            if touchpoint.is_retired
        ],
    }


def _render_edit(request, journey: Journey, *, form: JourneyForm | None = None, bound: dict | None = None):
    bound = bound or {}
    context = {
        "journey": journey,
        "form": form or JourneyForm(instance=journey),
        "map_entries": _map_entries(journey, bound),
        "retired": _retired_entries(journey),
        "stage_add_form": bound.get("stage-add") or StageForm(prefix="stage-add"),
        "breadcrumbs": journey_crumbs(journey, last="Edit"),
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
            add_service_error(form, error)
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
            add_service_error(form, error)
        else:
            messages.success(request, f"Stage \u201c{stage.name}\u201d added.")
            return _back_to_map(journey, f"stage-{stage.pk}")
    return _render_edit(request, journey, bound={"stage-add": form})


def _stage_of(journey: Journey, stage_id: int) -> Stage:
    return get_object_or_404(Stage, pk=stage_id, journey=journey)


def _retire_or_bring_back(request, journey: Journey, write, obj, done: str, anchor: str):
    try:
        write(obj)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back_to_map(journey, anchor)


@require_POST
def stage_retire(request, slug, stage_id):
    """Retire a stage with recorded data: kept with its history, hidden from the map and forms."""
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    return _retire_or_bring_back(
        request,
        journey,
        lambda stage: services.stage_retire(stage=stage),
        stage,
        f"Stage \u201c{stage.name}\u201d retired with its touchpoints: kept for history, off the map. "
        "Bring it back from the retired list below.",
        "retired",
    )


@require_POST
def stage_bring_back(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    return _retire_or_bring_back(
        request,
        journey,
        lambda stage: services.stage_bring_back(stage=stage),
        stage,
        f"Stage \u201c{stage.name}\u201d is back on the map.",
        f"stage-{stage.pk}",
    )


@require_POST
def stage_edit(request, slug, stage_id):
    journey = _journey_to_change(request, slug)
    stage = _stage_of(journey, stage_id)
    form = StageForm(request.POST, prefix=f"stage-{stage.pk}")
    if form.is_valid():
        try:
            services.stage_update(stage=stage, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_error(form, error)
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
    if not web.confirmed(request):
        count = stage.touchpoints.count()
        return web.confirmation_page(
            request,
            title=f"Delete stage “{stage.name}”?",
            question=(
                f"Delete the stage “{stage.name}” of {journey.name} "
                f"and its {count} touchpoint{'s' if count != 1 else ''}?"
            ),
            consequence=(
                "This cannot be undone. A stage whose touchpoints have recorded interactions cannot be deleted."
            ),
            confirm_label="Delete the stage",
            cancel_url=f"{reverse('journeys:edit', kwargs={'slug': journey.slug})}#stage-{stage.pk}",
        )
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
    form = TouchpointForm(request.POST, prefix=prefix, stages=_stages_in_use(journey))
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
                **{field: data[field] for field in LAYER_FIELDS},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Touchpoint \u201c{touchpoint.name}\u201d added.")
            return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")
    return _render_edit(request, journey, bound={prefix: form})


def _touchpoint_of(journey: Journey, touchpoint_id: int) -> Touchpoint:
    return get_object_or_404(Touchpoint.objects.select_related("stage"), pk=touchpoint_id, journey=journey)


@require_POST
def touchpoint_retire(request, slug, touchpoint_id):
    """Retire a touchpoint with recorded data: kept with its interactions, hidden from the map and forms."""
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    return _retire_or_bring_back(
        request,
        journey,
        lambda touchpoint: services.touchpoint_retire(touchpoint=touchpoint),
        touchpoint,
        f"Touchpoint \u201c{touchpoint.name}\u201d retired: kept for history, off the map. "
        "Bring it back from the retired list below.",
        "retired",
    )


@require_POST
def touchpoint_bring_back(request, slug, touchpoint_id):
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    return _retire_or_bring_back(
        request,
        journey,
        lambda touchpoint: services.touchpoint_bring_back(touchpoint=touchpoint),
        touchpoint,
        f"Touchpoint \u201c{touchpoint.name}\u201d is back on the map.",
        f"touchpoint-{touchpoint.pk}",
    )


@require_POST
def touchpoint_edit(request, slug, touchpoint_id):
    journey = _journey_to_change(request, slug)
    touchpoint = _touchpoint_of(journey, touchpoint_id)
    prefix = f"touchpoint-{touchpoint.pk}"
    form = TouchpointForm(request.POST, prefix=prefix, stages=_stages_in_use(journey))
    if form.is_valid():
        try:
            services.touchpoint_update(touchpoint=touchpoint, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
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
    if not web.confirmed(request):
        return web.confirmation_page(
            request,
            title=f"Delete touchpoint “{touchpoint.name}”?",
            question=f"Delete the touchpoint “{touchpoint.name}” from {journey.name}?",
            consequence="This cannot be undone. A touchpoint with recorded interactions cannot be deleted.",
            confirm_label="Delete the touchpoint",
            cancel_url=f"{reverse('journeys:edit', kwargs={'slug': journey.slug})}#touchpoint-{touchpoint.pk}",
        )
    try:
        services.touchpoint_delete(touchpoint=touchpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_map(journey, f"touchpoint-{touchpoint.pk}")
    messages.success(request, f"Touchpoint \u201c{touchpoint.name}\u201d deleted.")
    return _back_to_map(journey, f"stage-{touchpoint.stage_id}")


# --- new journeys from a template or a copy (issue 20.4) ----------------------------------------


def _require_create(request) -> None:
    if not request.user.has_perm("journeys.create_journey"):
        raise PermissionDenied("Only managers create journeys.")


def _render_copy_form(request, *, form: MapCopyForm, title: str, lead: str, action: str, source: dict, crumbs):
    context = {"form": form, "title": title, "lead": lead, "action": action, "source": source, "breadcrumbs": crumbs}
    return render(request, "journeys/journey_copy_form.html", context)


@require_GET
def template_list(request):
    """The archetypes a new journey can start from, with their stages and the functions they name."""
    _require_create(request)
    context = {
        "templates": selectors.template_summaries(),
        "breadcrumbs": journey_crumbs(last="Start from a template"),
    }
    return render(request, "journeys/template_list.html", context)


@require_http_methods(["GET", "POST"])
def journey_create_from_template(request, template):
    _require_create(request)
    found = map_templates.template_get(template)
    if found is None:
        raise Http404("There is no such template.")
    rows = [(item.key, item.name, stage.name) for stage in found.stages for item in stage.touchpoints]
    form = MapCopyForm(request.POST or None, touchpoints=rows, initial={"name": found.name})
    if request.method == "POST" and form.is_valid():
        try:
            journey = copies.journey_create_from_template(template=found, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Journey \u201c{journey.name}\u201d drawn from the {found.name} template, as a draft. "
                "Adapt its map, then make it active.",
            )
            return redirect("journeys:detail", slug=journey.slug)
    return _render_copy_form(
        request,
        form=form,
        title=f"New journey from the \u201c{found.name}\u201d template",
        lead="The new journey gets the template's stages, touchpoints, moments of truth and the functions "
        "that usually deliver them. Choose its name, slug and the keys integrations will send.",
        action=reverse("journeys:create-from-template", kwargs={"template": found.key}),
        source={"stages": len(found.stages), "touchpoints": len(rows)},
        crumbs=journey_crumbs(last=f"From the {found.name} template"),
    )


@require_http_methods(["GET", "POST"])
def journey_copy(request, slug):
    _require_create(request)
    source = get_object_or_404(Journey, slug=slug)
    touchpoints = copies.map_source_touchpoints(source)
    rows = [(touchpoint.key, touchpoint.name, touchpoint.stage.name) for touchpoint in touchpoints]
    form = MapCopyForm(request.POST or None, touchpoints=rows, initial={"name": f"Copy of {source.name}"})
    if request.method == "POST" and form.is_valid():
        try:
            journey = copies.journey_copy(source=source, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Journey \u201c{journey.name}\u201d created as a draft with the map of \u201c{source.name}\u201d "
                "(none of its data).",
            )
            return redirect("journeys:detail", slug=journey.slug)
    return _render_copy_form(
        request,
        form=form,
        title=f"Copy the map of \u201c{source.name}\u201d",
        lead="The copy gets the stages, touchpoints, moments of truth and responsibilities in use, never the "
        "customer data, issues, initiatives or owner. Choose its name, slug and touchpoint keys.",
        action=reverse("journeys:copy", kwargs={"slug": source.slug}),
        source={"stages": len({touchpoint.stage_id for touchpoint in touchpoints}), "touchpoints": len(rows)},
        crumbs=journey_crumbs(source, last="Copy the map"),
    )
