"""The Personas panel of the journey page (each persona's emotion curve from data) and the persona form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import web
from core.web import add_service_error

from ..forms import PersonaForm
from ..models import Journey, Persona
from ..selectors import personas as selectors
from ..services import personas as services
from .maps import journey_crumbs

CHANGE_REFUSED = "Only the journey's owner or a manager can change its personas."


def personas_panel_context(request, journey: Journey) -> dict:
    """Context of the "Personas" panel: three queries whatever the number of personas or ratings."""
    personas = list(selectors.journey_personas(journey))
    curves = selectors.emotion_curves(journey, personas) if personas else None
    return {
        "personas": {
            "can_change": request.user.has_perm("journeys.change_journey", journey),
            "add_url": reverse("journeys:persona-add", kwargs={"slug": journey.slug}),
            "curves": curves,
            "cards": [
                {
                    "persona": persona,
                    "curve": curve,
                    "rows": list(zip(curve.points, curves.overall.points, strict=True)),
                }
                for persona, curve in curves.personas
            ]
            if curves
            else [],
        }
    }


def _journey_to_change(request, slug: str) -> Journey:
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("journeys.change_journey", journey):
        raise PermissionDenied(CHANGE_REFUSED)
    return journey


def _back_to_panel(journey: Journey, persona: Persona | None = None):
    anchor = f"persona-{persona.pk}" if persona else "personas"
    return redirect(f"{journey.get_absolute_url()}#{anchor}")


def _render_form(request, journey: Journey, form: PersonaForm, persona: Persona | None = None):
    context = {
        "journey": journey,
        "form": form,
        "persona": persona,
        "segments": selectors.journey_segments(journey),
        "breadcrumbs": journey_crumbs(
            journey, last=f"Persona \u201c{persona.name}\u201d" if persona else "New persona"
        ),
    }
    return render(request, "journeys/persona_form.html", context)


@require_http_methods(["GET", "POST"])
def persona_add(request, slug):
    journey = _journey_to_change(request, slug)
    form = PersonaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.persona_create(journey=journey, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Persona \u201c{persona.name}\u201d added; their emotion curve is below.")
            return _back_to_panel(journey, persona)
    return _render_form(request, journey, form)


@require_http_methods(["GET", "POST"])
def persona_edit(request, slug, persona_id):
    journey = _journey_to_change(request, slug)
    persona = get_object_or_404(Persona, pk=persona_id, journey=journey)
    initial = {name: getattr(persona, name) for name in services.PERSONA_EDITABLE_FIELDS}
    form = PersonaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.persona_update(persona=persona, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Persona \u201c{persona.name}\u201d saved.")
            return _back_to_panel(journey, persona)
    return _render_form(request, journey, form, persona)


@require_POST
def persona_delete(request, slug, persona_id):
    journey = _journey_to_change(request, slug)
    persona = get_object_or_404(Persona, pk=persona_id, journey=journey)
    if not web.confirmed(request):
        return web.confirmation_page(
            request,
            title=f"Remove persona \u201c{persona.name}\u201d?",
            question=f"Remove the persona \u201c{persona.name}\u201d from {journey.name}?",
            consequence="The customer data of their segment stays; only the persona and its curve leave the page.",
            confirm_label="Remove the persona",
            cancel_url=f"{journey.get_absolute_url()}#persona-{persona.pk}",
        )
    services.persona_delete(persona=persona)
    messages.success(request, f"Persona \u201c{persona.name}\u201d removed.")
    return _back_to_panel(journey)
