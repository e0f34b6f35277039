"""The audit history page of a journey: every change to it and to what hangs off it."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core import history

from ..models import Journey
from .maps import journey_crumbs


def journey_history_sources(journey: Journey) -> list[history.HistorySource]:
    """The journey, its map, owners, team, incentive reviews, issues and initiatives.

    The other apps' models are looked up by name so that journeys does not import them (as core.rules does).
    """
    on_journey = Q(journey_id=journey.pk)
    return [
        history.HistorySource("Journey", Journey, Q(id=journey.pk), "name"),
        history.HistorySource("Stage", apps.get_model("journeys", "Stage"), on_journey, "name"),
        history.HistorySource("Touchpoint", apps.get_model("journeys", "Touchpoint"), on_journey, "name"),
        history.HistorySource("Ownership", apps.get_model("owners", "Ownership"), on_journey, "person"),
        history.HistorySource("Team member", apps.get_model("owners", "TeamMembership"), on_journey, "person"),
        history.HistorySource("Incentive review", apps.get_model("owners", "IncentiveReview"), on_journey, "incentive"),
        history.HistorySource("Issue", apps.get_model("improvements", "Issue"), on_journey, "title"),
        history.HistorySource("Initiative", apps.get_model("improvements", "Initiative"), on_journey, "title"),
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
