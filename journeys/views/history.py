"""The audit history page of a journey: every change to it and to what hangs off it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core import history

from ..models import Journey, Persona, Stage, Touchpoint
from .maps import journey_crumbs


def journey_history_sources(journey: Journey) -> list[history.HistorySource]:
    """The journey and its map, then what the apps above journeys register for the journey feed.

    owners (ownerships, team, incentive reviews) and improvements (issues, initiatives) register
    their sources with ``core.history.register_sources`` from their ``AppConfig.ready()``.
    """
    on_journey = Q(journey_id=journey.pk)
    return [
        history.HistorySource("Journey", Journey, Q(id=journey.pk), "name"),
        history.HistorySource("Stage", Stage, on_journey, "name"),
        history.HistorySource("Touchpoint", Touchpoint, on_journey, "name"),
        history.HistorySource("Persona", Persona, on_journey, "name"),
        *history.feed_sources(history.JOURNEY_FEED, journey),
    ]


@require_GET
def journey_history(request, slug):
    """Who changed what and when on this journey, newest first: its owner and managers only."""
    journey = get_object_or_404(Journey, slug=slug)
    if not request.user.has_perm("core.view_history", journey):
        raise PermissionDenied("The change history is visible to the journey's owner and to managers.")
    page = history.history_page(journey_history_sources(journey), page_number=request.GET.get("page"))
    context = {
        "journey": journey,
        "page": page,
        "breadcrumbs": journey_crumbs(journey, last="History"),
    }
    return render(request, "journeys/journey_history.html", context)
